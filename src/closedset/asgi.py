"""ASGI entry point: HTTP through Django, websockets through Channels (routes added per app)."""

from __future__ import annotations

import os
import warnings

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closedset.settings")
# WhiteNoise serves static files with a synchronous iterator; Django handles that correctly
# under ASGI but warns on every file.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")

django_application = get_asgi_application()

application = ProtocolTypeRouter({"http": django_application})

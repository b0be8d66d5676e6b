"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import os
import warnings

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closedset.settings")
# WhiteNoise serves static files with a synchronous iterator; Django handles that correctly
# under ASGI but warns on every file.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")

# Django must be set up before anything imports models (the websocket routes do).
django_application = get_asgi_application()

from closedset.lib.middleware import BodyLimitASGI  # noqa: E402
from closedset.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Bodies over the limit are refused before Django reads them (lib/middleware.py).
        "http": BodyLimitASGI(django_application),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

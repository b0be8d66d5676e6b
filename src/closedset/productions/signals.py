"""Signals other apps listen to, so productions need not know about them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once the transaction that made someone a production's intimacy coordinator has
# committed; keyword argument `membership`. Boundaries tells each sharing performer.
coordinator_joined = Signal()

"""Work that follows a committed change: telling people about it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(tell: Callable[[], object]) -> None:
    """Run `tell` once the caller's transaction commits (at once outside one).

    The change it tells of is done by then, so a failure is never shown to the person as a
    failure of what they did: trying again would only meet "already done". It is logged by
    its kind alone, without a traceback, which could carry a notice's words or a name."""

    def run() -> None:
        try:
            tell()
        except Exception as error:  # noqa: BLE001 - what was done stays done
            logger.warning("telling after a commit failed: %s", type(error).__name__)

    transaction.on_commit(run)

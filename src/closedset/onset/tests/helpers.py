"""Running async code from the shoot-day tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync


def run_async(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run `function(*args)` to its end in a thread of its own. A browser test earlier in the
    same process leaves Playwright's event loop running in the main thread, where asgiref's
    async_to_sync refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(function), *args).result()

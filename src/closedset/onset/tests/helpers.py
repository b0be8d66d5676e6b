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


def started_with_profiles(world: Any) -> Any:
    """Scene 12B (Mara is A, Jonas is B), started today by Ines, with both performers'
    boundary profiles shared with the production (so a change request is checked)."""
    from datetime import timedelta

    from django.utils import timezone

    from closedset.boundaries import services as boundaries
    from closedset.compliance import services as compliance
    from closedset.compliance.tests.helpers import ready_scene
    from closedset.onset import services
    from closedset.plans.tests.scenario import JONAS, MARA

    ready_scene(world)
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)

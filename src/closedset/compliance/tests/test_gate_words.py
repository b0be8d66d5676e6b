"""Who reads which reason of a closed gate: the coordinator every reason; the custodian only
hers (identity records, clearances); the producer her own hold; the director none."""

from __future__ import annotations

import pytest

from closedset.compliance import services
from closedset.compliance.tests.helpers import future_day, mark_final, plan_scene

pytestmark = pytest.mark.django_db

CONSENT = "Not every cast performer has consented to every beat of the final plan version."


@pytest.fixture
def closed(world):
    """Scene 12B on hold, nobody consented, no records, no clearances."""
    mark_final(world, plan_scene(world))
    services.set_hold(world.petra, world.production, on=True)
    return (world.production.pk, world.scene.pk, future_day(3))


def _words(world, who, closed):
    return services.gate_view(world.users[who], *closed).words


def test_the_coordinator_reads_every_reason(world, closed):
    words = _words(world, "ines", closed)
    assert services.HOLD_REASON in words and CONSENT in words
    assert any("Mara: no identity record yet" in w for w in words)
    assert any("Jonas: no valid test clearance" in w for w in words)


def test_the_producer_reads_her_hold_and_nothing_about_a_performer(world, closed):
    words = _words(world, "petra", closed)
    assert words == [services.HOLD_REASON, services.OTHER_REASONS]


def test_the_producer_reads_only_the_hold_when_it_is_the_only_reason(world, closed):
    from closedset.compliance.tests.helpers import ready_scene

    services.set_hold(world.petra, world.production, on=False)
    ready_scene(world)
    services.set_hold(world.petra, world.production, on=True)
    assert _words(world, "petra", closed) == [services.HOLD_REASON]


def test_the_director_reads_only_not_cleared(world, closed):
    assert _words(world, "dario", closed) == [services.NOT_CLEARED]


def test_the_custodian_reads_her_reasons_and_no_consent_reason(world, closed):
    words = _words(world, "cora", closed)
    assert CONSENT not in words and services.HOLD_REASON not in words
    assert any("Mara: no identity record yet" in w for w in words)
    assert any("Jonas: no valid test clearance" in w for w in words)
    assert words[-1] == services.OTHER_REASONS


def test_the_gate_page_as_each_role(world, closed, client_as):
    url = f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    pages = {who: client_as(who).get(url).content.decode() for who in ("cora", "petra", "dario")}
    assert "Not every cast performer has consented" not in pages["cora"]
    assert "no identity record yet" in pages["cora"]
    assert "A production hold is on" in pages["petra"]
    assert "no identity record yet" not in pages["petra"]
    assert "Not every cast performer has consented" not in pages["petra"]
    assert "A production hold is on" not in pages["dario"]
    assert "talk to the coordinator" in pages["dario"]

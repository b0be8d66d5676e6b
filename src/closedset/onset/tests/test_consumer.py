"""The shoot day's socket (/ws/onset/<run>/): only people in the run get in, with the second
factor a page would ask for; PAUSE is stored before it is shown; the console sees every
signal, a phone only its own; catch-up by seq; bad messages and floods change nothing else.

Each test drives the real ASGI application (origin check, session authentication, routing)
with a session cookie made by Django's test client, as a browser would hold it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from closedset.asgi import application
from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.conftest import verified_client
from closedset.onset import consumers, services
from closedset.onset.models import Run, Signal
from closedset.onset.tests.helpers import run_async
from closedset.productions.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "k-0001-pause"
ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture
def run(world: Any) -> Run:
    """Scene 12B, consented, cleared, scheduled and started today by Ines."""
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Any:
    """Each test its own in-memory layer (its queues belong to the test's event loop)."""
    from channels.layers import channel_layers

    channel_layers.backends.pop("default", None)
    yield
    channel_layers.backends.pop("default", None)


def cookie_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def cookie_for(user: Any) -> str:
    """A signed-in session, second factor verified when the person has or needs one."""
    return cookie_of(verified_client(user))


def unverified_cookie_for(user: Any) -> str:
    """Signed in with the password only: no second factor in this session."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return cookie_of(client)


def socket(cookie: str | None, run_id: int, query: str = "", origin: Any = ORIGIN) -> Any:
    headers = [origin] if origin else []
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/onset/{run_id}/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=headers)


def drive(body: Callable[[], Awaitable[None]]) -> None:
    run_async(body)


async def opened(cookie: str | None, run_id: int, query: str = "") -> Any:
    communicator = socket(cookie, run_id, query)
    # Connecting checks the session and the run on the database thread: generous on a busy CI.
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    return communicator


async def refused(communicator: Any) -> bool:
    connected, _ = await communicator.connect(timeout=10)
    quiet = await communicator.receive_nothing(timeout=0.1)
    return not connected and quiet


async def reply(communicator: Any) -> dict[str, Any]:
    return await communicator.receive_json_from(timeout=3)


async def leaves(world: Any, user: Any) -> None:
    """`user` is taken off the production while her socket is open."""
    from channels.db import database_sync_to_async

    await database_sync_to_async(
        lambda: Membership.objects.filter(user=user, production=world.production).delete()
    )()


async def everything(communicator: Any) -> list[dict[str, Any]]:
    """What the socket sends until it falls quiet."""
    found = []
    while not await communicator.receive_nothing(timeout=0.3):
        found.append(await reply(communicator))
    return found


# --- who gets in ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "dario", "petra", "cora", "oscar"])
def test_only_people_in_the_run_get_in(world, run, who):
    cookie = None if who == "anonymous" else cookie_for(world.users[who])

    async def body() -> None:
        assert await refused(socket(cookie, run.pk))

    drive(body)


def test_another_productions_coordinator_and_a_missing_run_are_refused(world, run):
    Membership.objects.create(
        user=world.oscar, production=world.other_production, role="coordinator"
    )
    oscar, ines = cookie_for(world.oscar), cookie_for(world.ines)

    async def body() -> None:
        assert await refused(socket(oscar, run.pk))
        assert await refused(socket(ines, run.pk + 999))
        assert await refused(socket(ines, 2**70))

    drive(body)


def test_a_coordinator_needs_her_second_factor_as_on_a_page(world, run):
    never_enrolled = unverified_cookie_for(world.ines)
    verified = cookie_for(world.ines)  # enrols a device and verifies this session
    enrolled_not_verified = unverified_cookie_for(world.ines)

    async def body() -> None:
        assert await refused(socket(never_enrolled, run.pk))
        assert await refused(socket(enrolled_not_verified, run.pk))
        console = await opened(verified, run.pk)
        await console.disconnect()

    drive(body)


def test_a_performer_is_not_forced_to_a_second_factor_but_a_foreign_page_is_refused(world, run):
    mara = unverified_cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        await phone.disconnect()
        elsewhere = socket(mara, run.pk, origin=(b"origin", b"https://evil.example"))
        assert await refused(elsewhere)

    drive(body)


def test_a_session_ended_elsewhere_is_refused(world, run):
    from closedset.accounts.models import UserSession

    mara = cookie_for(world.mara)
    UserSession.objects.filter(user=world.mara).delete()

    async def body() -> None:
        assert await refused(socket(mara, run.pk))

    drive(body)


# --- signals ----------------------------------------------------------------------------------


def test_a_pause_is_stored_and_reaches_the_console_and_not_the_other_phone(world, run):
    ines, mara, jonas = (cookie_for(world.users[who]) for who in ("ines", "mara", "jonas"))

    async def body() -> None:
        console = await opened(ines, run.pk)
        phone = await opened(mara, run.pk)
        other = await opened(jonas, run.pk)
        await phone.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        assert await reply(phone) == {"type": "stored", "key": KEY, "seq": 1, "kind": "pause"}
        seen = await reply(console)
        assert seen["type"] == "signal" and seen["seq"] == 1 and seen["kind"] == "pause"
        assert seen["sender_name"] == "Mara" and seen["mine"] is False and seen["id"]
        assert set(seen) == {  # no sender id, ever
            "type",
            "seq",
            "kind",
            "acknowledged",
            "escalated",
            "mine",
            "id",
            "sender_name",
        }
        own = await reply(phone)
        assert own == {
            "type": "signal",
            "seq": 1,
            "kind": "pause",
            "acknowledged": False,
            "escalated": False,
            "mine": True,
        }
        assert await other.receive_nothing(timeout=0.2)
        for communicator in (console, phone, other):
            await communicator.disconnect()

    drive(body)
    stored = Signal.objects.get()
    assert (stored.sender, stored.kind, stored.seq) == (world.mara, "pause", 1)
    run.refresh_from_db()
    assert run.state == Run.State.ON_HOLD


def test_services_refusals_come_back_in_words_and_the_socket_stays(world, run):
    ines, mara = cookie_for(world.ines), cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        await phone.send_json_to({"action": "signal", "kind": "dance", "key": KEY})
        assert await reply(phone) == {"type": "error", "message": "Send PAUSE or STOP.", "key": KEY}
        await phone.send_json_to({"action": "ack", "signal": 1})
        assert (await reply(phone))["message"] == consumers.NOT_COORDINATOR
        console = await opened(ines, run.pk)
        # The coordinator is not cast: she cannot send a PAUSE herself.
        await console.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        assert (await reply(console))["message"] == services.NO_RUN
        await phone.send_json_to({"action": "signal", "kind": "stop", "key": KEY})
        assert (await reply(phone))["type"] == "stored"
        await phone.disconnect()
        await console.disconnect()

    drive(body)
    assert Signal.objects.count() == 1


def test_catching_up_after_a_reconnect(world, run):
    ines, mara, jonas = (cookie_for(world.users[who]) for who in ("ines", "mara", "jonas"))
    services.send(world.mara, run.pk, "pause", KEY)
    services.send(world.jonas, run.pk, "pause", "k-0002-jonas")
    services.send(world.mara, run.pk, "stop", "k-0003-stop")

    async def body() -> None:
        phone = await opened(mara, run.pk, "after=0")
        caught = await reply(phone)
        assert caught["type"] == "signals"
        assert [item["seq"] for item in caught["signals"]] == [1, 3]
        assert [item["key"] for item in caught["signals"]] == [KEY, "k-0003-stop"]
        for item in caught["signals"]:
            # A phone gets no ids and no names; her own key, to match her outbox.
            assert set(item) == {
                "key",
                "seq",
                "kind",
                "acknowledged",
                "acknowledged_at",
                "escalated",
                "mine",
            }
            assert item["mine"] is True
        await phone.send_json_to({"action": "after", "seq": 1})
        assert [item["seq"] for item in (await reply(phone))["signals"]] == [3]
        await phone.disconnect()

        console = await opened(ines, run.pk, "after=1")
        caught = await reply(console)
        assert [(i["seq"], i["sender_name"], i["mine"]) for i in caught["signals"]] == [
            (2, "Jonas", False),
            (3, "Mara", False),
        ]
        await console.disconnect()

        other = await opened(jonas, run.pk, "after=nonsense")
        assert await other.receive_nothing(timeout=0.1)
        await other.send_json_to({"action": "after", "seq": -1})
        assert (await reply(other))["type"] == "error"
        await other.disconnect()

    drive(body)


def test_a_malformed_message_is_answered_and_the_socket_stays_open(world, run):
    mara = cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        for bad in ("not json", "[1, 2]", json.dumps({"action": "dance"}), "[" * 3000, "[" * 1500):
            await phone.send_to(text_data=bad)
            answer = await reply(phone)
            assert answer["type"] == "error" and "{" not in answer["message"]
        await phone.send_to(bytes_data=b"\x00\x01")
        assert (await reply(phone))["type"] == "error"
        await phone.send_json_to({"action": "signal", "kind": 1, "key": ["x"]})
        assert (await reply(phone))["type"] == "error"
        await phone.send_json_to({"action": "after", "seq": "0"})
        assert (await reply(phone))["type"] == "error"
        # Still open, still working.
        await phone.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        assert (await reply(phone))["type"] == "stored"
        await phone.disconnect()

    drive(body)


def test_a_flood_is_limited_but_the_first_signal_always_gets_through(world, run, monkeypatch):
    mara = cookie_for(world.mara)
    # The clock stands still, so the bucket refills at no rate a busy test machine could set.
    monkeypatch.setattr(consumers, "_clock", lambda: 1000.0)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        for _ in range(40):
            await phone.send_json_to({"action": "after", "seq": 0})
        await phone.send_json_to({"action": "signal", "kind": "stop", "key": KEY})
        await phone.send_json_to({"action": "signal", "kind": "pause", "key": "k-0002-again"})
        answers = await everything(phone)
        kinds = [a["type"] for a in answers]
        assert len(answers) == 43  # an answer to each, and her own signal from the group
        assert kinds.count("error") >= 25  # most of the flood was not read
        assert kinds.count("signal") == 1
        assert {"type": "stored", "key": KEY, "seq": 1, "kind": "stop"} in answers
        # The second signal in the flood was refused, said so, and names its key to resend.
        assert {"type": "error", "message": consumers.TOO_MANY, "key": "k-0002-again"} in answers
        await phone.disconnect()

    drive(body)
    assert list(Signal.objects.values_list("key", flat=True)) == [KEY]


def test_a_replay_over_the_socket_is_the_first_signal(world, run):
    mara = cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        for _ in range(3):
            await phone.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        answers = await everything(phone)
        assert len(answers) == 4  # 3 answers, 1 broadcast
        stored = [a for a in answers if a["type"] == "stored"]
        assert len(stored) == 3 and all(a["seq"] == 1 for a in stored)
        await phone.disconnect()

    drive(body)
    assert Signal.objects.count() == 1


def test_the_coordinator_acknowledges_over_the_socket(world, run):
    ines, mara = cookie_for(world.ines), cookie_for(world.mara)
    signal = services.send(world.mara, run.pk, "pause", KEY)

    async def body() -> None:
        console = await opened(ines, run.pk, "after=0")
        listed = (await reply(console))["signals"]
        assert listed[0]["id"] == signal.pk and listed[0]["acknowledged"] is False
        phone = await opened(mara, run.pk)
        await console.send_json_to({"action": "ack", "signal": signal.pk})
        answer = await reply(console)
        assert answer["type"] == "acknowledged" and answer["seq"] == 1
        assert answer["acknowledged_at"]
        update = await reply(console)
        assert update["type"] == "signal" and update["acknowledged"] is True
        seen = await reply(phone)
        assert (
            seen["acknowledged"] is True
            and seen["mine"] is True
            and "sender_name" not in seen
            and "id" not in seen
        )
        for bad in (signal.pk + 999, 2**80, "1", True):
            await console.send_json_to({"action": "ack", "signal": bad})
            assert (await reply(console))["type"] == "error"
        await console.disconnect()
        await phone.disconnect()

    drive(body)
    signal.refresh_from_db()
    assert signal.acknowledged_by == world.ines


def test_failed_signals_do_not_slip_past_the_limit(world, run):
    ines = cookie_for(world.ines)

    async def body() -> None:
        console = await opened(ines, run.pk)
        for number in range(30):
            key = f"k-{number:04d}-flood"
            await console.send_json_to({"action": "signal", "kind": "pause", "key": key})
        answers = await everything(console)
        assert len(answers) == 30
        assert sum(a["message"] == consumers.TOO_MANY for a in answers) >= 15
        await console.disconnect()

    drive(body)
    assert not Signal.objects.exists()


def test_an_open_console_stops_hearing_the_run_once_its_role_is_gone(world, run, monkeypatch):
    from channels.db import database_sync_to_async

    now = [1000.0]
    monkeypatch.setattr(consumers, "_clock", lambda: now[0])
    ines = cookie_for(world.ines)

    async def body() -> None:
        console = await opened(ines, run.pk)
        await database_sync_to_async(services.send)(world.mara, run.pk, "pause", KEY)
        assert (await reply(console))["seq"] == 1  # heard while she is the coordinator
        await leaves(world, world.ines)
        # Within the re-check interval the open socket is trusted; after it, admitted again.
        now[0] += consumers.READMIT_SECONDS + 1
        await database_sync_to_async(services.send)(world.mara, run.pk, "stop", KEY + "-stop")
        assert await console.receive_output(timeout=3) == {"type": "websocket.close"}

    drive(body)
    assert Signal.objects.count() == 2  # both stored, whoever still listens


# --- the socket's check, kept off a signal's way ----------------------------------------------


def test_a_signal_from_a_session_ended_elsewhere_stores_nothing_and_closes(world, run, monkeypatch):
    # Past the refresh age but within the interval: the signal's own check sees the session
    # gone, before anything is stored.
    from channels.db import database_sync_to_async

    from closedset.accounts.models import UserSession

    now = [1000.0]
    monkeypatch.setattr(consumers, "_clock", lambda: now[0])
    mara = cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        await database_sync_to_async(lambda: UserSession.objects.filter(user=world.mara).delete())()
        now[0] += consumers.REFRESH_SECONDS + 1
        await phone.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        assert await phone.receive_output(timeout=3) == {"type": "websocket.close"}

    drive(body)
    assert not Signal.objects.exists()


def test_a_signal_on_a_socket_due_for_its_check_is_stored_then_checked(world, run, monkeypatch):
    # Past the interval, a PAUSE does not wait for the socket's check: it is stored (her
    # place in the run is checked by storing it) and the check follows.
    now = [1000.0]
    monkeypatch.setattr(consumers, "_clock", lambda: now[0])
    checks: list[str] = []
    admit = consumers.admit

    def counted(*args: Any) -> Any:
        checks.append("admit")
        return admit(*args)

    monkeypatch.setattr(consumers, "admit", counted)
    mara = cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        assert checks == ["admit"]
        now[0] += consumers.READMIT_SECONDS + 1
        await phone.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        answers = await everything(phone)
        assert {"type": "stored", "key": KEY, "seq": 1, "kind": "pause"} in answers
        assert checks == ["admit", "admit"]  # checked again, after storing
        await phone.disconnect()

    drive(body)
    assert Signal.objects.count() == 1


def test_a_recast_performer_past_the_interval_stores_nothing_and_is_closed(world, run, monkeypatch):

    now = [1000.0]
    monkeypatch.setattr(consumers, "_clock", lambda: now[0])
    mara = cookie_for(world.mara)

    async def body() -> None:
        phone = await opened(mara, run.pk)
        await leaves(world, world.mara)
        now[0] += consumers.READMIT_SECONDS + 1
        await phone.send_json_to({"action": "signal", "kind": "pause", "key": KEY})
        answers = []
        while (out := await phone.receive_output(timeout=3))["type"] != "websocket.close":
            answers.append(json.loads(out["text"]))
        assert [a["type"] for a in answers] == ["error"]
        assert "key" in answers[0]  # the phone keeps the press to send another way

    drive(body)
    assert not Signal.objects.exists()


def test_a_console_is_checked_again_while_it_waits(world, run, monkeypatch):
    # The console hears who pressed: its check is renewed in the background, so a console
    # whose role is gone is closed before any signal reaches it.

    monkeypatch.setattr(consumers, "REFRESH_SECONDS", 0.05)
    ines = cookie_for(world.ines)

    async def body() -> None:
        console = await opened(ines, run.pk)
        await leaves(world, world.ines)
        assert await console.receive_output(timeout=3) == {"type": "websocket.close"}

    drive(body)


def test_a_busy_console_hears_at_once_and_is_checked_behind(world, run, monkeypatch):
    # Between the refresh age and the interval, a signal is shown at once and the check runs
    # behind it; once that check fails, the console is closed.
    from channels.db import database_sync_to_async

    now = [1000.0]
    monkeypatch.setattr(consumers, "_clock", lambda: now[0])
    ines = cookie_for(world.ines)

    async def body() -> None:
        console = await opened(ines, run.pk)
        await leaves(world, world.ines)
        now[0] += (consumers.REFRESH_SECONDS + consumers.READMIT_SECONDS) / 2
        await database_sync_to_async(services.send)(world.mara, run.pk, "pause", KEY)
        assert (await reply(console))["seq"] == 1  # checked less than READMIT_SECONDS ago
        assert await console.receive_output(timeout=3) == {"type": "websocket.close"}

    drive(body)

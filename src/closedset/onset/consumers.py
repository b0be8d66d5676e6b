"""The shoot day's socket, `/ws/onset/<run>/`: the console's and the phones' fast path.

Everything here goes through `onset.services`, which stores a signal before anything is sent
to anyone; the socket only makes delivery fast. A screen that missed a message asks for what
came after its last `seq` (here with {"action": "after"}, or `?after=<n>` on connect).

Who may connect is what a page would allow: a signed-in session still on record, a confirmed
address, the second factor for every role that needs one (and for anyone who enrolled), and a
place in the run (its coordinator, or a performer cast in the version being shot). Anyone
else is closed before a byte is sent. See docs/shootday.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext_noop

from closedset.lib.errors import BUSY_MESSAGE, MAX_ID, DomainError, database_busy
from closedset.onset import services
from closedset.onset.models import Signal

logger = logging.getLogger(__name__)

# The largest message a screen has reason to send (a signal with a 64-character key is < 200).
MAX_MESSAGE_CHARS = 2048
# A token bucket per socket: bursts of BUCKET_SIZE, then RATE messages a second.
RATE = 10.0
# The bucket's clock (tests stand it still without stopping the event loop's own).
_clock = time.monotonic
BUCKET_SIZE = 10.0
# An open socket is admitted again this often (seconds): a session ended elsewhere, a role
# taken away or a performer recast stops hearing the run within this time.
READMIT_SECONDS = 30.0
# Past this age a busy socket is admitted again in the background, and a console (which hears
# who pressed) every this often while it is open: no signal waits on the check, which costs
# several queries. Only a socket idle for a whole READMIT_SECONDS waits for it.
REFRESH_SECONDS = READMIT_SECONDS / 2

# Translated when sent, in the reader's language (`_error`).
MALFORMED = gettext_noop(
    "The screen sent something the server does not understand. Reload the page; "
    "if it keeps happening, tell the coordinator."
)
TOO_LARGE = gettext_noop(
    "That message was too large and was ignored. Reload the page and try again."
)
TOO_MANY = gettext_noop(
    "Too many messages at once; some were not read. Wait a moment: the screen sends "
    "anything not yet confirmed again by itself."
)
NOT_COORDINATOR = gettext_noop("Only the coordinator can do this on this screen.")
BROKEN = gettext_noop(
    "Something went wrong on the server; nothing was changed. Try again in a moment."
)
SEQ = gettext_noop("Ask from a sequence number of 0 or more.")
NO_KEY = gettext_noop("Send PAUSE or STOP with the key the screen made for it.")
WHICH = gettext_noop("Say which signal you have seen.")


T = TypeVar("T")


def _on_socket_thread(work: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`database_sync_to_async` for the socket, keeping the database connection between
    messages for CLOSEDSET_SOCKET_DB_SECONDS: opening one (and SQLite reading its schema
    again) costs more than a PAUSE's own queries. Channels runs every socket's database work
    on one thread (pages get a thread each, and keep closing theirs), so this is one
    connection a process. Django's own check still closes it once it is older than that, has
    failed, or was left inside a transaction."""

    def kept(*args: Any, **kwargs: Any) -> T:
        try:
            return work(*args, **kwargs)
        finally:
            _keep_connections()

    return database_sync_to_async(kept)  # type: ignore[no-any-return]


def _keep_connections() -> None:
    seconds = getattr(settings, "CLOSEDSET_SOCKET_DB_SECONDS", 0)
    if seconds <= 0:
        return
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        # Once a connection: its age counts from when it was opened, not from its last use.
        if raw is not None and getattr(connection, "_socket_kept", None) is not raw:
            connection.close_at = time.monotonic() + seconds
            connection._socket_kept = raw  # type: ignore[attr-defined]


def _second_factor_ok(user: Any, session: Any) -> bool:
    """The rule SecondFactorMiddleware applies to pages, for a socket's session: verified in
    this session, or neither enrolled nor in a role that needs it (OTPMiddleware's check)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    from closedset.accounts import services as accounts

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if persistent_id:
        device = Device.from_persistent_id(str(persistent_id))
        if device is not None and device.user_id == user.pk and device.confirmed:
            return True
    if accounts.has_confirmed_device(user):
        return False
    return not accounts.needs_second_factor(user)


def admit(user: Any, session: Any, run_id: int) -> set[str] | None:
    """What `user` is in the run ("coordinator", "performer") if this session may open its
    socket, else None. Sync: call through _on_socket_thread."""
    from closedset.accounts import services as accounts

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if session is None or not accounts.keep_session(user, session):
        return None  # a session ended from another device, as SessionActivityMiddleware does
    if accounts.needs_email_verification(user):
        return None
    if not _second_factor_ok(user, session):
        return None
    if not 0 < run_id <= MAX_ID:
        return None
    try:
        _, what = services.run_for(user, run_id)
    except DomainError:
        return None
    return set(what)


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


class OnsetConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    """One screen in one run: the coordinator's console or a performer's phone."""

    async def connect(self) -> None:
        self.run_id: int = int(self.scope["url_route"]["kwargs"]["run_id"])
        user = self.scope.get("user")
        self.user = getattr(user, "_wrapped", user)  # the account, not channels' lazy proxy
        self.what: set[str] = set()
        self.joined = False
        self.tokens = BUCKET_SIZE
        self.filled_at = _clock()
        self.signalled = False  # the first signal on a socket is never rate-limited
        self.names: dict[int, str] = {}
        try:
            what = await _on_socket_thread(admit)(self.user, self.scope.get("session"), self.run_id)
        except Exception:  # noqa: BLE001 - refuse rather than fail open
            logger.warning("an on-set socket could not be checked; refused", exc_info=True)
            what = None
        if not what:
            await self.close()
            return
        self.what = what
        self.admitted_at = _clock()
        # A console hears every signal; a phone only its own person's (services.broadcast).
        self.groups_joined: list[str] = []
        if "coordinator" in what:
            self.groups_joined.append(services.console_group(self.run_id))
        if "performer" in what:
            self.groups_joined.append(services.person_group(self.run_id, self.user.pk))
        if self.channel_layer is not None:
            for group in self.groups_joined:
                await self.channel_layer.group_add(group, self.channel_name)
            self.joined = True
        await self.accept()
        self.refreshing: asyncio.Task[bool] | None = None
        self.keeper: asyncio.Task[None] | None = None
        if self.console:
            self.keeper = asyncio.create_task(self._keep_admitted())
        after = self._after_from_query()
        if after is not None:
            await self._catch_up(after)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._stop_checks()  # however the socket ended, nothing of it keeps running

    def _stop_checks(self) -> None:
        for task in (getattr(self, "keeper", None), getattr(self, "refreshing", None)):
            if task is not None and not task.done():
                task.cancel()

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, without its trip to the database thread before every handler (to
        close old connections): every database call here goes through `_on_socket_thread`,
        which does that itself, and a PAUSE on its way to the console waits for nothing else."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message.get('type')!r}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        self._stop_checks()
        if getattr(self, "joined", False) and self.channel_layer is not None:
            for group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)
            self.joined = False

    async def _still_admitted(self) -> bool:
        """Admit the socket again if its last check is old; close it if it would now be
        refused. Every service call checks again anyway; this covers what is only heard.
        Past REFRESH_SECONDS the check runs in the background and this answers at once."""
        if not self.what:
            return False  # refused by a check already: closed or closing
        age = _clock() - self.admitted_at
        if age < REFRESH_SECONDS:
            return True
        check = self._refresh()
        if age < READMIT_SECONDS:
            return True
        # Shielded: a handler that is cancelled leaves the shared check to finish.
        return await asyncio.shield(check)

    def _refresh(self) -> asyncio.Task[bool]:
        """The socket's check, running behind: the one already under way, or a new one."""
        if self.refreshing is None or self.refreshing.done():
            self.refreshing = asyncio.create_task(self._readmit())
        return self.refreshing

    async def _keep_admitted(self) -> None:
        """A console's admission, renewed while it is open: a PAUSE reaching it is shown at
        once, by a console checked no more than REFRESH_SECONDS ago."""
        while self.what:
            await asyncio.sleep(REFRESH_SECONDS)
            if not self.what or not await asyncio.shield(self._refresh()):
                return

    async def _readmit(self) -> bool:
        started = _clock()  # the check answers for the moment it began
        try:
            what = await _on_socket_thread(admit)(self.user, self.scope.get("session"), self.run_id)
        except Exception:  # noqa: BLE001 - when in doubt, stop listening
            logger.warning("an on-set socket could not be checked again; closed", exc_info=True)
            what = None
        if not what:
            if self.what:  # close once, however many checks end here
                self.what = set()
                try:
                    await self.close()
                except Exception:  # noqa: BLE001 - already gone: nothing more to close
                    logger.info("an on-set socket was gone before it could be closed")
            return False
        if self.what:
            self.what, self.admitted_at = what, started
        return True

    @property
    def console(self) -> bool:
        return "coordinator" in self.what

    def _after_from_query(self) -> int | None:
        raw = self.scope.get("query_string", b"")
        try:
            values = parse_qs(raw.decode("ascii"), max_num_fields=10).get("after")
        except (UnicodeDecodeError, ValueError):
            return None
        if not values or not values[0].isdigit() or len(values[0]) > 19:
            return None
        return int(values[0])

    # --- from the screen --------------------------------------------------------------------

    def _take_token(self) -> bool:
        now = _clock()
        self.tokens = min(BUCKET_SIZE, self.tokens + (now - self.filled_at) * RATE)
        self.filled_at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Every message costs a token, except the socket's first signal: it is read even in
        a flood. A message that is not understood is answered and changes nothing else."""
        size = len(text_data) if text_data is not None else len(bytes_data or b"")
        if size > MAX_MESSAGE_CHARS:
            allowed = self._take_token()
            if allowed:
                await self._error(TOO_LARGE)
            return
        content: Any = None
        if text_data is not None:
            try:
                content = json.loads(text_data)
            except (ValueError, RecursionError):
                content = None
        first_signal = (
            not self.signalled
            and "performer" in self.what
            and isinstance(content, dict)
            and content.get("action") == "signal"
        )
        if not self._take_token() and not first_signal:
            await self._error(TOO_MANY, key=_key_of(content))
            return
        if not isinstance(content, dict):
            await self._error(MALFORMED)
            return
        # A signal never waits for the socket's check: storing it checks the session and her
        # place in the run itself (`_store`), and the check follows in the background.
        if not self.what or not (content.get("action") == "signal" or await self._still_admitted()):
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        action = content.get("action")
        try:
            if action == "signal":
                await self._signal(content)
            elif action == "ack":
                await self._ack(content)
            elif action == "after":
                seq = content.get("seq")
                if isinstance(seq, bool) or not isinstance(seq, int):
                    await self._error(SEQ)
                    return
                await self._catch_up(seq)
            else:
                await self._error(MALFORMED)
        except DomainError as error:
            await self._error(error.message, key=_key_of(content))
        except Exception as error:  # noqa: BLE001 - the socket stays open; the row decides
            if database_busy(error):
                await self._error(BUSY_MESSAGE, key=_key_of(content))
            else:
                logger.exception("an on-set socket message failed")
                await self._error(BROKEN, key=_key_of(content))

    async def _signal(self, content: dict[str, Any]) -> None:
        kind, key = content.get("kind"), content.get("key")
        if not isinstance(kind, str) or not isinstance(key, str):
            await self._error(NO_KEY)
            return
        # One press is exempt from the limit, whatever becomes of it: a socket cannot flood
        # past the bucket with signals that fail.
        self.signalled = True
        try:
            checked = _clock() - self.admitted_at < REFRESH_SECONDS
            stored = await _on_socket_thread(self._store)(kind, key, checked)
            if stored is None:  # her session was ended elsewhere: nothing stored; closes
                if self.what:
                    self.what = set()
                    await self.close()
                return
            signal, new = stored
            if new:
                await services.abroadcast(signal)  # stored and committed: the console first
            await self.send_json(
                {"type": "stored", "key": signal.key, "seq": signal.seq, "kind": signal.kind}
            )
        finally:
            # The socket's own check, behind the signal whatever became of it.
            if self.what and _clock() - self.admitted_at >= REFRESH_SECONDS:
                self._refresh()

    def _store(self, kind: str, key: str, checked: bool) -> tuple[Signal, bool] | None:
        """services.store, which checks her place in the run. A socket not `checked` lately
        first reads whether its session is still on record and its address confirmed (in the
        same trip to the database thread): None, and nothing stored, if not. The second factor
        was asked when the socket opened; the full check behind the signal asks again."""
        from closedset.accounts import services as accounts

        if not checked and not (
            accounts.session_on_record(self.user, self.scope.get("session"))
            and not accounts.needs_email_verification(self.user)
        ):
            return None
        return services.store(self.user, self.run_id, kind, key)

    async def _ack(self, content: dict[str, Any]) -> None:
        if not self.console:
            await self._error(NOT_COORDINATOR)
            return
        signal_id = content.get("signal")
        if isinstance(signal_id, bool) or not isinstance(signal_id, int):
            await self._error(WHICH)
            return
        if not 0 < signal_id <= MAX_ID:
            await self._error(services.NO_RUN)
            return
        signal = await _on_socket_thread(services.acknowledge)(self.user, signal_id)
        await self.send_json(
            {
                "type": "acknowledged",
                "signal": signal.pk,
                "seq": signal.seq,
                "acknowledged_at": _when(signal.acknowledged_at),
            }
        )

    async def _catch_up(self, seq: int) -> None:
        try:
            items = await _on_socket_thread(self._signals_after)(seq)
        except DomainError as error:
            await self._error(error.message)
            return
        await self.send_json({"type": "signals", "signals": items})

    def _signals_after(self, seq: int) -> list[dict[str, Any]]:
        if seq > MAX_ID:
            return []
        rows = services.signals_after(self.user, self.run_id, seq)
        if self.console:
            self._learn_names({row.sender_id for row in rows if row.sender_id is not None})
        return [self._item(row) for row in rows]

    def _item(self, signal: Signal) -> dict[str, Any]:
        item: dict[str, Any] = {
            "seq": signal.seq,
            "kind": signal.kind,
            "acknowledged": signal.acknowledged_at is not None,
            "acknowledged_at": _when(signal.acknowledged_at),
            "escalated": signal.escalated_at is not None,
            "mine": signal.sender_id is not None and signal.sender_id == self.user.pk,
        }
        if item["mine"]:
            item["key"] = signal.key  # the phone's own key, to match its outbox
        if self.console:
            # The console acknowledges by id and shows who pressed; a phone gets neither.
            # Field names as in the pages' JSON (onset/views.py).
            item["id"] = signal.pk
            item["sender_name"] = self.names.get(signal.sender_id or 0, "")
        return item

    def _learn_names(self, ids: set[int]) -> None:
        from django.contrib.auth import get_user_model

        missing = ids - self.names.keys()
        if missing:
            rows = get_user_model().objects.filter(pk__in=missing)
            self.names.update(rows.values_list("pk", "display_name"))

    # --- from the run's group -----------------------------------------------------------------

    async def onset_signal(self, event: dict[str, Any]) -> None:
        """A signal stored, acknowledged or escalated, as services.message made it for this
        socket's group: the console's carries the id and who pressed, a phone's neither."""
        if not await self._still_admitted():
            return
        mine = bool(event.get("mine"))
        if not mine and not self.console:
            return  # a console message reaching a socket that is no longer a console
        out: dict[str, Any] = {
            "type": "signal",
            "seq": event.get("seq"),
            "kind": event.get("kind"),
            "acknowledged": bool(event.get("acknowledged")),
            "escalated": bool(event.get("escalated")),
            "mine": mine,
        }
        if not mine:
            out["id"] = event.get("id")
            out["sender_name"] = event.get("sender_name", "")
        await self.send_json(out)

    def _language(self) -> str:
        """Hers when she chose one, else her browser's (as a page would read it), else ours."""
        chosen = str(getattr(self.user, "language", "") or "")
        if chosen in dict(settings.LANGUAGES):
            return chosen
        headers = dict(self.scope.get("headers") or [])
        header = headers.get(b"accept-language", b"")[:256].decode("latin-1")
        for code, _ in translation.trans_real.parse_accept_lang_header(header):
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        return str(settings.LANGUAGE_CODE)

    async def _error(self, message: Any, key: str | None = None) -> None:
        # Sent outside any request: in the reader's own language. A message a service made
        # on another thread arrives in English and is looked up again here.
        with translation.override(self._language()):
            text = translation.gettext(str(message))
        reply: dict[str, Any] = {"type": "error", "message": text}
        if key is not None:
            reply["key"] = key  # which press to send again; the phone made it
        await self.send_json(reply)


def _key_of(content: Any) -> str | None:
    if isinstance(content, dict) and content.get("action") == "signal":
        key = content.get("key")
        if isinstance(key, str) and len(key) <= 64:
            return key
    return None

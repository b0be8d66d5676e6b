"""JSON API for the shoot day, mounted at /api/v1/onset/ by closedset.api.

The same services as the pages. Every route names its production in the path, as the plans
and consent APIs do: a token scoped to another production finds nothing there.

A director's list of changes carries the same three words as his page, from the same two facts,
so it is the same bytes whoever said no, and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from closedset.lib.errors import InvalidInput, NotFound
from closedset.onset import changes, services
from closedset.onset.models import Run, Signal
from closedset.plans.services import BeatInput

router = Router(tags=["shoot day"])
R = "/{production_id}/runs/{run_id}"


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _in_production(run: Run, production_id: int) -> Run:
    if run.scene.production_id != production_id:
        raise NotFound(services.NO_RUN)
    return run


def _run(request: HttpRequest, production_id: int, run_id: int) -> tuple[Run, set[str]]:
    run, what = services.run_for(_user(request), run_id)
    return _in_production(run, production_id), what


# --- signals --------------------------------------------------------------------------------


class SignalOut(Schema):
    seq: int
    kind: str
    label: str
    stored_at: datetime
    acknowledged_at: datetime | None
    escalated: bool
    mine: bool
    key: str | None = None
    sender: str | None = None


class SignalsOut(Schema):
    state: str
    state_label: str
    last_seq: int
    signals: list[SignalOut]


class SendIn(Schema):
    kind: str = Field(description="pause or stop")
    key: str = Field(description="the phone's idempotency key, made before the first try")


def _signal_out(signal: Signal, user: Any, console: bool) -> dict[str, Any]:
    mine = signal.sender_id == user.pk
    return {
        "seq": signal.seq,
        "kind": signal.kind,
        "label": services.kind_label(signal.kind),
        "stored_at": signal.stored_at,
        "acknowledged_at": signal.acknowledged_at,
        "escalated": signal.escalated_at is not None,
        "mine": mine,
        "key": signal.key if mine else None,
        "sender": (getattr(signal.sender, "display_name", "") or "Someone") if console else None,
    }


@router.get(R + "/signals", response=SignalsOut, summary="The run's signals after a number")
def list_signals(
    request: HttpRequest, production_id: int, run_id: int, after: int = 0
) -> dict[str, Any]:
    """Every signal for the coordinator, a performer's own for her."""
    user = _user(request)
    run, what = _run(request, production_id, run_id)
    if after > 2**53:
        raise InvalidInput(
            gettext("Ask from a sequence number of 0 or more."), {"after": gettext("0 or more")}
        )
    rows = services.signals_after(user, run.pk, after)
    by_id = Signal.objects.select_related("sender").in_bulk([s.pk for s in rows])
    run.refresh_from_db(fields=["state", "last_seq"])
    return {
        "state": run.state,
        "state_label": services.state_label(run.state),
        "last_seq": run.last_seq,
        "signals": [_signal_out(by_id[s.pk], user, "coordinator" in what) for s in rows],
    }


@router.post(R + "/signals", response={201: SignalOut}, summary="PAUSE or STOP from a performer")
def send_signal(
    request: HttpRequest, production_id: int, run_id: int, body: SendIn
) -> Status[SignalOut]:
    user = _user(request)
    _run(request, production_id, run_id)
    signal = services.send(user, run_id, body.kind.lower(), body.key)
    return Status(201, SignalOut(**_signal_out(signal, user, False)))


@router.post(
    R + "/signals/{seq}/acknowledge", response=SignalOut, summary="The coordinator has seen it"
)
def acknowledge_signal(
    request: HttpRequest, production_id: int, run_id: int, seq: int
) -> dict[str, Any]:
    user = _user(request)
    run, what = _run(request, production_id, run_id)
    if "coordinator" not in what:
        raise NotFound(services.NO_RUN)
    signal = Signal.objects.filter(run=run, seq=seq).first() if 0 < seq < 2**53 else None
    if signal is None:
        raise NotFound(gettext("There is no such signal in this scene."))
    signal = services.acknowledge(user, signal.pk)
    signal = Signal.objects.select_related("sender").get(pk=signal.pk)
    return _signal_out(signal, user, True)


# --- change requests ------------------------------------------------------------------------


class ChangeIn(Schema):
    act: str
    by: str
    to: list[str] = Field(default_factory=list)
    zone: str = ""
    intensity: str = "light"
    barrier: str = "none"
    beat_id: str = Field(default="", description="empty: the next free id")
    replaces: str = Field(default="", description="the id of the beat it changes; empty: new")


class ChangeOut(Schema):
    # Not the database id: ids are counted across every production, so reading them would
    # tell the director how many changes were asked elsewhere meanwhile.
    number: int = Field(description="its place among the scene's change requests today")
    words: str
    replaces: str
    proposed_at: datetime
    reflect_until: datetime
    outcome: str = Field(description="waiting, approved or not approved")


class DirectorOut(Schema):
    scene: str = Field(description="continue or on hold")
    changes: list[ChangeOut]


class PromptOut(Schema):
    id: int
    words: str
    replaces: str
    reflect_until: datetime
    minutes: int
    alone: bool = Field(description="the only one asked: the director may infer who declined")
    answer: str
    open: bool


class AnswerIn(Schema):
    answer: str = Field(description="yes or no")


def _director_run(request: HttpRequest, production_id: int, run_id: int) -> Run:
    return _in_production(changes.director_run(_user(request), run_id), production_id)


def _change_out(change: changes.ChangeView) -> dict[str, Any]:
    return {
        "number": change.number,
        "words": change.words,
        "replaces": change.replaces,
        "proposed_at": change.proposed_at,
        "reflect_until": change.reflect_until,
        "outcome": change.outcome,
    }


@router.get(R + "/changes", response=DirectorOut, summary="The director's change requests")
def list_changes(request: HttpRequest, production_id: int, run_id: int) -> dict[str, Any]:
    run = _director_run(request, production_id, run_id)
    return {
        "scene": changes.director_word(run),
        "changes": [_change_out(c) for c in changes.changes_of(run)],
    }


@router.post(R + "/changes", response={201: ChangeOut}, summary="Ask for a new or changed beat")
def propose_change(
    request: HttpRequest, production_id: int, run_id: int, body: ChangeIn
) -> Status[ChangeOut]:
    run = _director_run(request, production_id, run_id)
    beat = BeatInput(
        beat_id=body.beat_id,
        act=body.act,
        by=body.by,
        to=list(body.to),
        zone=body.zone,
        intensity=body.intensity,
        barrier=body.barrier,
    )
    made = changes.propose(_user(request), run.pk, beat, body.replaces[:40])
    found = next(c for c in changes.changes_of(run) if c.id == made.pk)
    return Status(201, ChangeOut(**_change_out(found)))


@router.get(R + "/prompts", response=list[PromptOut], summary="Changes you are asked about")
def list_prompts(request: HttpRequest, production_id: int, run_id: int) -> list[dict[str, Any]]:
    run, what = _run(request, production_id, run_id)
    if "performer" not in what:
        raise NotFound(services.NO_RUN)
    return [p.__dict__ for p in changes.prompts_for(_user(request), run)]


@router.post(R + "/prompts/{change_id}", response=PromptOut, summary="Answer a change: yes or no")
def answer_prompt(
    request: HttpRequest, production_id: int, run_id: int, change_id: int, body: AnswerIn
) -> dict[str, Any]:
    user = _user(request)
    run, what = _run(request, production_id, run_id)
    if "performer" not in what:
        raise NotFound(services.NO_RUN)
    if body.answer not in (changes.YES, changes.NO):
        raise InvalidInput(gettext("Answer yes or no."), {"answer": gettext("yes or no")})
    changes.answer(user, run.pk, change_id, body.answer)
    return next(p.__dict__ for p in changes.prompts_for(user, run) if p.id == change_id)

"""JSON API for consent, mounted at /api/v1/consent/ by closedset.api.

The same services as the pages. Every route but the list of one's own requests names its
production in the path, as the plans API does: a token scoped to another production finds
nothing there, exactly as an outsider would. Signing needs `password_or_code` in the body.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from closedset.consent import services
from closedset.lib.net import client_ip

router = Router(tags=["consent"])
P = "/{production_id}"


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _where(request: HttpRequest) -> dict[str, Any]:
    return {
        "method": services.API,
        "ip": client_ip(request),
        "user_agent": str(request.META.get("HTTP_USER_AGENT", "")),
    }


class ConsentDecisionOut(Schema):
    id: int
    beat: str
    words: str
    decision: str
    state: str
    decided_at: datetime
    withdrawn_at: datetime | None
    voided_at: datetime | None
    carried: bool
    can_withdraw: bool
    has_receipt: bool
    has_withdrawal_receipt: bool


class ConsentRequestSummaryOut(Schema):
    id: int
    production: str
    scene: str
    version: int
    late: bool
    deadline: datetime | None
    superseded: bool
    waiting: int
    decisions: list[ConsentDecisionOut]


class ConsentBeatOut(Schema):
    id: str
    words: str
    what: str
    by: str
    to: str
    where: str
    how_hard: str
    barrier: str
    nudity: bool
    decision: ConsentDecisionOut | None


class ConsentRequestOut(Schema):
    id: int
    production: str
    scene: str
    version: int
    late: bool
    deadline: datetime | None
    superseded: bool
    answered: bool
    plan_sha256: str
    rider_sha256: str
    rider_html: str
    partners: list[str]
    beats: list[ConsentBeatOut]


class DecideIn(Schema):
    answers: dict[str, str] = Field(..., description='beat id -> "consent" or "decline"')
    reasons: dict[str, str] = Field(default_factory=dict)
    password_or_code: str
    # The rider this answer was given against, as GET on the request returned it: an answer
    # is never recorded against text its performer was not shown (after a language change).
    rider_sha256: str = Field(..., min_length=64, max_length=64)


class DecideOut(Schema):
    recorded: list[ConsentDecisionOut]
    request: ConsentRequestOut


class MarkFinalIn(Schema):
    deadline: datetime | None = None


class FinalOut(Schema):
    version: int
    late: bool
    deadline: datetime | None
    plan_sha256: str
    requests: int


class BoardCellOut(Schema):
    beat: str
    words: str
    state: str
    reason: str
    carried: bool
    at: datetime | None


class BoardRowOut(Schema):
    performer: str
    role: str
    opened: bool
    reminded: bool
    beats: list[BoardCellOut]


class BoardOut(Schema):
    state: str
    version: int | None
    late: bool
    deadline: datetime | None
    performers: list[BoardRowOut]


class ConsentStateOut(Schema):
    state: str


def _decision_out(d: services.DecisionInfo, words: str = "") -> dict[str, Any]:
    return {
        "id": d.pk,
        "beat": d.beat_id,
        "words": words or d.sentence,
        "decision": d.decision,
        "state": d.state,
        "decided_at": d.decided_at,
        "withdrawn_at": d.withdrawn_at,
        "voided_at": d.voided_at,
        "carried": d.carried,
        "can_withdraw": d.can_withdraw,
        "has_receipt": d.has_receipt,
        "has_withdrawal_receipt": d.has_withdrawal_receipt,
    }


def _request_out(view: services.RequestView) -> dict[str, Any]:
    return {
        "id": view.pk,
        "production": view.production,
        "scene": view.scene_title,
        "version": view.version,
        "late": view.late,
        "deadline": view.deadline,
        "superseded": view.superseded,
        "answered": view.answered,
        "plan_sha256": view.plan_sha256,
        "rider_sha256": view.rider_sha256,
        "rider_html": view.rider_html,
        "partners": list(view.partners),
        "beats": [
            {
                "id": b.words.beat_id,
                "words": b.words.sentence,
                "what": b.words.what,
                "by": b.words.by,
                "to": b.words.to,
                "where": b.words.where,
                "how_hard": b.words.how_hard,
                "barrier": b.words.barrier,
                "nudity": b.words.nudity,
                "decision": _decision_out(b.current, b.words.sentence) if b.current else None,
            }
            for b in view.beats
        ],
    }


@router.get("/requests", response=list[ConsentRequestSummaryOut], summary="Your consent requests")
def list_requests(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": item.pk,
            "production": item.production,
            "scene": item.scene_title,
            "version": item.version,
            "late": item.late,
            "deadline": item.deadline,
            "superseded": item.superseded,
            "waiting": item.waiting,
            "decisions": [_decision_out(d) for d in item.decisions],
        }
        for item in services.my_decisions(_user(request))
    ]


@router.get(
    P + "/requests/{request_id}",
    response=ConsentRequestOut,
    summary="One of your consent requests: your beats in plain words and your rider",
)
def get_request(request: HttpRequest, production_id: int, request_id: int) -> dict[str, Any]:
    view = services.open_request(
        _user(request), request_id, production_id=production_id, **_where(request)
    )
    return _request_out(view)


@router.post(
    P + "/requests/{request_id}/decide",
    response=DecideOut,
    summary="Sign your answers (consent or decline per beat) with your password or a code",
)
def decide(
    request: HttpRequest, production_id: int, request_id: int, body: DecideIn
) -> dict[str, Any]:
    user = _user(request)
    made = services.decide(
        user,
        request_id,
        body.answers,
        body.reasons,
        password_or_code=body.password_or_code,
        rider_sha256=body.rider_sha256,
        production_id=production_id,
        **_where(request),
    )
    view = services.open_request(user, request_id, production_id=production_id, **_where(request))
    by_pk = {b.current.pk: b for b in view.beats if b.current}
    return {
        "recorded": [
            _decision_out(by_pk[d.pk].current, by_pk[d.pk].words.sentence)  # type: ignore[arg-type]
            for d in made
            if d.pk in by_pk
        ],
        "request": _request_out(view),
    }


@router.post(
    P + "/decisions/{decision_id}/withdraw",
    response=ConsentDecisionOut,
    summary="Withdraw an answer: one call, no reason, no password",
)
def withdraw(request: HttpRequest, production_id: int, decision_id: int) -> dict[str, Any]:
    decision = services.withdraw(
        _user(request), decision_id, production_id=production_id, **_where(request)
    )
    return _decision_out(services.decision_info(decision))


@router.get(
    P + "/decisions/{decision_id}/receipt",
    summary="The consent receipt (closedset-receipt/1); ?withdrawal=true for the withdrawal's",
)
def get_receipt(
    request: HttpRequest, production_id: int, decision_id: int, withdrawal: bool = False
) -> dict[str, Any]:
    return services.receipt(
        _user(request), decision_id, withdrawal=withdrawal, production_id=production_id
    )


@router.post(
    P + "/plans/{plan_version_id}/final",
    response=FinalOut,
    summary="Mark a saved plan version final and ask each cast performer (coordinator)",
)
def mark_final(
    request: HttpRequest, production_id: int, plan_version_id: int, body: MarkFinalIn
) -> dict[str, Any]:
    services.coordinator_of(_user(request), production_id)
    final = services.mark_final_by_id(
        _user(request),
        plan_version_id,
        deadline=body.deadline,
        production_id=production_id,
        **_where(request),
    )
    return {
        "version": final.plan_version.number,
        "late": final.late,
        "deadline": final.deadline,
        "plan_sha256": final.plan_sha256,
        "requests": final.requests.count(),
    }


@router.get(
    P + "/scenes/{scene_id}/board",
    response=BoardOut,
    summary="Every performer's answer per beat, with reasons (coordinator)",
)
def get_board(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    board = services.board_for(_user(request), production_id, scene_id)
    return {
        "state": board.state,
        "version": board.version,
        "late": bool(board.final and board.final.late),
        "deadline": board.final.deadline if board.final else None,
        "performers": [
            {
                "performer": row.performer,
                "role": row.role,
                "opened": row.opened,
                "reminded": row.reminded,
                "beats": [
                    {
                        "beat": c.beat_id,
                        "words": c.sentence,
                        "state": c.state,
                        "reason": c.reason,
                        "carried": c.carried,
                        "at": c.at,
                    }
                    for c in row.cells
                ],
            }
            for row in board.rows
        ],
    }


@router.get(
    P + "/scenes/{scene_id}/state",
    response=ConsentStateOut,
    summary='"agreed" or "not agreed" (coordinator, director, producer)',
)
def get_state(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return {"state": services.state_for(_user(request), production_id, scene_id)}

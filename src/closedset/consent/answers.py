"""A performer's own consent answers, read-only, for the pages that show her scenes.

Her scene pages used to say "You said yes." from her boundary profile; what she actually
answered to the final version of the plan lives here. Only the asking performer's own request
is read: a co-performer's answers never leave consent (domain.md §1).

States, per beat of the scene's current final version she is in:
  consented  her current answer is a consent
  declined   her current answer is a decline
  withdrawn  she withdrew her consent and has not answered again
  waiting    no current answer: never answered, voided by a change, or a decline she took back
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from closedset.consent.models import BeatDecision, ConsentRequest, Decision, FinalVersion
from closedset.consent.services import _signatures, beat_ids_for, current_final

CONSENTED = "consented"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
WAITING = "waiting"
# A beat of the working plan that is not, for her, the beat of the final version she was asked
# about (added or changed since): no answer of hers applies to it.
NOT_ASKED = "not asked"


def _state(decisions: list[BeatDecision]) -> str:
    """One beat's state from her decisions on it in one request, oldest first."""
    current = next((d for d in decisions if d.current), None)
    if current is not None:
        return CONSENTED if current.decision == Decision.CONSENT else DECLINED
    last = decisions[-1] if decisions else None
    if (
        last is not None
        and last.voided_at is None
        and last.withdrawn_at is not None
        and last.decision == Decision.CONSENT
    ):
        return WITHDRAWN
    return WAITING


def _answers(user: Any, final: FinalVersion) -> dict[str, str]:
    data = final.plan_version.data or {}
    mine = beat_ids_for(data, user.handle)
    if not mine:
        return {}
    request = ConsentRequest.objects.filter(final=final, performer=user).first()
    decisions: list[BeatDecision] = (
        list(request.decisions.order_by("decided_at", "pk")) if request is not None else []
    )
    return {beat_id: _state([d for d in decisions if d.beat_id == beat_id]) for beat_id in mine}


def answers_for(user: Any, scene: Any) -> dict[str, str]:
    """Beat id -> her state, for the beats she is in of the scene's current final version.
    Empty before any final version, or when she is not in it."""
    if not getattr(user, "is_authenticated", False):
        return {}
    final = current_final(scene)
    if final is None:
        return {}
    return _answers(user, final)


def answers_to_plan(user: Any, scene: Any, data: Mapping[str, Any]) -> dict[str, str] | None:
    """Her answers matched to the beats of a plan (the working plan the scene page shows, as
    plans.services.plan_data gives it). None when the scene has no final version yet.

    A beat carries her answer only when it is, for her, the beat she was asked about: same
    act, same people, zone, intensity and barrier as in the final version. Any other of her
    beats is NOT_ASKED."""
    if not getattr(user, "is_authenticated", False):
        return None
    final = current_final(scene)
    if final is None:
        return None
    answered = _answers(user, final)
    asked = _signatures(final.plan_version.data or {})
    shown = _signatures(data)
    found: dict[str, str] = {}
    for beat_id in beat_ids_for(data, user.handle):
        same = beat_id in answered and asked.get(beat_id) == shown.get(beat_id)
        found[beat_id] = answered[beat_id] if same else NOT_ASKED
    return found


__all__ = [
    "CONSENTED",
    "DECLINED",
    "NOT_ASKED",
    "WAITING",
    "WITHDRAWN",
    "answers_for",
    "answers_to_plan",
]

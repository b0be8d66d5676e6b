"""Authorization-matrix entries for the compliance pages and API (format:
api/tests/authz_matrix.py).

Before the requests, scene 12B is ready to schedule (a consented final version, verified
records and fresh clearances for Mara and Jonas) for the scene routes, or Mara has an
unverified record with a copy of her document for the record routes. Records and clearances
are Cora's alone; the gate is read by the crew, each in their own words; the producer and
coordinator schedule; the producer holds and sets; performers see yes / not yet for the scene
they are in; Oscar from another company learns nothing exists.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

P = "/compliance/<production_id>/"
A = "/api/v1/compliance/<production_id>/"

LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
MEMBERS_PAGE = outcomes(anonymous=LOGIN, oscar=404, default=200)
CUSTODIAN_PAGE = outcomes(anonymous=LOGIN, oscar=404, cora=200, default=403)
CUSTODIAN_CHANGE = outcomes(anonymous=LOGIN, oscar=404, cora="redirect", default=403)
PRODUCER_CHANGE = outcomes(anonymous=LOGIN, oscar=404, petra="redirect", default=403)
CUSTODIAN_API = outcomes(anonymous=401, oscar=404, cora=200, default=403)
CREW_API = outcomes(anonymous=401, oscar=404, mara=403, jonas=403, default=200)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {P}": MEMBERS_PAGE,
    f"POST {P}": LOGGED_IN_405,
    f"GET {P}records/": CUSTODIAN_PAGE,
    f"POST {P}records/": LOGGED_IN_405,
    f"GET {P}records/new/": CUSTODIAN_PAGE,
    f"POST {P}records/new/": CUSTODIAN_CHANGE,
    f"GET {P}records/<record_id>/": CUSTODIAN_PAGE,
    f"POST {P}records/<record_id>/": CUSTODIAN_CHANGE,
    f"GET {P}records/<record_id>/verify/": LOGGED_IN_405,
    f"POST {P}records/<record_id>/verify/": CUSTODIAN_CHANGE,
    f"GET {P}records/<record_id>/document/": CUSTODIAN_PAGE,
    f"POST {P}records/<record_id>/document/": LOGGED_IN_405,
    f"GET {P}clearances/": CUSTODIAN_PAGE,
    f"POST {P}clearances/": CUSTODIAN_CHANGE,
    # The crew read the gate; performers cast in the scene read yes / not yet.
    f"GET {P}scenes/<scene_id>/": MEMBERS_PAGE,
    f"POST {P}scenes/<scene_id>/": outcomes(
        anonymous=LOGIN, oscar=404, ines="redirect", petra="redirect", default=403
    ),
    f"GET {P}hold/": LOGGED_IN_405,
    f"POST {P}hold/": PRODUCER_CHANGE,
    f"GET {P}settings/": LOGGED_IN_405,
    f"POST {P}settings/": PRODUCER_CHANGE,
    f"GET {A}records": CUSTODIAN_API,
    f"POST {A}records": CUSTODIAN_API,
    f"GET {A}records/<record_id>": CUSTODIAN_API,
    f"PUT {A}records/<record_id>": CUSTODIAN_API,
    f"GET {A}records/<record_id>/document": CUSTODIAN_API,
    f"PUT {A}records/<record_id>/document": CUSTODIAN_API,
    f"POST {A}records/<record_id>/verify": CUSTODIAN_API,
    f"GET {A}clearances": CUSTODIAN_API,
    f"POST {A}clearances": CUSTODIAN_API,
    f"GET {A}scenes/<scene_id>/gate": CREW_API,
    f"PUT {A}scenes/<scene_id>/schedule": outcomes(
        anonymous=401, oscar=404, ines=200, petra=200, default=403
    ),
    f"GET {A}scenes/<scene_id>/co-performers": outcomes(
        anonymous=401, oscar=404, mara=200, jonas=200, default=403
    ),
    f"GET {A}hold": outcomes(anonymous=401, oscar=404, ines=200, petra=200, default=403),
    f"PUT {A}hold": outcomes(anonymous=401, oscar=404, petra=200, default=403),
    f"GET {A}settings": outcomes(anonymous=401, oscar=404, ines=200, petra=200, default=403),
    f"PUT {A}settings": outcomes(anonymous=401, oscar=404, petra=200, default=403),
}


def _record_id(world: Any) -> int:
    """Mara's record with a copy of her document, not yet verified."""
    from closedset.compliance import services
    from closedset.compliance.models import IdentityRecord
    from closedset.compliance.tests.helpers import PNG, record_input

    found = IdentityRecord.objects.filter(performer=world.mara).first()
    if found is not None:
        return found.pk
    from datetime import date

    org = world.organisation
    record = services.add_record(world.cora, org, "mara", record_input("mara", date(1994, 4, 2)))
    services.attach_document(world.cora, org, record.pk, PNG)
    return record.pk


def _scene_id(world: Any) -> int:
    from closedset.compliance.models import IdentityRecord
    from closedset.compliance.tests.helpers import ready_scene

    if not IdentityRecord.objects.filter(performer=world.jonas).exists():
        ready_scene(world)
    return world.scene.pk


_MAKERS = {
    "production_id": lambda world: world.production.pk,
    "record_id": _record_id,
    "scene_id": _scene_id,
}
# Per route, so other apps' <scene_id> routes keep their own set-up.
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: {name: make for name, make in _MAKERS.items() if f"<{name}>" in key} for key in EXPECTED
}


def _record_form(world: Any) -> dict[str, str]:
    from closedset.compliance.tests.helpers import future_day

    return {
        "performer": "jonas",
        "legal_name": "Jonas Ruprecht",
        "date_of_birth": "1991-07-08",
        "other_names": "Jo Star",
        "document_type": "passport",
        "document_number": "P7731K0091",
        "document_issuer": "Austria",
        "document_expiry": future_day(800).isoformat(),
    }


def _record_json(world: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(_record_form(world))
    data["other_names"] = ["Jo Star"]
    return data


def _call_at(world: Any) -> str:
    from closedset.compliance.tests.helpers import future_day

    return f"{future_day(3).isoformat()}T09:00"


def _png_base64(world: Any) -> dict[str, str]:
    import base64

    from closedset.compliance.tests.helpers import PNG

    return {"content_base64": base64.b64encode(PNG).decode()}


def _today(world: Any) -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


BODIES = {
    f"POST {P}records/new/": _record_form,
    f"POST {P}records/<record_id>/": lambda world: _record_form(world) | {"performer": ""},
    f"POST {P}clearances/": lambda world: {
        "performer": "mara",
        "cleared": "yes",
        "tested_on": _today(world),
    },
    f"POST {P}scenes/<scene_id>/": lambda world: {"call_at": _call_at(world)},
    f"POST {P}hold/": lambda world: {"on": "yes"},
    f"POST {P}settings/": lambda world: {"notice_hours": "30", "clearance_valid_days": "10"},
    f"POST {A}records": _record_json,
    f"PUT {A}records/<record_id>": _record_json,
    f"PUT {A}records/<record_id>/document": _png_base64,
    f"POST {A}clearances": lambda world: {
        "performer": "mara",
        "cleared": True,
        "tested_on": _today(world),
    },
    f"PUT {A}scenes/<scene_id>/schedule": lambda world: {"call_at": _call_at(world) + ":00"},
    f"PUT {A}hold": lambda world: {"on": True},
    f"PUT {A}settings": lambda world: {"notice_hours": 30, "clearance_valid_days": 10},
}

"""The intimacy rider (issue 9 item 4): one performer's beats and terms for one plan version.

`rider_for` renders the rider as a self-contained HTML fragment whose SHA-256 goes into the
consent record, so it must be byte-for-byte deterministic: no timestamps, no ids, stable order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from closedset.accounts.models import User
from closedset.core.plan import Beat as CoreBeat
from closedset.core.taxonomy import Intensity, load_taxonomy
from closedset.core.words import Persons, beat_sentence
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import current_language, language_of
from closedset.plans.models import PlanVersion, RoleSlot
from closedset.plans.performer import coordinator_names
from closedset.plans.services import scene_heading
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import get_scene, role_in
from closedset.rider.models import RiderTerms

FOOTAGE_USES = (
    ("use_film", gettext_lazy("The film itself")),
    ("use_trailer", gettext_lazy("Trailers")),
    ("use_stills", gettext_lazy("Stills")),
    ("use_promotion", gettext_lazy("Promotion")),
)


@dataclass(frozen=True)
class Rider:
    title: str
    html: str
    # hex SHA-256 of html as UTF-8: what the consent record and receipt carry. When the
    # rider is bilingual, html holds both languages and the hash covers both.
    sha256: str
    # For the performer herself: the same rider with the beats she declined or withdrew
    # marked. Not what the fingerprint covers; empty when there is nothing to mark.
    marked_html: str = ""
    # The reader's language, then the production's when it differs ("cs", "en").
    languages: tuple[str, ...] = ("en",)

    @property
    def shown(self) -> str:
        return self.marked_html or self.html

    @property
    def language(self) -> str:
        return self.languages[0]

    @property
    def bilingual(self) -> bool:
        return len(self.languages) > 1

    @property
    def languages_shown(self) -> str:
        """What the consent evidence keeps: "en", or "cs+en" (hers first)."""
        return "+".join(self.languages)


@dataclass(frozen=True)
class RiderBeat:
    sentence: str
    act: str
    gloss: str
    nudity: bool
    # "you declined this" / "you withdrew this": only on the performer's own marked copy.
    mark: str = ""


def _name(user: Any) -> str:
    return str(user.display_name or user.handle)


def _roles_of(data: dict[str, Any], performer: Any) -> list[str]:
    cast = data.get("cast") or {}
    return [role for role, handle in cast.items() if handle and handle == performer.handle]


def _core_beat(item: dict[str, Any]) -> CoreBeat:
    to = item.get("to") or ()
    return CoreBeat(
        id=str(item["id"]),
        act=str(item["act"]),
        by=str(item["by"]),
        to=(to,) if isinstance(to, str) else tuple(to),
        zone=item.get("zone"),
        intensity=Intensity[item.get("intensity", "light")],
        barrier=item.get("barrier", "none"),
    )


def terms_for(scene: Scene, performer: Any) -> RiderTerms:
    """The stored terms, or the defaults (closed set, film only) when none were written."""
    found = RiderTerms.objects.filter(scene=scene, performer=performer).first()
    return found if found is not None else RiderTerms(scene=scene, performer=performer)


def production_language(production: Production) -> str:
    """The language the production's documents are written in; English when unset or not
    offered any more (the same rule as for a person: lib.i18n.language_of)."""
    return language_of(production)


def rider_languages(production: Production, lang: str | None = None) -> tuple[str, ...]:
    """The reader's language first, then the production's when it is another one."""
    mine = lang or current_language()
    theirs = production_language(production)
    return (mine,) if mine == theirs else (mine, theirs)


def rider_for(
    plan_version: PlanVersion,
    performer: Any,
    *,
    marks: dict[str, Any] | None = None,
    lang: str | None = None,
) -> Rider:
    """The rider for one cast performer of one plan version. NotFound when they are not cast.

    In the reader's language (`lang`, else the page's); when the production's language is
    another one, both stand side by side, section by section, and the fingerprint covers
    both. `marks` (beat id -> words) gives the performer's own copy its marks; the
    fingerprinted html stays the same whatever she answered."""
    data = plan_version.data or {}
    mine = _roles_of(data, performer)
    if not mine:
        raise NotFound(_("This performer is not cast in this version of the plan."))
    scene = plan_version.plan.scene
    production = scene.production
    languages = rider_languages(production, lang)
    handles = {h for h in (data.get("cast") or {}).values() if h}
    people = {
        u.handle: _name(u)
        for u in User.objects.filter(
            handle__in=handles,
            memberships__production=production,
            memberships__role=Role.PERFORMER,
        )
    }
    names = {role: people.get(handle) if handle else None for role, handle in data["cast"].items()}
    terms = terms_for(scene, performer)
    coordinators = coordinator_names(production)

    def render(code: str, marked: bool) -> tuple[str, str]:
        taxonomy = load_taxonomy(code)
        with translation.override(code):
            beats: list[RiderBeat] = []
            for item in data.get("beats") or []:
                beat = _core_beat(item)
                roles = {beat.by, *beat.to}
                me = next((role for role in mine if role in roles), None)
                if me is None:
                    continue
                act = taxonomy.acts[beat.act]
                persons = Persons(names, me=me)
                beats.append(
                    RiderBeat(
                        sentence=beat_sentence(beat, persons, taxonomy, lang=code),
                        act=act.label,
                        gloss=act.gloss,
                        nudity=act.category == "nudity",
                        mark=str((marks or {}).get(beat.id, "")) if marked else "",
                    )
                )
            scene_title = scene_heading(scene)
            values = {
                "performer": _name(performer),
                "production": production.name,
                "scene": scene_title,
            }
            title = _("Intimacy rider: %(performer)s, %(production)s, %(scene)s") % values
            context = {
                "title": title,
                "production": production.name,
                "scene_title": scene_title,
                "version": plan_version.number,
                "performer": _name(performer),
                "terms": terms,
                "uses": [(str(label), bool(getattr(terms, f))) for f, label in FOOTAGE_USES],
                "coordinators": coordinators,
                "beats": beats,
                "nudity": [b for b in beats if b.nudity],
            }
            return title, render_to_string("rider/rider_fragment.html", context)

    def document(marked: bool) -> tuple[str, str]:
        title, html = render(languages[0], marked)
        if len(languages) == 1:
            return title, html
        return title, _side_by_side(languages, [html, render(languages[1], marked)[1]])

    title, html = document(marked=False)
    marked_html = document(marked=True)[1] if any((marks or {}).values()) else ""
    return Rider(
        title=title,
        html=html,
        sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        marked_html=marked_html,
        languages=languages,
    )


_SECTION = re.compile(r'^<section class="rider">(.*)</section>$', re.S)


def _side_by_side(languages: tuple[str, ...], fragments: list[str]) -> str:
    """Two renderings of the fragment paired section by section (at each heading), so each
    paragraph in her language stands next to the same one in the production's."""
    parts = []
    for fragment in fragments:
        found = _SECTION.match(fragment.strip())
        inner = found.group(1) if found else fragment
        parts.append(re.split(r"(?=<h2>)", inner))
    if len({len(p) for p in parts}) != 1:
        # Never expected (one template); still show both whole rather than mis-paired.
        parts = [[fragment] for fragment in fragments]
    return render_to_string(
        "rider/rider_bilingual.html",
        {
            "languages": languages,
            "rows": [list(zip(languages, row, strict=True)) for row in zip(*parts, strict=True)],
        },
    ).strip()


# ---------------------------------------------------------------- pages: who reads, who edits

# Long enough for a paragraph of terms; a rider is read on a phone.
MAX_TERMS_LENGTH = 2000
TEXT_TERMS = {
    "body_double": "Body-double terms",
    "modesty_garments": "Modesty garments",
    "barriers": "Barriers",
    "other_terms": "Other terms",
    "expected_length": "Expected length",
    "pay": "Pay",
}
FLAG_TERMS = {
    "use_film": "Use in the film",
    "use_trailer": "Use in trailers",
    "use_stills": "Use in stills",
    "use_promotion": "Use in promotion",
    "closed_set": "Closed set",
}
YES = {"on", "true", "1", "yes"}
NO = {"", "off", "false", "0", "no"}


@dataclass(frozen=True)
class RiderPage:
    production: Production
    scene: Scene
    performer: Any
    terms: RiderTerms
    # The latest saved plan version; None until the coordinator saves one.
    version: PlanVersion | None
    rider: Rider | None
    # True for the coordinator (she edits the terms), False for the performer reading theirs.
    editable: bool


def latest_version(scene: Scene) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan__scene=scene)
        .select_related("plan__scene__production")
        .order_by("-number")
        .first()
    )


def _cast_in_scene(scene: Scene, performer: Any, version: PlanVersion | None) -> bool:

    if RoleSlot.objects.filter(plan__scene=scene, performer=performer).exists():
        return True
    return version is not None and bool(_roles_of(version.data or {}, performer))


def _cast_performer(scene: Scene, handle: str, version: PlanVersion | None) -> Any:
    found = User.objects.filter(
        handle=handle,
        memberships__production=scene.production,
        memberships__role=Role.PERFORMER,
    ).first()
    if found is None or not _cast_in_scene(scene, found, version):
        raise NotFound("No such rider.")
    return found


def _resolve(user: Any, production_id: int, scene_id: int, handle: str) -> RiderPage:
    """The coordinator reaches every cast performer's rider; a performer reaches their own.
    Everyone else, including other performers, is told it does not exist."""

    require_known_ids(production_id, scene_id)
    scene = get_scene(user, production_id, scene_id)
    roles = role_in(user, scene.production)
    version = latest_version(scene)
    if Role.COORDINATOR in roles:
        editable = True
    elif Role.PERFORMER in roles and handle == user.handle:
        editable = False
    else:
        raise NotFound("No such rider.")
    performer = _cast_performer(scene, handle, version)
    rider = None
    if version is not None and _roles_of(version.data or {}, performer):
        marks = None
        if not editable:
            # Her own copy: what she declined or withdrew is marked, for her eyes alone.
            from closedset.consent.services import beat_marks

            marks = beat_marks(version, performer)
        rider = rider_for(version, performer, marks=marks)
    return RiderPage(
        production=scene.production,
        scene=scene,
        performer=performer,
        terms=terms_for(scene, performer),
        version=version,
        rider=rider,
        editable=editable,
    )


def rider_page(user: Any, production_id: int, scene_id: int, handle: str) -> RiderPage:
    return _resolve(user, production_id, scene_id, handle)


def cast_riders(user: Any, production_id: int, scene_id: int) -> tuple[Scene, list[Any]]:
    """The scene's cast performers, for the coordinator's list of riders."""

    require_known_ids(production_id, scene_id)
    scene = get_scene(user, production_id, scene_id)
    # As for one rider: nobody but the coordinator learns there is a list.
    if Role.COORDINATOR not in role_in(user, scene.production):
        raise NotFound("No such page.")
    slots = (
        RoleSlot.objects.filter(plan__scene=scene, performer__isnull=False)
        .select_related("performer")
        .order_by("position", "name")
    )
    return scene, [slot.performer for slot in slots]


def _flag(name: str, value: Any) -> bool:
    text = str(value).strip().lower() if value is not None else ""
    if isinstance(value, bool):
        return value
    if text in YES:
        return True
    if text in NO:
        return False
    raise InvalidInput(
        f"{FLAG_TERMS[name]}: choose yes or no.", {name: f"{FLAG_TERMS[name]}: choose yes or no."}
    )


def _text(name: str, value: Any) -> str:
    text = "" if value is None else str(value)
    label = TEXT_TERMS[name]
    if "\x00" in text:
        message = f"{label} holds a character that cannot be saved; retype it and save again."
        raise InvalidInput(message, {name: message})
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TERMS_LENGTH:
        message = (
            f"{label} is {len(text):,} characters long; keep it under "
            f"{MAX_TERMS_LENGTH:,} and save again."
        )
        raise InvalidInput(message, {name: message})
    return text


def save_terms(user: Any, production_id: int, scene_id: int, handle: str, data: Any) -> RiderTerms:
    """The coordinator writes one performer's rider terms for the scene. `data` maps the
    field names to form values (checkboxes: present "on" or absent)."""
    page = _resolve(user, production_id, scene_id, handle)
    if not page.editable:
        raise Forbidden("Only the intimacy coordinator changes the rider's terms.")
    flags = {name: _flag(name, data.get(name)) for name in FLAG_TERMS}
    texts = {name: _text(name, data.get(name)) for name in TEXT_TERMS}
    with transaction.atomic():
        terms, _ = RiderTerms.objects.select_for_update().get_or_create(
            scene=page.scene, performer=page.performer
        )
        before = {name: getattr(terms, name) for name in (*flags, *texts)}
        for name, flag in flags.items():
            setattr(terms, name, flag)
        for name, text in texts.items():
            setattr(terms, name, text)
        terms.updated_by = user
        terms.save()
        if before != {name: getattr(terms, name) for name in (*flags, *texts)}:
            # Consent was given against the old terms: the performer is asked again.
            from closedset.consent.services import rider_changed

            rider_changed(page.scene, page.performer)
    return terms


def sealed_rider(user: Any, production_id: int, scene_id: int, handle: str) -> tuple[Rider, bytes]:
    """The rider of the latest plan version as a sealed PDF, for its performer or the
    coordinator."""
    page = _resolve(user, production_id, scene_id, handle)
    if page.rider is None:
        # Not a 404: the person may see this rider, and 404s never carry words.
        raise Conflict(
            _(
                "There is no rider to download yet: it appears once the coordinator saves a "
                "version of the plan with this performer cast."
            )
        )
    # The seal's reason names the languages the fingerprint covers ("cs+en"), past English.
    shown = "" if page.rider.languages == ("en",) else f" ({page.rider.languages_shown})"
    reason = f"Intimacy rider{shown}, SHA-256 {page.rider.sha256}"
    return page.rider, seal_pdf(rider_pdf(page.rider), reason=reason)


# ---------------------------------------------------------------- the PDFs, from here too

# The PDF functions live in rider.pdf (WeasyPrint and pyHanko load on first use); these
# let callers take everything about riders and receipts from rider.services.


def rider_pdf(rider: Rider) -> bytes:
    from closedset.rider import pdf

    return pdf.rider_pdf(rider)


def seal_pdf(pdf_bytes: bytes, *, reason: str) -> bytes:
    from closedset.rider import pdf

    return pdf.seal_pdf(pdf_bytes, reason=reason)


def verify_sealed_pdf(pdf_bytes: bytes) -> bool:
    from closedset.rider import pdf

    return pdf.verify_sealed_pdf(pdf_bytes)


def receipt_pdf(receipt: dict[str, Any], raw: bytes | None = None) -> bytes:
    from closedset.rider import pdf

    return pdf.receipt_pdf(receipt, raw=raw)


def receipt_from_pdf(pdf_bytes: bytes) -> bytes | None:
    from closedset.rider import pdf

    return pdf.receipt_from_pdf(pdf_bytes)


# ---------------------------------------------------------------- personal data


def export_rider_data(user: Any) -> dict[str, Any]:
    """The rider terms agreed for the person, for their data export."""
    rows = RiderTerms.objects.filter(performer=user).select_related("scene__production")
    return {
        "rider_terms": [
            {
                "production": row.scene.production.name,
                "scene": row.scene.number,
                "footage": {
                    "film": row.use_film,
                    "trailer": row.use_trailer,
                    "stills": row.use_stills,
                    "promotion": row.use_promotion,
                },
                "body_double": row.body_double,
                "modesty_garments": row.modesty_garments,
                "barriers": row.barriers,
                "closed_set": row.closed_set,
                "other": row.other_terms,
                "expected_length": row.expected_length,
                "pay": row.pay,
            }
            for row in rows.order_by("pk")
        ]
    }


def erase_rider_data(user: Any) -> int:
    """On erasure the terms about the person go; the signed PDFs they downloaded stay theirs."""
    deleted, _ = RiderTerms.objects.filter(performer=user).delete()
    return int(deleted)

"""Script breakdown: every rule about imports, flags, decisions and turning a scene into a plan.

Who may do what (issue 12 decisions): the production's coordinators do everything; producers
may upload a script and see the scenes and which are flagged or confirmed, never the evidence,
and never decide or make plans. Everyone else (directors, performers, custodians, other
productions, anonymous) is told the production does not exist.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from closedset.breakdown.models import FlaggedScene, ScriptImport
from closedset.breakdown.refusals import refusal_words
from closedset.core import script as core_script
from closedset.core.flags import flag_scene
from closedset.core.taxonomy import Taxonomy, load_taxonomy
from closedset.lib import crypto
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import current_language, interpolate_lazy
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import acting_members, role_in

COORDINATOR = Role.COORDINATOR
PRODUCER = Role.PRODUCER
READERS = {Role.COORDINATOR, Role.PRODUCER}
MAX_BYTES = core_script.MAX_BYTES
DECISIONS = (FlaggedScene.Decision.CONFIRMED, FlaggedScene.Decision.DISMISSED)
_ROLE_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
MAX_ROLES = 40
NOT_FOUND = gettext_noop("No such production.")


# ---------------------------------------------------------------- access


@dataclass(frozen=True)
class Access:
    production: Production
    roles: frozenset[str]

    @property
    def coordinator(self) -> bool:
        return COORDINATOR in self.roles


def access(user: Any, production_id: int) -> Access:
    """The production, for its coordinators and producers; not found for everyone else."""
    require_known_ids(production_id)
    roles = role_in(user, production_id) & READERS
    if not roles:
        raise NotFound(NOT_FOUND)
    production = Production.objects.filter(pk=production_id).first()
    if production is None:
        raise NotFound(NOT_FOUND)
    return Access(production, frozenset(roles))


def _coordinator(user: Any, production_id: int) -> Access:
    found = access(user, production_id)
    if not found.coordinator:
        raise Forbidden(
            gettext_noop("Only the intimacy coordinator confirms flags and makes plans from them.")
        )
    return found


def _import(found: Access, import_id: int) -> ScriptImport:
    require_known_ids(import_id)
    script = ScriptImport.objects.filter(pk=import_id, production=found.production).first()
    if script is None:
        raise NotFound(gettext_noop("Not found."))
    return script


def _require_newest(found: Access, script: ScriptImport) -> None:
    if found.production.script_imports.filter(version__gt=script.version).exists():
        raise Conflict(
            gettext_noop("A newer version of the script was imported; decide on that one.")
        )


def _scene(script: ScriptImport, scene_id: int) -> FlaggedScene:
    require_known_ids(scene_id)
    row = FlaggedScene.objects.filter(pk=scene_id, script=script).first()
    if row is None:
        raise NotFound(gettext_noop("Not found."))
    return row


# ---------------------------------------------------------------- import


def _context(production_id: int, version: int) -> str:
    return f"breakdown:{production_id}:script:{version}"


def _clean(text: str, limit: int) -> str:
    return text.replace("\x00", "")[:limit]


def _scene_data(scene: core_script.Scene) -> dict[str, Any]:
    return {
        "index": scene.index,
        "number": scene.number,
        "heading": scene.heading,
        "line": scene.line,
        "characters": list(scene.characters),
        "lines": [
            {"number": ln.number, "kind": ln.kind, "text": ln.text, "character": ln.character}
            for ln in scene.lines
        ],
    }


def content_hash(data: dict[str, Any]) -> str:
    """The scene's text, not its place: lines added before it do not change it."""
    text = [data["heading"]] + [
        [ln["kind"], ln["text"], ln.get("character", "")] for ln in data["lines"]
    ]
    return hashlib.sha256(json.dumps(text, ensure_ascii=False).encode()).hexdigest()


def script_error_words(error: core_script.ScriptError) -> str:
    """The parser's refusal in the language active now (breakdown.refusals)."""
    return refusal_words(error, gettext)


def upload_limit() -> int:
    """The largest script file the pages and the API take, in bytes: the parser's limit, or
    the site's limit on one request (settings.DATA_UPLOAD_MAX_MEMORY_SIZE) when that is lower,
    as it is by default (1 MB against 20 MB)."""
    return min(MAX_BYTES, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or MAX_BYTES))


def upload_limit_words() -> str:
    """The upload form's help on size, in the language active now: "The file can be at most
    1 MB." Each limit in its own units: the request limit's MB are 1024 × 1024 bytes (it is
    set in KB, CLOSEDSET_MAX_BODY_KB), the parser's 1,000,000 (as its refusal says "20 MB")."""
    size = upload_limit()
    mega = 1_000_000 if size == MAX_BYTES else 1024 * 1024
    if size >= mega:
        amount, unit = size / mega, gettext("%(amount)s MB")
    else:
        amount, unit = size / 1024, gettext("%(amount)s KB")
    places = 0 if float(amount).is_integer() else 1
    if places and round(amount, 1).is_integer():
        places = 0
    shown = unit % {"amount": number_format(amount, decimal_pos=places)}
    return gettext(
        "The file can be at most %(size)s: this server takes nothing larger in one upload."
    ) % {"size": shown}


def read_script(data: bytes, name: str) -> core_script.Script:
    """The parsed script, or InvalidInput with the parser's plain message (nothing stored),
    in the reader's language."""
    if len(data) > MAX_BYTES:
        # Said before the parser reads anything; the same words as the parser's.
        try:
            core_script._check_size(len(data))
        except core_script.ScriptError as error:
            message = script_error_words(error)
            raise InvalidInput(message, {"file": message}) from None
    try:
        return core_script.parse(data, name)
    except core_script.ScriptError as error:
        message = script_error_words(error)
        raise InvalidInput(message, {"file": message}) from None
    except (ValueError, RecursionError):
        message = gettext_noop(
            "This file cannot be read as a screenplay (Fountain or Final Draft)."
        )
        raise InvalidInput(message, {"file": message}) from None


def upload(user: Any, production_id: int, data: bytes, name: str) -> ScriptImport:
    """A new import of the production's script (coordinator or producer)."""
    found = access(user, production_id)
    name = _clean((name or "").replace("\\", "/").rsplit("/", 1)[-1], 255) or "script"
    parsed = read_script(data, name)
    production = found.production
    taxonomy = load_taxonomy()
    adult = production.kind == "adult"
    scenes = [_scene_data(scene) for scene in parsed.scenes]
    flags = [flag_scene(scene, taxonomy, adult=adult) for scene in parsed.scenes]
    with transaction.atomic():
        Production.objects.select_for_update().filter(pk=production.pk).first()
        latest = production.script_imports.aggregate(n=Max("version"))["n"] or 0
        previous = production.script_imports.filter(version=latest).first()
        version = latest + 1
        script = ScriptImport.objects.create(
            production=production,
            uploaded_by=user,
            version=version,
            file_name=name,
            format=parsed.format,
            title=_clean(parsed.title, 300),
            sealed=crypto.seal(user, data, _context(production.pk, version)),
            parsed={"title": parsed.title, "format": parsed.format, "scenes": scenes},
        )
        before = _matcher(previous)
        changed: list[FlaggedScene] = []
        rows: list[FlaggedScene] = []
        for data_scene, flag in zip(scenes, flags, strict=True):
            row = FlaggedScene(
                script=script,
                index=data_scene["index"],
                number=_clean(data_scene["number"], 40),
                heading=_clean(data_scene["heading"], 500),
                line=data_scene["line"],
                characters=data_scene["characters"],
                intimate=flag.intimate,
                acts=list(flag.acts),
                evidence=[
                    {"line": e.line, "text": e.text, "acts": list(e.acts)} for e in flag.evidence
                ],
                decision=FlaggedScene.Decision.PENDING if flag.intimate else "",
                content_hash=content_hash(data_scene),
            )
            if previous is not None:
                _carry_over(row, before(row))
                if row.plan_outdated:
                    changed.append(row)
            rows.append(row)
        FlaggedScene.objects.bulk_create(rows, batch_size=500)
    for row in changed:
        _tell_plan_outdated(row)
    return script


def _matcher(previous: ScriptImport | None) -> Any:
    """Finds a scene's counterpart in the previous import: same number, else same heading
    (only when one scene has it), each counterpart used once."""
    rows = list(previous.scenes.all()) if previous is not None else []
    by_number: dict[str, FlaggedScene] = {}
    by_heading: dict[str, list[FlaggedScene]] = {}
    for row in rows:
        by_number.setdefault(row.number, row)
        by_heading.setdefault(row.heading.casefold(), []).append(row)
    used: set[int] = set()

    def find(row: FlaggedScene) -> FlaggedScene | None:
        match = by_number.get(row.number)
        if match is None or match.pk in used:
            same = [r for r in by_heading.get(row.heading.casefold(), []) if r.pk not in used]
            match = same[0] if len(same) == 1 else None
        if match is not None:
            used.add(match.pk)
        return match

    return find


def _carry_over(row: FlaggedScene, before: FlaggedScene | None) -> None:
    if before is None:
        row.change = FlaggedScene.Change.NEW
        return
    row.previous = before
    row.scene_id = before.scene_id
    if before.content_hash == row.content_hash:
        row.change = FlaggedScene.Change.SAME
        row.decision = before.decision
        if before.decision in DECISIONS:
            row.decided_by_id, row.decided_at = before.decided_by_id, before.decided_at
        elif row.intimate:
            row.decision = FlaggedScene.Decision.PENDING
        row.plan_outdated = before.plan_outdated
        return
    row.change = FlaggedScene.Change.CHANGED
    # A changed scene is looked at again, even if it was decided before.
    if row.intimate or before.decision in DECISIONS:
        row.decision = FlaggedScene.Decision.PENDING
    row.plan_outdated = before.scene_id is not None


def _tell_plan_outdated(row: FlaggedScene) -> None:
    from closedset.notices.models import Kind
    from closedset.notices.services import notify

    production = row.script.production
    url = reverse("breakdown:import", args=[production.pk, row.script_id]) + f"#scene-{row.pk}"
    values = {"number": row.number, "version": row.script.version}
    for person in acting_members(production, COORDINATOR):
        notify(
            person,
            Kind.PLAN_CHANGED,
            production=production,
            subject=interpolate_lazy(
                gettext_lazy("Script version %(version)s changes scene %(number)s"), **values
            ),
            body=interpolate_lazy(
                gettext_lazy(
                    "Scene %(number)s has a plan, and its text changed in version %(version)s "
                    "of the script. Compare the new text with the plan and update the plan."
                ),
                **values,
            ),
            url=url,
        )


def original(user: Any, production_id: int, import_id: int) -> tuple[str, bytes]:
    """The file as uploaded (coordinator only)."""
    found = _coordinator(user, production_id)
    script = _import(found, import_id)
    if script.uploaded_by is None:
        raise NotFound(gettext_noop("The original file is no longer kept."))
    try:
        data = crypto.unseal(
            script.uploaded_by, bytes(script.sealed), _context(found.production.pk, script.version)
        )
    except crypto.CryptoError:
        raise NotFound(gettext_noop("The original file is no longer kept.")) from None
    return script.file_name, data


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class EvidenceView:
    line: int
    text: str
    acts: list[str]


@dataclass(frozen=True)
class SceneView:
    pk: int
    index: int
    number: str
    heading: str
    line: int
    characters: list[str]
    intimate: bool
    decision: str
    decision_label: str
    change: str
    changed_since: int | None
    plan_outdated: bool
    scene_id: int | None
    # The coordinator's alone: what was found and why.
    acts: list[str] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.intimate or self.decision == FlaggedScene.Decision.CONFIRMED

    @property
    def can_plan(self) -> bool:
        return self.decision == FlaggedScene.Decision.CONFIRMED and self.scene_id is None


@dataclass(frozen=True)
class ImportView:
    pk: int
    version: int
    file_name: str
    format: str
    title: str
    created: Any
    uploaded_by: str
    scene_count: int
    flagged_count: int
    pending_count: int
    confirmed_count: int


@dataclass(frozen=True)
class BreakdownView:
    production: Production
    coordinator: bool
    script: ImportView
    scenes: list[SceneView]
    previous_version: int | None
    removed: list[tuple[str, str]]  # (number, heading) of scenes gone since the previous import
    # Decisions are made on the newest version only; older ones are for reading.
    newest: bool = True

    @property
    def deciding(self) -> bool:
        return self.coordinator and self.newest

    @property
    def changed(self) -> list[SceneView]:
        return [s for s in self.scenes if s.change in ("changed", "new")]


DECISION_LABELS = {
    "": gettext_lazy("not flagged"),
    "pending": gettext_lazy("flagged, waiting for the coordinator"),
    "confirmed": gettext_lazy("confirmed: needs a coordinator"),
    "dismissed": gettext_lazy("dismissed"),
}


def _import_view(script: ScriptImport) -> ImportView:
    rows = list(script.scenes.all())
    return ImportView(
        pk=script.pk,
        version=script.version,
        file_name=script.file_name,
        format=script.format,
        title=script.title,
        created=script.created,
        uploaded_by=script.uploaded_by.display_name if script.uploaded_by else "",
        scene_count=len(rows),
        flagged_count=sum(1 for r in rows if r.intimate),
        pending_count=sum(1 for r in rows if r.decision == FlaggedScene.Decision.PENDING),
        confirmed_count=sum(1 for r in rows if r.decision == FlaggedScene.Decision.CONFIRMED),
    )


def imports(user: Any, production_id: int) -> tuple[Access, list[ImportView]]:
    found = access(user, production_id)
    rows = found.production.script_imports.select_related("uploaded_by")
    return found, [_import_view(row) for row in rows]


def _labels(taxonomy: Taxonomy, acts: list[str]) -> list[str]:
    return [taxonomy.acts[a].label if a in taxonomy.acts else a for a in acts]


def _texts(script: ScriptImport | None, index: int) -> list[str]:
    if script is None:
        return []
    for scene in script.parsed.get("scenes", []):
        if scene["index"] == index:
            return [ln["text"] for ln in scene["lines"]]
    return []


def _difference(row: FlaggedScene, script: ScriptImport, old: ScriptImport | None) -> Any:
    if row.change != FlaggedScene.Change.CHANGED or row.previous is None:
        return [], []
    new_lines = _texts(script, row.index)
    old_lines = _texts(old, row.previous.index)
    added, removed = [], []
    for line in difflib.ndiff(old_lines, new_lines):
        if line.startswith("+ "):
            added.append(line[2:])
        elif line.startswith("- "):
            removed.append(line[2:])
    if row.heading != row.previous.heading:
        added.insert(0, row.heading)
        removed.insert(0, row.previous.heading)
    return added, removed


def breakdown(user: Any, production_id: int, import_id: int) -> BreakdownView:
    """One import, every scene in script order; evidence and differences for the coordinator."""
    found = access(user, production_id)
    script = _import(found, import_id)
    old = found.production.script_imports.filter(version__lt=script.version).first()
    taxonomy = load_taxonomy(lang=current_language())
    rows = list(script.scenes.select_related("previous__script"))
    scenes = []
    for row in rows:
        extra: dict[str, Any] = {}
        if found.coordinator:
            added, removed = _difference(row, script, old)
            extra = {
                "acts": _labels(taxonomy, row.acts),
                "evidence": [
                    EvidenceView(e["line"], e["text"], _labels(taxonomy, e["acts"]))
                    for e in row.evidence
                ],
                "added": added,
                "removed": removed,
            }
        scenes.append(
            SceneView(
                pk=row.pk,
                index=row.index,
                number=row.number,
                heading=row.heading,
                line=row.line,
                characters=list(row.characters),
                intimate=row.intimate,
                decision=row.decision,
                decision_label=str(DECISION_LABELS.get(row.decision, row.decision)),
                change=row.change,
                changed_since=row.previous.script.version
                if row.change == FlaggedScene.Change.CHANGED and row.previous
                else None,
                plan_outdated=row.plan_outdated,
                scene_id=row.scene_id,
                **extra,
            )
        )
    removed_scenes: list[tuple[str, str]] = []
    if old is not None:
        matched = {row.previous_id for row in rows if row.previous_id}
        removed_scenes = [(r.number, r.heading) for r in old.scenes.all() if r.pk not in matched]
    return BreakdownView(
        production=found.production,
        coordinator=found.coordinator,
        script=_import_view(script),
        scenes=scenes,
        previous_version=old.version if old else None,
        removed=removed_scenes,
        newest=not found.production.script_imports.filter(version__gt=script.version).exists(),
    )


def breakdown_json(user: Any, production_id: int, import_id: int) -> dict[str, Any]:
    view = breakdown(user, production_id, import_id)
    found = access(user, production_id)
    rows = {r.pk: r for r in _import(found, import_id).scenes.all()}
    scenes = []
    for scene in view.scenes:
        item: dict[str, Any] = {
            "id": scene.pk,
            "index": scene.index,
            "number": scene.number,
            "heading": scene.heading,
            "line": scene.line,
            "characters": scene.characters,
            "intimate": scene.intimate,
            "decision": scene.decision or None,
            "change": scene.change or None,
            "changed_since": scene.changed_since,
            "plan_outdated": scene.plan_outdated,
            "scene_id": scene.scene_id,
        }
        if view.coordinator:
            row = rows[scene.pk]
            item["acts"] = list(row.acts)
            item["evidence"] = list(row.evidence)
        scenes.append(item)
    return {**import_json(view.script), "previous_version": view.previous_version, "scenes": scenes}


def import_json(script: ImportView) -> dict[str, Any]:
    return {
        "id": script.pk,
        "version": script.version,
        "file_name": script.file_name,
        "format": script.format,
        "title": script.title,
        "created": script.created.isoformat(),
        "scenes_total": script.scene_count,
        "flagged": script.flagged_count,
        "pending": script.pending_count,
        "confirmed": script.confirmed_count,
    }


# ---------------------------------------------------------------- decisions


def decide(user: Any, production_id: int, import_id: int, scene_id: int, decision: str) -> None:
    """The coordinator confirms that a scene needs her (flagged or not), or dismisses a flag."""
    found = _coordinator(user, production_id)
    if decision not in DECISIONS:
        message = gettext_noop("Choose confirm or dismiss.")
        raise InvalidInput(message, {"decision": message})
    script = _import(found, import_id)
    row = _scene(script, scene_id)
    _require_newest(found, script)
    with transaction.atomic():
        row = _locked(found, script, row)
        if decision == FlaggedScene.Decision.DISMISSED and row.scene_id is not None:
            raise Conflict(gettext_noop("This scene already has a plan; it cannot be dismissed."))
        row.decision = decision
        row.decided_by = user
        row.decided_at = timezone.now()
        row.save(update_fields=["decision", "decided_by", "decided_at"])


def _locked(found: Access, script: ScriptImport, row: FlaggedScene) -> FlaggedScene:
    """`row` read again under the production's lock (the one `upload` takes) and its own, inside
    the caller's transaction: no import and no other decision or plan can come in between,
    so what the caller checks next is what it changes."""
    Production.objects.select_for_update().filter(pk=found.production.pk).first()
    fresh = FlaggedScene.objects.select_for_update().filter(pk=row.pk, script=script).first()
    if fresh is None:
        raise NotFound(gettext_noop("Not found."))
    _require_newest(found, script)
    return fresh


def plan_outdated_seen(user: Any, production_id: int, import_id: int, scene_id: int) -> None:
    """The coordinator has checked the plan against the changed text."""
    found = _coordinator(user, production_id)
    row = _scene(_import(found, import_id), scene_id)
    row.plan_outdated = False
    row.save(update_fields=["plan_outdated"])


# ---------------------------------------------------------------- from flag to plan


def _role_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _ROLE_CHARS.sub("_", plain).strip("_")[:40]


def draft_roles(characters: list[str]) -> dict[str, str]:
    """Role name in the plan -> the character it stands for."""
    roles: dict[str, str] = {}
    for character in characters:
        role = _role_name(character)
        if role and role not in roles and len(roles) < MAX_ROLES:
            roles[role] = character
    return roles


def draft_plan(row: FlaggedScene, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """formats.md plan data: a role per speaking character, a beat per suggested act, done by
    the characters named in its evidence where they are. The coordinator edits the rest."""
    taxonomy = taxonomy or load_taxonomy()
    roles = draft_roles(list(row.characters))
    names = list(roles)
    acts = [a for a in row.acts if a in taxonomy.acts]
    partnered = any(not taxonomy.acts[a].is_self for a in acts)
    for spare in ("A", "B"):
        if len(names) >= (2 if partnered else 1):
            break
        if spare not in roles:
            roles[spare] = ""
            names.append(spare)
    beats = []
    for number, act_id in enumerate(acts, start=1):
        act = taxonomy.acts[act_id]
        people = _people(row, act_id, roles) or names
        by = people[0]
        beat: dict[str, Any] = {"id": f"b{number}", "act": act_id, "by": by}
        if not act.is_self:
            others = [p for p in people[1:] + names if p != by]
            beat["to"] = [others[0]]
        if act.has_zones:
            beat["zone"] = act.zones[0]
        beat["intensity"] = "light"
        beat["barrier"] = "none"
        beats.append(beat)
    return {"cast": {name: None for name in names}, "beats": beats}


def _people(row: FlaggedScene, act_id: str, roles: dict[str, str]) -> list[str]:
    """Roles whose character is named in the evidence for this act, in order of mention."""
    found: list[tuple[int, str]] = []
    for item in row.evidence:
        if act_id not in item["acts"]:
            continue
        text = item["text"].casefold()
        for role, character in roles.items():
            if not character:
                continue
            where = re.search(rf"\b{re.escape(character.casefold())}\b", text)
            if where and role not in (r for _, r in found):
                found.append((where.start(), role))
        if found:
            break
    return [role for _, role in sorted(found)]


def to_plan(user: Any, production_id: int, import_id: int, scene_id: int) -> Scene:
    """A confirmed scene becomes a scene of the production with a draft plan (version 1)."""
    from closedset.plans import services as plans
    from closedset.plans.models import ScenePlan
    from closedset.productions.services import create_scene

    found = _coordinator(user, production_id)
    script = _import(found, import_id)
    row = _scene(script, scene_id)
    _require_newest(found, script)
    production = found.production
    with transaction.atomic():
        row = _locked(found, script, row)
        if row.decision != FlaggedScene.Decision.CONFIRMED:
            raise Conflict(gettext_noop("Confirm the scene first; then make its plan."))
        if row.scene_id is not None:
            raise Conflict(gettext_noop("This scene already has a plan."))
        number = row.number[:20]
        scene = Scene.objects.filter(production=production, number=number).first()
        if scene is None:
            scene = create_scene(user, production, number=number, title=row.heading[:200])
        elif ScenePlan.objects.filter(scene=scene, beats__isnull=False).exists():
            raise Conflict(
                gettext("Scene %(number)s exists already with a plan; open that plan instead.")
                % {"number": number}
            )
        plans.replace_plan(user, production.pk, scene.pk, draft_plan(row))
        plans.save_version(user, production.pk, scene.pk)
        row.scene = scene
        row.plan_outdated = False
        row.save(update_fields=["scene", "plan_outdated"])
    return scene

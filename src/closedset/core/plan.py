"""Scene plans: a scene as a sequence of beats, each naming act, people, zone and intensity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from closedset.core.errors import BadInput, excerpt, hint
from closedset.core.fields import ID_PATTERN, Reader
from closedset.core.taxonomy import BARRIERS, Intensity, Taxonomy, load_taxonomy
from closedset.core.yamlio import line_of, load

PLAN_FIELDS = ("scene", "title", "kind", "cast", "beats")
BEAT_FIELDS = ("id", "act", "by", "to", "zone", "intensity", "barrier")
KINDS = ("adult", "mainstream")


@dataclass(frozen=True)
class Beat:
    id: str
    act: str
    by: str
    to: tuple[str, ...] = ()
    zone: str | None = None
    intensity: Intensity = Intensity.light
    barrier: str = "none"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "act": self.act, "by": self.by}
        if self.to:
            data["to"] = self.to[0] if len(self.to) == 1 else list(self.to)
        if self.zone is not None:
            data["zone"] = self.zone
        data["intensity"] = self.intensity.name
        data["barrier"] = self.barrier
        return data


@dataclass(frozen=True)
class ScenePlan:
    scene: str
    cast: dict[str, str | None]
    beats: tuple[Beat, ...]
    title: str | None = None
    kind: str = "adult"
    # Where each role was cast in the file, so errors about a performer can point at it.
    cast_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def open_roles(self) -> list[str]:
        return [role for role, performer in self.cast.items() if performer is None]

    def with_cast(self, assignment: dict[str, str]) -> ScenePlan:
        cast = dict(self.cast)
        cast.update(assignment)
        return ScenePlan(
            scene=self.scene,
            cast=cast,
            beats=self.beats,
            title=self.title,
            kind=self.kind,
            cast_lines=self.cast_lines,
        )

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"scene": self.scene}
        if self.title:
            data["title"] = self.title
        data["kind"] = self.kind
        data["cast"] = dict(self.cast)
        data["beats"] = [beat.to_data() for beat in self.beats]
        return data


def parse_plan(
    data: object, source: str | None = None, taxonomy: Taxonomy | None = None
) -> ScenePlan:
    """A validated plan from parsed YAML/JSON; BadInput names the field, line and value."""
    taxonomy = taxonomy or load_taxonomy()
    try:
        return _parse_plan(data, taxonomy)
    except BadInput as error:
        raise error.located(source) from None


def load_plan(text: str, source: str | None = None) -> ScenePlan:
    return parse_plan(load(text, source), source)


def _parse_plan(data: object, taxonomy: Taxonomy) -> ScenePlan:
    if data is None:
        raise BadInput("the file is empty; a scene plan needs 'scene', 'cast' and 'beats'")
    reader = Reader(data, "plan", PLAN_FIELDS)
    scene = reader.text("scene", required=True)
    assert scene is not None
    kind = reader.choice("kind", KINDS, default="adult") or "adult"
    raw_cast = reader.mapping("cast")
    if not raw_cast:
        raise reader.fail("cast", "'cast' is required: a mapping of role to performer id")
    cast: dict[str, str | None] = {}
    cast_lines: dict[str, int] = {}
    cast_by: dict[str, str] = {}
    for role, performer in raw_cast.items():
        role_line = line_of(raw_cast, role)
        if performer is not None:
            if not isinstance(performer, str) or not ID_PATTERN.match(performer):
                raise BadInput(
                    f"cast: role {excerpt(role)} must name a performer id (a-z, 0-9, '_', '-') "
                    f"or be null for casting, not {excerpt(performer, quote=True)}",
                    line=role_line,
                    field="cast",
                )
            if performer in cast_by:
                raise BadInput(
                    f"cast: {excerpt(performer)} is cast as both {excerpt(cast_by[performer])} "
                    f"and {excerpt(role)}; "
                    "one performer fills one role",
                    line=role_line,
                    field="cast",
                )
            cast_by[performer] = role
        cast[role] = performer
        if role_line is not None:
            cast_lines[role] = role_line
    raw_beats = reader.items("beats", required=True)
    beats: list[Beat] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_beats):
        beat_line = line_of(raw_beats, index)
        try:
            beat = _parse_beat(raw, index, cast, taxonomy, beat_line)
        except BadInput as error:
            raise error.located(line=beat_line) from None
        if beat.id in seen:
            raise BadInput(
                f"beats[{index}]: beat id '{excerpt(beat.id)}' is already used by "
                f"beats[{seen[beat.id]}]; "
                "beat ids must be unique",
                line=beat_line,
                field="id",
            )
        seen[beat.id] = index
        beats.append(beat)
    return ScenePlan(
        scene=scene,
        cast=cast,
        beats=tuple(beats),
        title=reader.text("title"),
        kind=kind,
        cast_lines=cast_lines,
    )


def _parse_beat(
    raw: object, index: int, cast: dict[str, str | None], taxonomy: Taxonomy, line: int | None
) -> Beat:
    reader = Reader(raw, f"beats[{index}]", BEAT_FIELDS, line=line)
    beat_id = reader.text("id", required=True)
    assert beat_id is not None
    reader.what = f"beat {excerpt(beat_id)}"
    act_id = reader.text("act", required=True)
    assert act_id is not None
    if act_id not in taxonomy.acts:
        raise reader.fail("act", f"unknown act '{excerpt(act_id)}'{hint(act_id, taxonomy.acts)}")
    act = taxonomy.acts[act_id]
    roles = list(cast)
    by = reader.text("by", required=True)
    assert by is not None
    if by not in cast:
        raise reader.fail("by", f"role '{excerpt(by)}' is not in the cast{hint(by, roles)}")
    to: list[str] = []
    if reader.has("to"):
        raw_to = reader.raw("to")
        items = raw_to if isinstance(raw_to, list) else [raw_to]
        for role in items:
            if isinstance(role, bool) or not isinstance(role, str | int):
                raise reader.fail("to", f"'to' must name roles, not {excerpt(role, quote=True)}")
            role = str(role)
            if role not in cast:
                raise reader.fail(
                    "to", f"role '{excerpt(role)}' is not in the cast{hint(role, roles)}"
                )
            if role == by:
                raise reader.fail("to", f"role {excerpt(role)} cannot do {act_id} to themselves")
            if role in to:
                raise reader.fail("to", f"role {excerpt(role)} is named twice in 'to'")
            to.append(role)
    if act.is_self and to:
        raise reader.fail("to", f"{act_id} is done alone; a beat of it names no 'to'")
    if not act.is_self and not to:
        raise reader.fail("to", f"{act_id} needs 'to': the role(s) it is done to")
    zone = reader.text("zone")
    if act.has_zones:
        if zone is None:
            raise reader.fail("zone", f"{act_id} needs a 'zone': one of {', '.join(act.zones)}")
        if zone not in act.zones:
            raise reader.fail(
                "zone",
                f"zone '{excerpt(zone)}' does not apply to {act_id}{hint(zone, act.zones)}",
            )
    elif zone is not None:
        raise reader.fail(
            "zone", f"{act_id} applies to no body zone; remove zone '{excerpt(zone)}'"
        )
    intensity = reader.choice("intensity", Intensity.names(), default="light") or "light"
    barrier = reader.choice("barrier", BARRIERS, default="none") or "none"
    return Beat(
        id=beat_id,
        act=act_id,
        by=by,
        to=tuple(to),
        zone=zone,
        intensity=Intensity[intensity],
        barrier=barrier,
    )

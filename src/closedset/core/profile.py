"""Boundary profiles: one performer's yes / no / maybe, act by act (docs/formats.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from closedset.core.errors import BadInput, excerpt, hint
from closedset.core.fields import ID_PATTERN, Reader
from closedset.core.taxonomy import ANSWERS, BARRIERS, Intensity, Taxonomy, load_taxonomy
from closedset.core.yamlio import line_of, load

PROFILE_FIELDS = ("performer", "name", "version", "barrier", "boundaries")
BOUNDARY_FIELDS = (
    "act",
    "direction",
    "answer",
    "zones",
    "max_intensity",
    "limit",
    "partners",
    "note",
)
LIMITS = ("hard", "soft")


@dataclass(frozen=True)
class Boundary:
    """One answer: an act in one direction, optionally refined by zone, intensity, partners."""

    act: str
    direction: str
    answer: str
    zones: dict[str, str] = field(default_factory=dict)
    max_intensity: Intensity | None = None
    # Only meaningful for a no: hard is a fence, soft is a gate to talk through with the IC.
    limit: str = "hard"
    partners: tuple[str, ...] | None = None
    # Private to the coordinator; the check never prints it.
    note: str | None = None

    def answer_for(self, zone: str | None) -> str:
        if zone is not None and zone in self.zones:
            return self.zones[zone]
        return self.answer

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "act": self.act,
            "direction": self.direction,
            "answer": self.answer,
        }
        if self.zones:
            data["zones"] = dict(self.zones)
        if self.max_intensity is not None:
            data["max_intensity"] = self.max_intensity.name
        if self.limit != "hard":
            data["limit"] = self.limit
        if self.partners is not None:
            data["partners"] = list(self.partners)
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class BoundaryProfile:
    performer: str
    name: str
    boundaries: tuple[Boundary, ...] = ()
    version: int | None = None
    # What this performer requires of partners for oral and penetrative acts.
    barrier: str = "none"
    _index: dict[tuple[str, str], Boundary] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for entry in self.boundaries:
            self._index[(entry.act, entry.direction)] = entry

    def boundary(self, act: str, direction: str) -> Boundary | None:
        return self._index.get((act, direction))

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"performer": self.performer, "name": self.name}
        if self.version is not None:
            data["version"] = self.version
        if self.barrier != "none":
            data["barrier"] = self.barrier
        data["boundaries"] = [entry.to_data() for entry in self.boundaries]
        return data


def parse_profile(
    data: object, source: str | None = None, taxonomy: Taxonomy | None = None
) -> BoundaryProfile:
    """A validated profile from parsed YAML/JSON; BadInput names the field, line and value."""
    taxonomy = taxonomy or load_taxonomy()
    try:
        return _parse_profile(data, taxonomy)
    except BadInput as error:
        raise error.located(source) from None


def load_profile(text: str, source: str | None = None) -> BoundaryProfile:
    return parse_profile(load(text, source), source)


def _parse_profile(data: object, taxonomy: Taxonomy) -> BoundaryProfile:
    if data is None:
        raise BadInput(
            "the file is empty; a boundary profile needs 'performer' and 'boundaries'",
            code="profile.empty",
        )
    reader = Reader(data, "profile", PROFILE_FIELDS)
    performer = reader.ident("performer", required=True)
    assert performer is not None
    name = reader.text("name") or performer
    barrier = reader.choice("barrier", BARRIERS, default="none") or "none"
    raw_entries = reader.items("boundaries", required=False)
    entries: list[Boundary] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_entries):
        entry_line = line_of(raw_entries, index)
        try:
            entry = _parse_boundary(raw, index, taxonomy, entry_line)
        except BadInput as error:
            raise error.located(line=entry_line) from None
        key = (entry.act, entry.direction)
        if key in seen:
            raise BadInput(
                f"boundaries[{index}]: {entry.act} ({entry.direction}) is answered twice; "
                "keep one entry per act and direction",
                line=entry_line,
                code="profile.answered_twice",
                values={"index": index, "act": entry.act, "direction": entry.direction},
            )
        seen.add(key)
        entries.append(entry)
    return BoundaryProfile(
        performer=performer,
        name=name,
        boundaries=tuple(entries),
        version=reader.integer("version"),
        barrier=barrier,
    )


def _parse_boundary(raw: object, index: int, taxonomy: Taxonomy, line: int | None) -> Boundary:
    reader = Reader(raw, f"boundaries[{index}]", BOUNDARY_FIELDS, line=line)
    act_id = reader.text("act", required=True)
    assert act_id is not None
    if act_id not in taxonomy.acts:
        raise reader.fail("act", f"unknown act '{excerpt(act_id)}'{hint(act_id, taxonomy.acts)}")
    act = taxonomy.acts[act_id]
    direction = reader.text("direction", required=True)
    assert direction is not None
    if direction not in act.directions:
        raise reader.fail(
            "direction",
            f"direction '{excerpt(direction)}' does not apply to {act_id}; use "
            + " or ".join(act.directions),
        )
    answer = reader.choice("answer", ANSWERS, required=True)
    assert answer is not None
    zones: dict[str, str] = {}
    raw_zones = reader.mapping("zones")
    if raw_zones:
        for zone, zone_answer in raw_zones.items():
            zone_line = line_of(raw_zones, zone) or reader.line_of("zones")
            if zone not in act.zones:
                valid = act.zones or ()
                why = (
                    f"{act_id} applies to no body zone"
                    if not valid
                    else f"zone '{excerpt(zone)}' does not apply to {act_id}{hint(zone, valid)}"
                )
                raise BadInput(f"boundaries[{index}]: {why}", line=zone_line, field="zones")
            if zone_answer not in ANSWERS:
                raise BadInput(
                    f"boundaries[{index}]: zone {zone} answer {excerpt(zone_answer, quote=True)} "
                    "is not one of " + ", ".join(ANSWERS),
                    line=zone_line,
                    field="zones",
                )
            zones[zone] = zone_answer
    intensity_name = reader.choice("max_intensity", Intensity.names())
    partners: tuple[str, ...] | None = None
    if reader.has("partners"):
        items = reader.items("partners")
        for partner in items:
            if not isinstance(partner, str) or not ID_PATTERN.match(partner):
                raise reader.fail(
                    "partners",
                    f"partner {excerpt(partner, quote=True)} is not a performer id "
                    "(a-z, 0-9, '_', '-')",
                )
        partners = tuple(items)
    return Boundary(
        act=act_id,
        direction=direction,
        answer=answer,
        zones=zones,
        max_intensity=Intensity[intensity_name] if intensity_name else None,
        limit=reader.choice("limit", LIMITS, default="hard") or "hard",
        partners=partners,
        note=reader.text("note"),
    )

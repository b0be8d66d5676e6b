"""The act taxonomy: what can happen in a scene, named concretely enough to consent to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

DIRECTIONS = ("give", "receive", "self")
ANSWERS = ("yes", "no", "maybe")
BARRIERS = ("none", "condom", "barrier")


class Intensity(IntEnum):
    light = 1
    medium = 2
    hard = 3

    @classmethod
    def names(cls) -> list[str]:
        return [member.name for member in cls]


@dataclass(frozen=True)
class Zone:
    id: str
    label: str


@dataclass(frozen=True)
class Act:
    id: str
    label: str
    gloss: str
    category: str
    zones: tuple[str, ...]
    directions: tuple[str, ...]
    # Oral and penetrative acts: the participants' barrier requirements apply.
    barrier: bool
    # Real (unsimulated) sex: never permitted on a mainstream production.
    real_sex: bool
    # The act as a plain sentence between partners (core.words); None for acts done alone.
    phrase: str | None = None

    @property
    def is_self(self) -> bool:
        return self.directions == ("self",)

    @property
    def has_zones(self) -> bool:
        return bool(self.zones)


@dataclass(frozen=True)
class Taxonomy:
    acts: dict[str, Act]
    zones: dict[str, Zone]
    # The language of the labels, glosses and phrases; ids are the same in every language.
    lang: str = "en"
    # Category id -> its name in `lang`; a category with none is named by its id.
    category_labels: dict[str, str] = field(default_factory=dict)

    def act(self, act_id: str) -> Act:
        return self.acts[act_id]

    def category_label(self, category: str) -> str:
        return self.category_labels.get(category, category)

    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for act in self.acts.values():
            seen.setdefault(act.category, None)
        return list(seen)

    def as_json(self) -> dict[str, Any]:
        """The shape `closedset taxonomy --json` prints (docs/formats.md)."""
        return {
            "acts": [
                {
                    "id": act.id,
                    "label": act.label,
                    "gloss": act.gloss,
                    "category": act.category,
                    "zones": list(act.zones),
                    "directions": list(act.directions),
                }
                for act in self.acts.values()
            ],
            "zones": [{"id": zone.id, "label": zone.label} for zone in self.zones.values()],
        }


def taxonomy_from_data(data: dict[str, Any]) -> Taxonomy:
    zones = {z["id"]: Zone(id=z["id"], label=z["label"]) for z in data["zones"]}
    acts = {}
    for raw in data["acts"]:
        acts[raw["id"]] = Act(
            id=raw["id"],
            label=raw["label"],
            gloss=raw["gloss"],
            category=raw["category"],
            zones=tuple(raw["zones"]),
            directions=tuple(raw["directions"]),
            barrier=bool(raw.get("barrier", False)),
            real_sex=bool(raw.get("real_sex", False)),
            phrase=raw.get("phrase"),
        )
    return Taxonomy(acts=acts, zones=zones)


@cache
def load_taxonomy(lang: str = "en") -> Taxonomy:
    """The taxonomy shipped with the package, its labels, glosses and phrases in `lang`
    (core.catalogs; an unknown language is a BadInput naming the ones there are). Ids,
    categories, zones and directions are the same in every language."""
    if lang != "en":
        return translate_taxonomy(load_taxonomy(), lang)
    text = resources.files("closedset.core").joinpath("taxonomy.yaml").read_text("utf-8")
    return taxonomy_from_data(yaml.safe_load(text))


def translate_taxonomy(taxonomy: Taxonomy, lang: str) -> Taxonomy:
    """The same (English) taxonomy with its texts in `lang`, found by id in the catalog; a
    text the catalog lacks, or one it has for different English, stays English."""
    from closedset.core.catalogs import translation

    t = translation(lang)
    zones = {
        zone.id: replace(zone, label=t.pgettext(f"zone-label:{zone.id}", zone.label))
        for zone in taxonomy.zones.values()
    }
    acts = {}
    for act in taxonomy.acts.values():
        phrase = act.phrase
        if phrase is not None:
            phrase = t.pgettext(f"act-phrase:{act.id}", phrase)
        acts[act.id] = replace(
            act,
            label=t.pgettext(f"act-label:{act.id}", act.label),
            gloss=t.pgettext(f"act-gloss:{act.id}", act.gloss),
            phrase=phrase,
        )
    categories = {c: t.pgettext(f"category:{c}", c) for c in taxonomy.categories()}
    return Taxonomy(acts=acts, zones=zones, lang=lang, category_labels=categories)

import re

from closedset.core.taxonomy import DIRECTIONS, load_taxonomy

REQUIRED_ACTS = (
    "kiss open-mouth-kiss touch grab slap spank hair-pull choke restraint spit degrading-language "
    "oral manual vaginal-penetration anal-penetration toy-penetration ejaculation nudity-topless "
    "nudity-rear nudity-full-frontal simulated-sex"
).split()
REQUIRED_ZONES = (
    "face mouth neck hair chest breasts nipples back abdomen buttocks genitals anus thighs legs "
    "feet hands arms"
).split()


def test_it_has_the_public_ids():
    taxonomy = load_taxonomy()
    assert set(REQUIRED_ACTS) <= set(taxonomy.acts)
    assert set(REQUIRED_ZONES) <= set(taxonomy.zones)


def test_it_has_at_least_sixty_acts_with_labels_and_glosses():
    acts = load_taxonomy().acts.values()
    assert len(acts) >= 60
    for act in acts:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", act.id)
        assert act.label and act.gloss and act.category


def test_zones_and_directions_are_consistent():
    taxonomy = load_taxonomy()
    for act in taxonomy.acts.values():
        assert set(act.zones) <= set(taxonomy.zones), act.id
        assert act.directions in (("give", "receive"), ("self",)), act.id
        assert set(act.directions) <= set(DIRECTIONS)
        if act.id.startswith("nudity-") or act.id == "degrading-language":
            assert act.zones == (), act.id
        if act.id.startswith("nudity-"):
            assert act.directions == ("self",)


def test_oral_and_penetration_take_barriers():
    acts = load_taxonomy().acts
    for act_id in ("oral", "vaginal-penetration", "anal-penetration", "toy-penetration"):
        assert acts[act_id].barrier and acts[act_id].real_sex
    for act in acts.values():
        if act.id.endswith("-penetration"):
            assert act.barrier, act.id
    assert not acts["slap"].barrier
    assert acts["ejaculation"].real_sex


def test_json_shape():
    data = load_taxonomy().as_json()
    assert set(data) == {"acts", "zones"}
    slap = next(a for a in data["acts"] if a["id"] == "slap")
    assert set(slap) == {"id", "label", "gloss", "category", "zones", "directions"}
    assert "face" in slap["zones"] and slap["directions"] == ["give", "receive"]
    assert {"id": "face", "label": "Face"} in data["zones"]

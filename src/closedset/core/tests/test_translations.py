"""The taxonomy and its plain-words sentences in Spanish, Czech and Hungarian.

Completeness first: a performer must never meet an English text, or a sentence with a
placeholder left in, because one language's catalog lacks it.
"""

from __future__ import annotations

import gettext
import io
import json
import re
import shutil

import pytest

from closedset.cli import main
from closedset.core.catalogs import (
    DOMAIN,
    LOCALE_DIR,
    compile_catalogs,
    languages,
    mo_bytes,
    parse_po,
    placeholders,
    read_po,
    source_messages,
)
from closedset.core.check import Status, check
from closedset.core.errors import BadInput
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import Boundary, BoundaryProfile
from closedset.core.taxonomy import Intensity, load_taxonomy
from closedset.core.words import (
    Persons,
    act_words,
    answers_words,
    beat_sentence,
    finding_words,
    status_words,
)

TRANSLATED = ["cs", "es", "hu"]
ENGLISH = load_taxonomy()
NAMES = {"A": "Mara", "B": "Jonas", "C": "Ines"}
TEMPLATE_LEFT = re.compile(r"[{}\[\]|]")
HYPHENATED_IDS = [act_id for act_id in ENGLISH.acts if "-" in act_id]
# A sample across categories: with and without zones and phrases, alone and between partners.
SAMPLE = [
    "kiss",
    "slap",
    "hand-holding",
    "choke",
    "oral",
    "fingering",
    "simulated-sex",
    "self-touch",
    "nudity-topless",
    "masturbation",
    "degrading-language",
    "undressing-partner",
]


def catalog(lang: str) -> dict:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    return {message.key: message for message in read_po(path)}


def plural_count(lang: str) -> int:
    header = catalog(lang)[(None, "")].strings[0]
    found = re.search(r"nplurals=(\d+)", header)
    assert found, f"{lang}: no Plural-Forms header"
    return int(found.group(1))


def assert_plain(text: str, lang: str) -> None:
    assert text.strip(), f"{lang}: empty text"
    assert not TEMPLATE_LEFT.search(text), f"{lang}: template left in {text!r}"
    for act_id in HYPHENATED_IDS:
        assert act_id not in text.lower(), f"{lang}: act id {act_id!r} in {text!r}"


# ---------------------------------------------------------------- catalogs


def test_the_languages_are_english_and_the_three_catalogs():
    assert languages() == ["en", "cs", "es", "hu"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation(lang):
    found = catalog(lang)
    forms = plural_count(lang)
    for source in source_messages():
        message = found.get(source.key)
        assert message is not None, f"{lang}: no {source.context}"
        assert message.translated, f"{lang}: {source.context} is empty or fuzzy"
        assert all(s.strip() for s in message.strings), f"{lang}: {source.context} is blank"
        if source.plural is None:
            assert len(message.strings) == 1, f"{lang}: {source.context}"
        else:
            assert message.plural == source.plural, f"{lang}: {source.context} plural differs"
            assert len(message.strings) == forms, f"{lang}: {source.context} needs {forms}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_message_the_source_no_longer_has(lang):
    # A stale entry would be a translation nobody reads, and hide a changed English text.
    wanted = {source.key for source in source_messages()} | {(None, "")}
    assert set(catalog(lang)) <= wanted


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_the_same_as_the_source(lang):
    found = catalog(lang)
    for source in source_messages():
        expected = placeholders(source.msgid)
        if source.plural is not None:
            assert placeholders(source.plural) == expected
        for text in found[source.key].strings:
            assert placeholders(text) == expected, f"{lang}: {source.context}: {text!r}"


def test_a_translated_phrase_keeps_no_english_verb_forms():
    for lang in TRANSLATED:
        for act in load_taxonomy(lang).acts.values():
            if act.phrase is not None:
                assert "[" not in act.phrase and "|" not in act.phrase, (lang, act.id)


def test_catalogs_compile_and_load_with_gettext(tmp_path):
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    written = compile_catalogs(tmp_path)
    assert sorted(p.parent.parent.name for p in written) == TRANSLATED
    for lang in TRANSLATED:
        compiled = gettext.translation(DOMAIN, tmp_path / "locale", languages=[lang])
        for message in catalog(lang).values():
            if message.msgid and message.plural is None:
                got = compiled.pgettext(message.context, message.msgid)
                assert got == message.strings[0], (lang, message.context)
    cs = gettext.translation(DOMAIN, tmp_path / "locale", languages=["cs"])
    one, many = "{n} beat waits for your answer.", "{n} beats wait for your answer."
    assert cs.npgettext("words:waiting", one, many, 1) == "{n} moment čeká na tvou odpověď."
    assert cs.npgettext("words:waiting", one, many, 3).startswith("{n} momenty čekají")
    assert cs.npgettext("words:waiting", one, many, 5).startswith("{n} momentů čeká")


def test_a_po_file_reads_continued_escaped_and_fuzzy_messages():
    text = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Language: cs\\n"',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
            "",
            "# a comment",
            'msgctxt "words:test"',
            'msgid "Say \\"no\\""',
            'msgstr "Řekni "',
            '"\\"ne\\""',
            "",
            "#, fuzzy",
            'msgctxt "words:unsure"',
            'msgid "Maybe"',
            'msgstr "Možná"',
            "",
            'msgctxt "words:count"',
            'msgid "{n} beat"',
            'msgid_plural "{n} beats"',
            'msgstr[0] "{n} moment"',
            'msgstr[1] "{n} momenty"',
        ]
    )
    header, said, unsure, count = parse_po(text)
    assert said.key == ("words:test", 'Say "no"') and said.strings == ['Řekni "ne"']
    assert unsure.fuzzy and not unsure.translated
    assert count.plural == "{n} beats" and count.strings == ["{n} moment", "{n} momenty"]
    compiled = gettext.GNUTranslations(io.BytesIO(mo_bytes([header, said, unsure, count])))
    assert compiled.pgettext("words:test", 'Say "no"') == 'Řekni "ne"'
    # A fuzzy translation is a guess: the source is shown until someone confirms it.
    assert compiled.pgettext("words:unsure", "Maybe") == "Maybe"
    assert compiled.npgettext("words:count", "{n} beat", "{n} beats", 2) == "{n} momenty"


def test_a_broken_po_file_is_a_plain_error():
    with pytest.raises(BadInput, match="expected a quoted string"):
        parse_po('msgid "ok"\nmsgstr nope', source="cs.po")
    with pytest.raises(BadInput, match="charset=UTF-8"):
        mo_bytes(parse_po('msgid ""\nmsgstr "Language: cs\\n"\n'))


# ---------------------------------------------------------------- the taxonomy


def test_taxonomy_in_czech_keeps_every_id():
    czech = load_taxonomy("cs")
    assert czech.lang == "cs"
    assert list(czech.acts) == list(ENGLISH.acts)
    assert list(czech.zones) == list(ENGLISH.zones)
    slap = czech.act("slap")
    assert (slap.label, slap.gloss) == ("Plácnutí", "Úder otevřenou dlaní.")
    # Categories stay ids (code reads them); their names come from category_label.
    assert slap.category == "impact"
    assert czech.category_label("impact") == "údery"
    assert czech.zones["buttocks"].label == "Zadek"
    assert czech.as_json()["acts"][0]["id"] == "nudity-implied"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_label_or_gloss_is_left_in_english(lang):
    translated = load_taxonomy(lang)
    for act in translated.acts.values():
        english = ENGLISH.act(act.id)
        assert act.gloss != english.gloss, (lang, act.id)
    same = [z.id for z in translated.zones.values() if z.label == ENGLISH.zones[z.id].label]
    assert same == []


def test_an_unknown_language_names_the_ones_there_are():
    with pytest.raises(BadInput) as error:
        load_taxonomy("xx")
    assert str(error.value) == (
        "There is no translation for the language 'xx'. Available: en, cs, es, hu."
    )


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_taxonomy_lang_cs_prints_czech_labels(capsys):
    code, out, err = run(capsys, "taxonomy", "--lang", "cs")
    assert (code, err) == (0, "")
    for czech in ("Polibek", "Plácnutí", "Masáž", "nahota", "údery", "Zadek"):
        assert czech in out
    assert "Slap" not in out and "Kiss " not in out


def test_taxonomy_lang_cs_json_keeps_ids(capsys):
    code, out, _ = run(capsys, "taxonomy", "--lang", "cs", "--json")
    data = json.loads(out)
    assert code == 0
    slap = next(act for act in data["acts"] if act["id"] == "slap")
    assert slap == {
        "id": "slap",
        "label": "Plácnutí",
        "gloss": "Úder otevřenou dlaní.",
        "category": "impact",
        "zones": list(ENGLISH.act("slap").zones),
        "directions": ["give", "receive"],
    }
    assert {"id": "anus", "label": "Řitní otvor"} in data["zones"]


def test_taxonomy_with_an_unknown_language_is_a_plain_error(capsys):
    code, out, err = run(capsys, "taxonomy", "--lang", "klingon")
    assert (code, out) == (2, "")
    assert err == (
        "closedset: error: There is no translation for the language 'klingon'. "
        "Available: en, cs, es, hu.\n"
    )


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_beat_and_answer_reads_without_a_template(lang):
    persons = Persons(NAMES, me="A")
    for act in ENGLISH.acts.values():
        for zone in act.zones or (None,):
            to = () if act.is_self else ("B", "C")
            beat = Beat(id="1", act=act.id, by="A", to=to, zone=zone, intensity=Intensity.hard)
            assert_plain(beat_sentence(beat, persons, lang=lang), lang)
            for direction in act.directions:
                assert_plain(act_words(act.id, direction, zone, lang=lang), lang)


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("act_id", SAMPLE)
def test_sample_reads_in_the_language_not_in_english(lang, act_id):
    act = ENGLISH.act(act_id)
    zone = act.zones[0] if act.zones else None
    to = () if act.is_self else ("A",)
    beat = Beat(id="1", act=act_id, by="B", to=to, zone=zone, barrier="condom")
    persons = Persons({**NAMES, "B": None}, me="A" if to else "B")
    text = beat_sentence(beat, persons, lang=lang)
    assert_plain(text, lang)
    assert text != beat_sentence(beat, persons)
    # The reader's own pronoun, never the English one.
    assert not re.search(r"\b(you|your|someone|lightly|condom)\b", text, re.I), text


def test_czech_names_stay_as_they_are():
    persons = Persons(NAMES, me="A")
    slap = Beat(id="1", act="slap", by="B", to=("A",), zone="buttocks")
    kiss = Beat(id="2", act="kiss", by="A", to=("B", "C"), zone="neck", intensity=Intensity.medium)
    oral = Beat(id="3", act="oral", by="B", to=("A",), intensity=Intensity.hard, barrier="condom")
    assert beat_sentence(slap, persons, lang="cs") == "Jonas → ty: plácnutí (zadek), lehce"
    assert beat_sentence(kiss, persons, lang="cs") == "Ty → Jonas a Ines: polibek (krk), středně"
    assert beat_sentence(oral, persons, lang="cs") == "Jonas → ty: orální sex, silně, s kondomem"
    touch = Beat(id="4", act="self-touch", by="A", zone="thighs")
    assert beat_sentence(touch, persons, lang="hu") == "Te: saját tested érintése (comb), gyengéden"


def test_spanish_and_before_an_i_sound_is_e():
    kiss = Beat(id="1", act="kiss", by="A", to=("B", "C"), zone="neck")
    text = beat_sentence(kiss, Persons(NAMES, me="A"), lang="es")
    assert text == "Tú → Jonas e Ines: beso (cuello), con suavidad"


def test_someone_not_cast_yet_in_each_language():
    beat = Beat(id="1", act="hand-holding", by="D", to=("A",), zone="hands")
    persons = Persons(NAMES, me="A")
    assert beat_sentence(beat, persons, lang="cs").startswith("Zatím neobsazená role → ty:")
    assert beat_sentence(beat, persons, lang="es").startswith("Alguien aún sin asignar → tú:")
    assert beat_sentence(beat, persons, lang="hu").startswith("Még ki nem osztott szerep → te:")


def test_a_translated_taxonomy_passed_in_is_read_all_the_same():
    beat = Beat(id="1", act="slap", by="B", to=("A",), zone="face")
    persons = Persons(NAMES, me="A")
    for taxonomy in (ENGLISH, load_taxonomy("cs")):
        text = beat_sentence(beat, persons, taxonomy, lang="cs")
        assert text == "Jonas → ty: plácnutí (obličej), lehce"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_findings_read_in_the_language(lang):
    profile = BoundaryProfile(
        performer="mara",
        name="Mara",
        barrier="barrier",
        boundaries=(
            Boundary(act="slap", direction="receive", answer="no", limit="hard"),
            Boundary(act="oral", direction="receive", answer="maybe"),
            Boundary(
                act="kiss",
                direction="give",
                answer="yes",
                max_intensity=Intensity.light,
                partners=("eva",),
            ),
        ),
    )
    beats = (
        Beat(id="1", act="slap", by="B", to=("A",), zone="face"),
        Beat(id="2", act="oral", by="B", to=("A",), zone="genitals", barrier="none"),
        Beat(id="3", act="kiss", by="A", to=("B",), zone="neck", intensity=Intensity.hard),
        Beat(id="4", act="spank", by="B", to=("A",), zone="buttocks"),
    )
    plan = ScenePlan(scene="12B", cast={"A": "mara", "B": "jonas"}, beats=beats, kind="adult")
    everyone = tuple(
        Boundary(act=a.id, direction=d, answer="yes")
        for a in ENGLISH.acts.values()
        for d in a.directions
    )
    jonas = BoundaryProfile(performer="jonas", name="Jonas", boundaries=everyone)
    result = check(plan, [profile, jonas])
    by_beat = {b.id: b for b in beats}
    names = {"mara": "Mara", "jonas": "Jonas", "eva": "Eva"}
    said = []
    for finding in (f for f in result.findings if f.role == "A"):
        english = finding_words(
            finding, profile, counterparts=["jonas"], names=names, beat=by_beat[finding.beat]
        )
        translated = finding_words(
            finding,
            profile,
            counterparts=["jonas"],
            names=names,
            beat=by_beat[finding.beat],
            lang=lang,
        )
        assert len(translated) == len(english)
        for text in translated:
            assert_plain(text, lang)
            assert text not in english
        said += translated
    assert len(said) >= 5
    assert any("Eva" in text and "Jonas" in text for text in said)
    assert_plain(status_words([Status.clear, Status.blocked], lang), lang)
    assert_plain(status_words([], lang), lang)


def test_plural_forms_follow_the_language():
    states = ["declined"] * 2 + ["waiting"] * 5 + ["consented"]
    assert answers_words(states, "cs") == (
        "Souhlasíš s 1 ze svých 8 momentů. Nesouhlasíš s 2 momenty. 5 momentů čeká na tvou odpověď."
    )
    # Hungarian counts with the singular noun.
    assert answers_words(["waiting"] * 3, "hu") == "3 mozzanat a válaszodra vár."
    assert answers_words(["waiting"], "es") == "1 momento espera tu respuesta."
    assert answers_words(["consented"] * 2, "es") == (
        "Has dado tu consentimiento a todos tus momentos de esta escena."
    )


# ---------------------------------------------------------------- English


def test_english_is_unchanged():
    persons = Persons(NAMES, me="A")
    slap = Beat(id="1", act="slap", by="B", to=("A",), zone="buttocks")
    assert beat_sentence(slap, persons) == "Jonas slaps your buttocks, lightly"
    assert beat_sentence(slap, persons, lang="en") == "Jonas slaps your buttocks, lightly"
    assert act_words("slap", "give", "face") == "slapping a partner's face"
    assert act_words("slap", "receive", "face", lang="en") == "a partner slapping your face"
    assert answers_words(["declined", "waiting", "waiting"]) == (
        "You declined 1 beat. 2 beats wait for your answer."
    )
    for act in ENGLISH.acts.values():
        for zone in act.zones or (None,):
            to = () if act.is_self else ("B",)
            beat = Beat(id="1", act=act.id, by="A", to=to, zone=zone, barrier="barrier")
            assert beat_sentence(beat, persons, lang="en") == beat_sentence(beat, persons)


def test_a_taxonomy_in_another_language_is_read_in_the_readers():
    beat = Beat(id="1", act="slap", by="B", to=("A",), zone="face")
    persons = Persons(NAMES, me="A")
    czech = load_taxonomy("cs")
    assert beat_sentence(beat, persons, czech) == "Jonas slaps your face, lightly"
    assert (
        beat_sentence(beat, persons, czech, lang="es") == "Jonas → tú: palmada (cara), con suavidad"
    )

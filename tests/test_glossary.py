"""The Hindi glossary (docs/glossary.md) holds across both catalogues, the replies on X, the page templates,
the lexicon's notes and the units registry. The checks are read from the glossary's tables, so a string
added to a catalogue later is checked against the same words."""

import ast
import csv
import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings

from complaints import lifecycle, public
from complaints.models import Channel, Complaint, Status
from districts.models import Unit
from twitter_ingest import outbox
from twitter_ingest.models import ReplyTemplate
from twitter_ingest.textcount import MAX_WEIGHT, weighted_length

BASE = Path(settings.BASE_DIR)
GLOSSARY = BASE / "docs" / "glossary.md"
CATALOGUES = [BASE / "locale" / "hi" / "LC_MESSAGES" / "django.po",
              BASE / "templates" / "track" / "locale" / "hi" / "LC_MESSAGES" / "django.po"]
REPLIES_MIGRATION = "twitter_ingest.migrations.0007_replies_in_the_forces_register"
NONE = "—"
DEVANAGARI = re.compile("[\u0900-\u097f]")
BRACKETED_ENDING = re.compile("[\u0900-\u097f]\\([\u0900-\u097f]+\\)")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


# ---------------------------------------------------------------- reading the glossary and the catalogues

def _table(section):
    """The rows of the first table under the heading that starts with `section`, as lists of cells."""
    text = GLOSSARY.read_text(encoding="utf-8")
    body = text.split("\n## " + section, 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in body.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row] for row in rows[2:]]


def _forms(cell):
    return [] if cell in ("", NONE) else [form.strip() for form in cell.split(" / ")]


def _terms():
    terms = [(_forms(english), _forms(hindi), _forms(never)) for english, hindi, never, *_ in _table("Terms")]
    assert len(terms) > 30
    return terms


def _never():
    return list(dict.fromkeys(word for _, _, words in _terms() for word in words))


def _exceptions():
    return [(start, english) for start, english, _ in _table("Exceptions")]


def po_entries(path):
    """(msgid, msgstr) pairs of a .po file; a plural entry gives one pair per form."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current.get("msgid"):
                if "msgid_plural" in current:
                    entries.append((current["msgid"], current.get("msgstr[0]", "")))
                    entries += [(current["msgid_plural"], v) for k, v in current.items() if k.startswith("msgstr[")
                                and k != "msgstr[0]"]
                else:
                    entries.append((current["msgid"], current.get("msgstr", "")))
            current, key = {}, None
        elif line.startswith(("msgid ", "msgstr ", "msgstr[", "msgid_plural ", "msgctxt ")):
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return entries


def _catalogue_pairs():
    return [(f"{path.relative_to(BASE)}", en, hi) for path in CATALOGUES for en, hi in po_entries(path) if hi]


def _reply_pairs():
    """Every English/Hindi pair the desk tweets: the in-code defaults, the stages, the data migration."""
    migration = importlib.import_module(REPLIES_MIGRATION)
    pairs = [(f"outbox.DEFAULT_TEMPLATES[{key}]", en, hi) for key, (en, hi) in outbox.DEFAULT_TEMPLATES.items()]
    pairs += [(f"outbox stage {key}", en, hi) for table in (outbox.STAGES, outbox.RESTRICTED_STAGES)
              for key, (en, hi) in table.items()]
    pairs += [(f"{REPLIES_MIGRATION}[{key}]", en, hi) for key, (en, hi) in migration.NEW.items()]
    return pairs


def _words(english):
    """An English text as the glossary's English column reads it: placeholders out, hyphens as spaces."""
    return " " + re.sub(r"[^\w']+", " ", PLACEHOLDER.sub(" ", english).replace("-", " ").lower()) + " "


def glossary_mismatches(pairs):
    """(where, English, Hindi, what is wrong) for every pair that breaks a term of the glossary."""
    found = []
    terms = sorted(((form, hindi) for english, hindi, _ in _terms() if hindi for form in english),
                   key=lambda term: -len(term[0]))
    never = _never()
    exceptions = _exceptions()
    for where, en, hi in pairs:
        words = _words(en)
        for form, hindi in terms:
            needle = f" {form.lower().replace('-', ' ')} "
            if needle not in words:
                continue
            words = words.replace(needle, " | ")  # a longer form already matched these words
            if any(en.startswith(start) and english == form for start, english in exceptions):
                continue
            if not any(h in hi for h in hindi):
                found.append((where, en, hi, f"“{form}” needs {hindi[0]}"))
        found += [(where, en, hi, f"never {word}") for word in never if word in hi]
        if BRACKETED_ENDING.search(hi):
            found.append((where, en, hi, "a bracketed ending; use ngettext or a whole sentence"))
    return found


def _report(found):
    return "\n".join(f"{where}: {en!r} → {hi!r}: {why}" for where, en, hi, why in found)


# ---------------------------------------------------------------- the checks

def test_the_glossary_is_read_as_the_tests_expect():
    """A broken table would make every other check pass on nothing."""
    terms = {english[0]: (hindi, never) for english, hindi, never in _terms() if english}
    assert terms["restricted"] == (["गोपनीय"], ["प्रतिबंधित"])
    assert terms["transfer"][1] == ["स्थानांतरित", "स्थानांतरण"]
    assert terms["action"] == (["कार्यवाही"], ["कार्रवाई"])
    found = glossary_mismatches([("sample", "Restricted marking changed", "प्रतिबंधित चिह्न बदला गया"),
                                 ("sample", "%(n)s complaint(s) done", "%(n)s शिकायत(ें) पूर्ण"),
                                 ("sample", "Duplicate of", "दोहरी शिकायत"),
                                 ("sample", "Not urgent: cancels an urgent word next to it (past event)",
                                  "अति आवश्यक नहीं: पुरानी घटना")])
    assert [why for *_, why in found] == ["“restricted marking” needs गोपनीय चिह्नांकन", "never प्रतिबंधित",
                                          "never शिकायत(", "a bracketed ending; use ngettext or a whole sentence",
                                          "“duplicate of” needs मूल शिकायत"]


def test_both_catalogues_follow_the_glossary():
    pairs = _catalogue_pairs()
    assert len(pairs) > 500
    found = glossary_mismatches(pairs)
    assert not found, _report(found)


def test_a_string_in_both_catalogues_has_one_translation():
    """The project catalogue wins where both have a msgid, so a second translation would never show."""
    main, track = (dict(po_entries(path)) for path in CATALOGUES)
    differing = {msgid: (main[msgid], track[msgid]) for msgid in main.keys() & track.keys()
                 if msgid and main[msgid] != track[msgid]}
    assert not differing


def test_the_replies_on_x_follow_the_glossary():
    found = glossary_mismatches(_reply_pairs())
    assert not found, _report(found)


def test_the_replies_are_the_glossarys_own_words():
    glossary = {key: (en, hi) for key, hi, en in _table("Replies on X")}
    for key, (en, hi) in glossary.items():
        default_en, default_hi = outbox.DEFAULT_TEMPLATES[key]
        assert (default_en.replace("{link}", ""), default_hi.replace("{link}", "")) == (en, hi), key


def test_the_code_stands_apart_from_punctuation_in_every_reply():
    """A citizen copies the code by a long press: nothing may be glued to it but the end of the text."""
    for where, en, hi in _reply_pairs():
        for text in (en, hi):
            for match in re.finditer(r"\{code\}", text):
                after = text[match.end():match.end() + 1]
                assert after in ("", " ") or text[match.end():] == "{link}", (where, text)


def test_page_templates_and_lexicon_notes_hold_no_word_the_glossary_forbids():
    never = [word for word in _never() if DEVANAGARI.search(word)]  # the pages' English is the msgids
    texts = [(str(path.relative_to(BASE)), path.read_text(encoding="utf-8"))
             for path in (BASE / "templates").rglob("*.html")]
    with (BASE / "fixtures" / "triage" / "lexicon.csv").open(encoding="utf-8") as handle:
        # The terms are matched text (people do write कार्रवाई); only the reviewers' notes are read by people.
        texts += [(f"lexicon.csv {row['term']}", row["source"]) for row in csv.DictReader(handle)]
    found = [(where, word) for where, text in texts if DEVANAGARI.search(text) for word in never if word in text]
    assert not found


def test_units_carry_the_official_district_names_and_keep_the_spaced_ones_as_alternates():
    with (BASE / "fixtures" / "units.csv").open(encoding="utf-8") as handle:
        units = {row["slug"]: row for row in csv.DictReader(handle)}
    for slug, primary, kept, removed in _table("District names"):
        alternates = units[slug]["alt_names"].split(";")
        assert units[slug]["name_hi"] == primary, slug
        assert set(_forms(kept)) <= set(alternates), slug
        assert not set(_forms(removed)) & set(alternates + [units[slug]["name_hi"]]), slug


@pytest.mark.django_db
def test_the_spaced_and_one_word_names_both_find_the_district():
    from complaints.triage.judge import judge

    # A district inside a commissionerate is answered by the commissionerate.
    for text, slug in [("@Uppolice गौतम बुद्ध नगर में चोरी हो गई", "gautam-buddh-nagar-commissionerate"),
                       ("@Uppolice गौतमबुद्धनगर में चोरी हो गई", "gautam-buddh-nagar-commissionerate"),
                       ("@Uppolice संत कबीर नगर में चोरी हो गई", "sant-kabir-nagar"),
                       ("@Uppolice संतकबीरनगर में चोरी हो गई", "sant-kabir-nagar"),
                       ("@Uppolice अम्बेडकरनगर में चोरी हो गई", "ambedkar-nagar")]:
        assert judge(text).unit.value == slug, text
    assert Unit.objects.get(slug="sant-kabir-nagar").name_hi == "संतकबीरनगर"


# ---------------------------------------------------------------- 280 as X counts it, at the longest

def _longest_handle():
    with (BASE / "fixtures" / "accounts.csv").open(encoding="utf-8") as handle:
        return max((row["handle"] for row in csv.DictReader(handle)), key=len)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hi", "en"])
@pytest.mark.parametrize("restricted", [False, True])
def test_every_reply_fits_280_at_its_longest(language, restricted, settings):
    settings.X_REPLY_INCLUDE_LINK = True
    settings.PUBLIC_BASE_URL = "https://twitterseva.uppolice.gov.in"
    unit = max(Unit.objects.all(), key=lambda u: weighted_length(u.display_name(language)))
    complaint = lifecycle.file_complaint(text="@Uppolice test", channel=Channel.PHONE, language=language)
    report = ("अभियुक्त के विरुद्ध अभियोग पंजीकृत कर गिरफ्तारी की गई। " if language == "hi"
              else "The accused was arrested and a case registered. ") * 8
    longest_stage = max(Status, key=lambda s: weighted_length(outbox.STAGES.get(s, ("", ""))[language == "hi"]))
    for status in (longest_stage, Status.RESOLVED):
        Complaint.objects.filter(pk=complaint.pk).update(unit=unit, status=status, is_restricted=restricted)
        complaint.refresh_from_db()
        for key in outbox.DEFAULT_TEMPLATES:
            if key.endswith("_restricted") or (restricted and key not in outbox.RESTRICTED_TEMPLATES):
                continue
            text = outbox.render(key, complaint, handle=_longest_handle(), report=report[:280])
            assert weighted_length(text) <= MAX_WEIGHT, (key, text)
            assert public.check_text(text).publish, (key, text)  # "डायल 112" and the code are not personal data
            assert complaint.tracking_code + " " in text + " ", (key, text)
            if key == "closing" and not restricted:
                kept = text.split(":", 1)[1].split(" https://")[0].rstrip("…")
                assert weighted_length(kept) >= 140, (key, text)  # the report is cut, not crowded out


# ---------------------------------------------------------------- HQ's edits survive the new wording

@pytest.mark.django_db
def test_the_migration_replaced_the_untouched_defaults():
    migration = importlib.import_module(REPLIES_MIGRATION)
    rows = {row.key: (row.text_en, row.text_hi) for row in ReplyTemplate.objects.all()}
    for key, texts in migration.NEW.items():
        if key in rows:
            assert rows[key] == texts, key


@pytest.mark.django_db
def test_an_edited_template_is_left_as_hq_wrote_it():
    from django.apps import apps

    migration = importlib.import_module(REPLIES_MIGRATION)
    ReplyTemplate.objects.filter(key="forward").update(text_hi="@{handle} शिकायत {code} देखें।",
                                                       text_en=migration.OLD["forward"][0])
    ReplyTemplate.objects.filter(key="noted").update(text_en=migration.OLD["noted"][0],
                                                     text_hi=migration.OLD["noted"][1])
    migration.use_the_forces_register(apps, None)
    forward, noted = ReplyTemplate.objects.get(key="forward"), ReplyTemplate.objects.get(key="noted")
    assert forward.text_hi == "@{handle} शिकायत {code} देखें।" and forward.text_en == migration.NEW["forward"][0]
    assert (noted.text_en, noted.text_hi) == migration.NEW["noted"]
    migration.back_to_the_old_wording(apps, None)
    assert ReplyTemplate.objects.get(key="noted").text_hi == migration.OLD["noted"][1]
    assert ReplyTemplate.objects.get(key="forward").text_hi == "@{handle} शिकायत {code} देखें।"


@pytest.mark.django_db
@pytest.mark.parametrize("language", [0, 1], ids=["en", "hi"])
def test_the_units_noted_reply_reads_back_as_noted(language):
    """The Noted a unit posts through the desk comes back as a mention in HQ's forward thread."""
    from tests.ingest.test_classify import COMPLAINT, LKO, Kind, run

    text = "@Uppolice " + outbox.DEFAULT_TEMPLATES["noted"][language].format(code=COMPLAINT.tracking_code)
    assert run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT).kind == Kind.NOTED

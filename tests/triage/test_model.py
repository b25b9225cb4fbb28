"""The triage model learned from the desk's decisions: trained on the seed set it reads obvious mentions,
a worse model never replaces a better one, HQ's forwards, transfers, rejections and classes are labels,
and with no model the rules stand."""

import io

import pytest
from django.core.management import call_command

from complaints import lifecycle
from complaints.models import TriageModel
from complaints.triage import model

# Neither line is in the seed set; the place names are the only clue to the unit.
OBVIOUS = [
    ("@Uppolice जनपद बाराबंकी में दबंग मेरे भाई को पीट रहे हैं, जल्दी पुलिस भेजिए", "complaint", "barabanki"),
    ("@Uppolice Ghaziabad Indirapuram se meri bike chori ho gayi kal raat, FIR nahi likh rahe", "complaint",
     "ghaziabad-commissionerate"),
]
# A made-up place: only the desk's own decision can teach the model where it is.
NOVEL = "@Uppolice Zorbaxpur mandi ke peeche godown se tractor ki battery nikal le gaye, koi sunwai nahi ho rahi"


@pytest.fixture(autouse=True)
def _no_cached_model():
    model.forget()
    yield
    model.forget()


@pytest.fixture(scope="module")
def seed_trained():
    return model.train(model.examples(seed_only=True))


@pytest.fixture(scope="module")
def small_trained():
    """A model that saw a quarter of the seed set: worse, but its held-back lines are the full set's."""
    by_text = model.examples(seed_only=True)
    return model.train({k: ex for i, (k, ex) in enumerate(by_text.items()) if i % 4 == 0})


def test_with_no_model_predict_returns_none_and_the_rules_stand(db):
    assert not TriageModel.objects.exists()
    assert model.predict(OBVIOUS[0][0]) is None


def test_a_model_trained_on_the_seed_set_reads_obvious_mentions(db, seed_trained):
    for text, _, _ in OBVIOUS:
        assert model.normalised(text) not in model.examples(seed_only=True)
    row = model.store(seed_trained)
    assert row.is_active and row.version == 1
    assert set(seed_trained.scores) == set(model.TARGETS)
    assert row.trained_on["held_back"] > 100 and row.trained_on["desk"] == 0
    for text, kind, unit in OBVIOUS:
        suggestion = model.predict(text)
        assert suggestion.version == 1
        assert suggestion.kind[0][0] == kind
        assert suggestion.unit[0][0] == unit
        assert suggestion.unit[0][1] > suggestion.unit[1][1]
    thanks = model.predict("@Uppolice Happy Diwali to all the jawans of UP Police, dhanyavaad")
    assert thanks.kind[0][0] in {"greeting", "appreciation"}


def test_a_worse_model_does_not_replace_a_better_one(db, seed_trained, small_trained):
    better = model.store(seed_trained)
    worse = model.store(small_trained)
    assert not worse.is_active
    assert worse.scores["previous"]["version"] == better.version
    assert worse.scores["previous"]["macro_f1"] > worse.macro_f1
    assert list(TriageModel.objects.filter(is_active=True).values_list("version", flat=True)) == [better.version]
    assert model.predict(OBVIOUS[0][0]).version == better.version


def test_a_better_model_replaces_the_active_one(db, seed_trained, small_trained):
    first = model.store(small_trained)
    assert first.is_active
    second = model.store(seed_trained)
    assert second.is_active
    first.refresh_from_db()
    assert not first.is_active
    assert model.predict(OBVIOUS[0][0]).version == second.version


def test_hq_decisions_are_labels_and_the_final_unit_wins(db, make_complaint, unit, seed_trained):
    assert not model.held_back(model.normalised(NOVEL))
    decided = make_complaint(NOVEL)
    decided = lifecycle.forward(decided, unit("agra"))
    decided = lifecycle.transfer(decided, unit("mahoba"), reason="Zorbaxpur is in Mahoba")
    decided = lifecycle.set_category(decided, "action")
    rejected = lifecycle.reject(make_complaint("@Uppolice sarkari naukri ki bharti kab aayegi batao"), "Recruitment")
    make_complaint("@Uppolice Zorbaxpur me koi sunwai nahi")  # filed, not decided: no label

    desk = {ex.text: ex for ex in model.desk_examples()}
    assert set(desk) == {decided.text, rejected.text}
    assert (desk[NOVEL].kind, desk[NOVEL].unit, desk[NOVEL].category) == ("complaint", "mahoba", "action")
    assert (desk[rejected.text].kind, desk[rejected.text].unit) == ("noise", None)

    trained = model.train(model.examples())
    assert trained.counts["desk"] == 2 and trained.counts["desk_trained"] >= 1
    key = model.normalised(NOVEL)

    def p_mahoba(bundle):
        pipeline = bundle["unit"]
        return pipeline.predict_proba([key])[0][list(pipeline.classes_).index("mahoba")]

    assert p_mahoba(trained.bundle) > 2 * p_mahoba(seed_trained.bundle)
    assert model.store(trained).trained_on["desk"] == 2


def test_train_triage_command_prints_the_report_and_activation(db):
    out = io.StringIO()
    call_command("train_triage", "--seed-only", stdout=out)
    text = out.getvalue()
    assert "precision" in text and "recall" in text
    assert "Model v1" in text and "now active" in text
    assert TriageModel.objects.get().is_active

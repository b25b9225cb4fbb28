"""A small text classifier learned from the desk's own decisions: it ranks and suggests, the rules stay.

Labels come from two places: the seed set `fixtures/triage/train.jsonl` (written for the project) and
what HQ decided on filed complaints (a forward or transfer names the unit, the last one wins; a
rejection says the mention is not a complaint; a category set is the class). One linear model per target
(kind, category, unit) over character n-grams of the triage-normalised text: the sound-skeleton of
`normalise.py` already makes "पीट रहे", "peet rahe" and "pit rhe" one string, and n-grams of it absorb
the misspellings and endings the skeleton leaves.

Held-back share: a mention is held back when a salted hash of its normalised text says so (one in five),
not by a random draw. A mention therefore stays on the same side however the data grow, so the active
model has never trained on the new model's held-back share and both are scored on exactly those lines:
the new model becomes active only if its macro F1 (mean over the targets) beats the active model's on
the same lines. The kinds are large enough (17 lines or more in the seed) for each to be held back in
roughly its share; a random stratified split would be more even but would move lines between sides.

Sensitivity and urgency are not learned here: the lexicon's terms always restrict and raise priority
(judge.py), whatever a model suggests."""

import hashlib
import io
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from .normalise import fold, tokens

log = logging.getLogger(__name__)

SEED = Path(settings.BASE_DIR) / "fixtures" / "triage" / "train.jsonl"
TARGETS = ("kind", "category", "unit")
HOLD_BACK_ONE_IN = 5
SPLIT_SALT = "seva-triage-split-1"
RANDOM_STATE = 7
TOP = 3
# The model's best unit is suggested (never forwarded on its own) where the rules placed a mention nowhere,
# from this probability up.
SUGGEST_AT = 0.5
RECHECK_SECONDS = 10

# Kinds of a mention (judge.Kind) as the desk's decisions give them.
KIND_COMPLAINT, KIND_NOT_COMPLAINT = "complaint", "noise"

_HANDLE = re.compile(r"@\w{1,15}")
_OWN_HANDLE = "@uppolice"


@dataclass(frozen=True)
class Example:
    text: str
    kind: str | None = None
    category: str | None = None
    unit: str | None = None
    source: str = "seed"

    def label(self, target):
        return getattr(self, target)


@dataclass(frozen=True)
class Suggestions:
    """Ranked (label, probability) pairs per target, best first, from the active model `version`."""

    version: int
    kind: tuple = ()
    category: tuple = ()
    unit: tuple = ()

    def as_dict(self):
        return {"version": self.version, **{t: [list(p) for p in getattr(self, t)] for t in TARGETS}}


@dataclass
class Trained:
    bundle: dict                      # target -> fitted pipeline
    counts: dict
    scores: dict                      # target -> {"macro_f1", "report", "text"}
    held_back: list = field(repr=False, default_factory=list)

    @property
    def macro_f1(self):
        return _mean_f1(self.scores)


def normalised(text):
    """The text a model reads: each word's cross-script skeleton, and the handles tagged (a district's
    handle places a mention as surely as its name); HQ's own handle is in every mention and says nothing."""
    words = [tok.key for tok in tokens(text)]
    handles = [h for h in (fold(m) for m in _HANDLE.findall(text or "")) if h != _OWN_HANDLE]
    return " ".join(words + handles)


def held_back(norm_text):
    digest = hashlib.sha256(f"{SPLIT_SALT}:{norm_text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % HOLD_BACK_ONE_IN == 0


# ---------------------------------------------------------------- labels

def seed_examples(path=SEED):
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                labels = row["labels"]
                out.append(Example(row["text"], labels.get("kind"), labels.get("category"), labels.get("unit")))
    return out


def desk_examples():
    """One example per complaint HQ decided on, read from the audit trail: the last forward or transfer
    gives the unit (a district's transfer corrects HQ's forward), the last category set gives the class;
    a complaint whose last decision was a rejection is not a complaint (and has no unit)."""
    from complaints.models import Complaint, Event

    decided = {}
    events = (Event.objects.filter(action__in=("forward", "transfer", "reject", "set_category"))
              .order_by("complaint_id", "created_at", "id").values_list("complaint_id", "action", "data"))
    for complaint_id, action, data in events.iterator():
        seen = decided.setdefault(complaint_id, {})
        data = data or {}
        if action == "forward" and data.get("unit"):
            seen.update(kind=KIND_COMPLAINT, unit=data["unit"])
        elif action == "transfer" and data.get("to_unit"):
            seen.update(kind=KIND_COMPLAINT, unit=data["to_unit"])
        elif action == "reject":
            seen.update(kind=KIND_NOT_COMPLAINT, unit=None, category=None)
        elif action == "set_category":
            seen["category"] = data.get("to") or None
    texts = dict(Complaint.objects.filter(pk__in=decided).values_list("pk", "text"))
    return [Example(texts[pk], d.get("kind"), d.get("category"), d.get("unit"), source="desk")
            for pk, d in decided.items() if pk in texts and any(d.values())]


def examples(*, seed_only=False):
    """The seed set and the desk's decisions, one example per normalised text: the desk's decision on a
    text overrides the seed's label for it."""
    by_text = {}
    for ex in seed_examples() + ([] if seed_only else desk_examples()):
        key = normalised(ex.text)
        if key:
            by_text[key] = ex
    return by_text


# ---------------------------------------------------------------- training and scoring

def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    # Logistic loss for probabilities to rank by; SGD trains the 85-unit target in about 2 s where
    # LogisticRegression(lbfgs) took 18 s on the seed set, and scored no worse.
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=50, tol=None, random_state=RANDOM_STATE),
    )


def train(by_text):
    """Fit one pipeline per target on the training side and score it on the held-back side."""
    train_side = {k: ex for k, ex in by_text.items() if not held_back(k)}
    back_side = [(k, ex) for k, ex in by_text.items() if held_back(k)]
    bundle = {}
    for target in TARGETS:
        rows = [(k, ex.label(target)) for k, ex in train_side.items() if ex.label(target)]
        if len({label for _, label in rows}) < 2:
            continue
        bundle[target] = _pipeline().fit([k for k, _ in rows], [label for _, label in rows])
    counts = {
        "seed": sum(ex.source == "seed" for ex in by_text.values()),
        "desk": sum(ex.source == "desk" for ex in by_text.values()),
        "desk_trained": sum(ex.source == "desk" for ex in train_side.values()),
        "train": len(train_side),
        "held_back": len(back_side),
    }
    return Trained(bundle, counts, score(bundle, back_side), back_side)


def score(bundle, back_side):
    """Per-label precision and recall and the macro F1 of each target on the held-back lines that carry
    its label; a target the bundle lacks scores 0."""
    from sklearn.metrics import classification_report, f1_score

    scores = {}
    for target in TARGETS:
        rows = [(k, ex.label(target)) for k, ex in back_side if ex.label(target)]
        if not rows:
            continue
        truth = [label for _, label in rows]
        if target not in bundle:
            scores[target] = {"macro_f1": 0.0, "report": {}, "text": ""}
            continue
        predicted = list(bundle[target].predict([k for k, _ in rows]))
        labels = sorted(set(truth))
        scores[target] = {
            "macro_f1": float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
            "report": classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0),
            "text": classification_report(truth, predicted, labels=labels, zero_division=0),
        }
    return scores


def _mean_f1(scores):
    return sum(s["macro_f1"] for s in scores.values()) / len(scores) if scores else 0.0


# ---------------------------------------------------------------- storage and activation

def dumps(bundle):
    import joblib

    buf = io.BytesIO()
    joblib.dump(bundle, buf, compress=3)
    return buf.getvalue()


def loads(blob):
    # Only `train_triage` writes this field, from the project's own pipelines; it is never taken from
    # outside the database.
    import joblib

    return joblib.load(io.BytesIO(bytes(blob)))


def _load(row):
    try:
        return loads(row.pipeline)
    except Exception:  # a model pickled by another scikit-learn release, or a damaged row
        log.exception("Triage model v%s cannot be loaded; the rules stand.", row.version)
        return None


def store(trained):
    """Save the trained bundle as the next version; make it active only if it beats the active model on
    the new held-back lines (or no model is active, or the active one no longer loads)."""
    import sklearn

    from complaints.models import TriageModel

    with transaction.atomic():
        previous = TriageModel.objects.select_for_update().filter(is_active=True).first()
        old_bundle = _load(previous) if previous else None
        new_f1 = trained.macro_f1
        scores = {"targets": trained.scores, "macro_f1": new_f1, "previous": None}
        activate = old_bundle is None
        if old_bundle is not None:
            old_f1 = _mean_f1(score(old_bundle, trained.held_back))
            scores["previous"] = {"version": previous.version, "macro_f1": old_f1}
            activate = new_f1 > old_f1
        if activate and previous:
            TriageModel.objects.filter(pk=previous.pk).update(is_active=False)
        version = (TriageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        row = TriageModel.objects.create(
            version=version, trained_on=trained.counts, scores=scores, macro_f1=new_f1,
            library=f"scikit-learn {sklearn.__version__}", pipeline=dumps(trained.bundle), is_active=activate,
        )
    forget()
    return row


def train_and_store(*, seed_only=False):
    trained = train(examples(seed_only=seed_only))
    return trained, store(trained)


# ---------------------------------------------------------------- prediction

_lock = threading.Lock()
_state = {"pk": None, "version": None, "bundle": None, "checked": 0.0}


def _active():
    from complaints.models import TriageModel

    now = time.monotonic()
    recheck = getattr(settings, "TRIAGE_RECHECK_SECONDS", RECHECK_SECONDS)
    if _state["checked"] and now - _state["checked"] < recheck:
        return _state["version"], _state["bundle"]
    with _lock:
        current = TriageModel.objects.filter(is_active=True).values_list("pk", "version").first()
        if current is None:
            _state.update(pk=None, version=None, bundle=None)
        elif current[0] != _state["pk"]:
            row = TriageModel.objects.get(pk=current[0])
            _state.update(pk=row.pk, version=row.version, bundle=_load(row))
        _state["checked"] = now
        return _state["version"], _state["bundle"]


def forget():
    _state.update(pk=None, version=None, bundle=None, checked=0.0)


def predict(text, *, top=TOP):
    """Ranked suggestions from the active model, or None when there is none (the rules then stand)."""
    version, bundle = _active()
    if not bundle:
        return None
    key = normalised(text)
    ranked = {}
    for target, pipeline in bundle.items():
        probs = pipeline.predict_proba([key])[0]
        pairs = sorted(zip(pipeline.classes_, probs), key=lambda p: -p[1])[:top]
        ranked[target] = tuple((str(label), round(float(p), 4)) for label, p in pairs)
    return Suggestions(version, **ranked)


def predict_many(texts, *, top=TOP):
    """predict() for many texts with one call per target (filing a run of mentions); None without a model."""
    version, bundle = _active()
    if not bundle or not texts:
        return None
    keys = [normalised(text) for text in texts]
    ranked = [{} for _ in keys]
    for target, pipeline in bundle.items():
        for row, probs in zip(ranked, pipeline.predict_proba(keys)):
            pairs = sorted(zip(pipeline.classes_, probs), key=lambda p: -p[1])[:top]
            row[target] = tuple((str(label), round(float(p), 4)) for label, p in pairs)
    return [Suggestions(version, **row) for row in ranked]

"""The desk's reading of a complaint as staff read it on its page: each finding, how sure the desk was and
the words that made it (“जनपद बाराबंकी” → Barabanki), from the judgement kept on the complaint."""

from django.utils.translation import gettext_lazy as _

from complaints.triage import model as triage_model
from districts.models import Unit

FINDINGS = (
    ("kind", _("Read as")),
    ("urgent", _("Urgent")),
    ("sensitive", _("Sensitive (restricted)")),
    ("unit", _("Unit")),
    ("thana", _("Police station")),
    ("category", _("Class")),
    ("reply_language", _("Answer in")),
)
VALUES = {
    "complaint": _("a complaint"), "follow_up": _("a follow-up"), "acknowledgement": _("an acknowledgement"),
    "district_update": _("a district update"), "appreciation": _("thanks or praise"), "greeting": _("a greeting"),
    "status_request": _("a status request"), "noise": _("not a complaint"),
    "action": _("needs police action"), "information": _("information or suggestion"),
    "not-police": _("not a police matter"), "hi": _("Hindi"), "en": _("English"),
    True: _("yes"), False: _("no"),
}


def rows(complaint):
    """[{label, value, confidence (per cent), words: [...], rules: [...]}] or [] when nothing was judged."""
    triage = complaint.triage or {}
    if not triage:
        return []
    names = {}
    unit_slug = (triage.get("unit") or {}).get("value")
    if unit_slug:
        names = {u.slug: u for u in Unit.objects.filter(slug=unit_slug)}
    out = []
    for key, label in FINDINGS:
        finding = triage.get(key) or {}
        value = finding.get("value")
        if value in (None, "") and key not in ("urgent", "sensitive"):
            continue
        if key == "unit":
            shown = names.get(value) or value
        else:
            shown = VALUES.get(value, value)
        evidence = finding.get("evidence") or []
        out.append({
            "key": key, "label": label, "value": shown,
            "confidence": round(100 * float(finding.get("confidence") or 0)),
            "words": list(dict.fromkeys(e.get("words") for e in evidence if e.get("words"))),
        })
    if complaint.x_lang:
        out.append({"key": "x_lang", "label": _("Language tag on X"), "value": complaint.x_lang, "confidence": None,
                    "words": []})
    return out


def model_ranking(complaint):
    """The learned model's ranking of units, kinds and classes: the one kept at filing, else the active
    model's reading now (None, [] without a model): (version, [(target label, [(label, %)])])."""
    model = (complaint.triage or {}).get("model")
    if not model and complaint.triage:
        suggestions = triage_model.predict(complaint.text)
        model = suggestions.as_dict() if suggestions else {}
    model = model or {}
    ranked = []
    for target, label in (("unit", _("Unit")), ("kind", _("Read as")), ("category", _("Class"))):
        pairs = model.get(target) or []
        if pairs:
            ranked.append((label, [(VALUES.get(name, name), round(100 * p)) for name, p in pairs]))
    return model.get("version"), ranked

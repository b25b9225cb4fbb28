"""The desk's first reading of a mention: `judge(text, …) -> Judgement`.

Rules, in order (the lexicon supplies every word list; see `terms.TermClass`):

1. Who wrote it and where. @Uppolice's own posts (HQ's forwards asking a unit for cognizance) are noise
   for the desk, never an acknowledgement. A unit's account replying in the thread of HQ's forward to
   that unit: an outcome (arrest, recovery, FIR, settled, found false) is a district update; "the place is
   another unit's" is a district update that takes nothing up; words that show the matter was taken up
   (cognizance, SHO/station directed, enquiry under way, PRV sent, Noted) are the acknowledgement and
   record Noted; any other reply is a district update that records Noted if none was recorded. A reply
   from another unit never records Noted, nor a range's or zone's reply addressed to a district below it
   (the forward passed on). A unit's post outside any thread is a greeting or good work.
2. A citizen: a tracking code (however typed) asks for status; under their own complaint, a plain
   "update?" asks for status, thanks with nothing wrong is appreciation, anything else is a follow-up;
   elsewhere, greetings and thanks with no request in them (no "but" opening a clause, no harm still going
   on, no "still"/"abhi tak") are not complaints, nor are recruitment,
   politics, spam and jokes; everything else is a complaint. A request for cognizance is a complaint's
   words, never an acknowledgement.
3. Urgency (complaints and follow-ups): urgent terms, less those a neighbouring word cancels (a past
   event, an everyday sense). Sensitivity (every citizen's text that is not noise): sensitive terms, the
   same way; they always restrict. Both keep the words of the text that triggered them.
4. The unit and station (`places`), the class (complaints), the reply language (`language`).

The judgement carries the evidence for each field, so staff see why."""

import re
from dataclasses import dataclass
from typing import Mapping, NamedTuple

from complaints import codes

from . import language, lexicon, places
from .normalise import ascii_digits, haystack, skeleton, tokens
from .terms import TermClass as C

RULES_VERSION = "2026.12-rules-2"


class Kind:
    COMPLAINT = "complaint"
    FOLLOW_UP = "follow_up"
    ACKNOWLEDGEMENT = "acknowledgement"
    DISTRICT_UPDATE = "district_update"
    APPRECIATION = "appreciation"
    GREETING = "greeting"
    STATUS_REQUEST = "status_request"
    NOISE = "noise"


class Category:
    ACTION = "action"
    INFORMATION = "information"
    NOT_POLICE = "not-police"


@dataclass(frozen=True)
class Context:
    """What the ingest knows about where a tweet sits. reply_to: None (a new tweet), "hq_forward" (in the
    thread of HQ's forward of a complaint to `forwarded_to`), "own_complaint" (the author under their own
    complaint), "unit_post" (a reply to a unit's or HQ's own post)."""

    reply_to: str | None = None
    forwarded_to: str | None = None

    @classmethod
    def of(cls, value):
        if value is None or isinstance(value, Context):
            return value or cls()
        if isinstance(value, Mapping):
            return cls(value.get("reply_to"), value.get("forwarded_to"))
        raise TypeError(f"context must be a Context or a mapping, not {type(value).__name__}")


class Evidence(NamedTuple):
    words: str      # as they stand in the text ("" for a rule that reads no words)
    rule: str       # what made them count (a lexicon class, a place rule, an author rule)
    value: str = ""


class Finding(NamedTuple):
    value: object
    confidence: float
    evidence: tuple = ()

    @property
    def words(self):
        return tuple(e.words for e in self.evidence if e.words)


@dataclass(frozen=True)
class Judgement:
    kind: Finding
    urgent: Finding
    sensitive: Finding
    unit: Finding
    thana: Finding
    category: Finding
    reply_language: Finding
    records_noted: bool = False      # a Noted from the forwarded unit
    notes_if_unnoted: bool = False   # a plain update from the forwarded unit: Noted if none was recorded
    not_concerned: bool = False      # the forwarded unit says the place is another unit's
    good_work: bool = False          # a unit's own post outside any thread
    codes: tuple = ()                # tracking codes quoted, canonical
    version: str = RULES_VERSION

    @property
    def urgent_terms(self):
        return self.urgent.words

    @property
    def sensitive_terms(self):
        return self.sensitive.words

    @property
    def dial_112(self):
        """Urgent terms always show the hand-off to Dial 112."""
        return bool(self.urgent.value)

    def as_dict(self):
        """JSON-ready: every field with its value, confidence and evidence, plus the flags."""
        out = {}
        for name in ("kind", "urgent", "sensitive", "unit", "thana", "category", "reply_language"):
            finding = getattr(self, name)
            out[name] = {"value": finding.value, "confidence": finding.confidence,
                         "evidence": [e._asdict() for e in finding.evidence]}
        out.update(records_noted=self.records_noted, notes_if_unnoted=self.notes_if_unnoted,
                   not_concerned=self.not_concerned, good_work=self.good_work, codes=list(self.codes),
                   version=self.version)
        return out


# Words that follow (or precede) an age: saal, साल, वर्ष, baras, yr, year(s), umar, उम्र, आयु, age.
_AGE_WORDS = frozenset(skeleton(w) for w in (
    "saal", "sal", "साल", "वर्ष", "varsh", "वर्षीय", "वर्षीया", "varshiya", "baras", "बरस", "yr", "yrs", "year",
    "years", "yo", "umar", "umr", "उम्र", "आयु", "aayu", "age", "aged"))
_AGE_GLUED = re.compile(r"(\d{1,2})(?:yo|yr|yrs|yer|yers|sl)$")
# Tracking codes typed without "UPP": two groups of five symbols, checked by the code's check symbol.
_BARE_CODE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{5})[\s\-]?([0-9A-Za-z]{5})(?![0-9A-Za-z])")
_PREFIXED_CODE = re.compile(
    r"(?<![0-9A-Za-z_])UPP[\s\-‐‑–—_]*([0-9A-Za-z]{5})[\s\-‐‑–—]*([0-9A-Za-z]{5})(?![0-9A-Za-z])", re.IGNORECASE)
_MENTION_OR_LINK = re.compile(r"@\w+|https?://\S+|#\w+")
_RETWEET = re.compile(r"^\s*RT\s+@\w+", re.IGNORECASE)


def judge(text, *, author=None, author_unit=None, context=None, lang_tag=None) -> Judgement:
    """Read one mention. `author_unit`: the slug (or Unit) of the author's registered account, if any;
    `context`: a Context or a mapping like {"reply_to": "hq_forward", "forwarded_to": "lucknow"}."""
    text = text or ""
    context = Context.of(context)
    author_unit = getattr(author_unit, "slug", author_unit)
    toks = tokens(text)
    lex = lexicon.current()
    gazetteer = places.current()
    joined = haystack(toks)
    hits = lex.scan(toks, _code_cues(toks), joined)
    classes = {h.cls for h in hits}
    found_codes = _codes(text, loose=C.STATUS_REQUEST in classes)
    own_words = _MENTION_OR_LINK.sub(" ", text).strip()

    flags = {}
    if author_unit and gazetteer.types.get(author_unit) == "state" or (author or "").lower() == "uppolice":
        kind, why = Kind.NOISE, "hq_post"
    elif author_unit:
        kind, why, flags = _unit_kind(text, author_unit, context, classes, gazetteer)
    else:
        kind, why = _citizen_kind(text, toks, own_words, context, hits, found_codes)

    urgent = _finding(text, toks, hits, C.URGENT) if kind in (Kind.COMPLAINT, Kind.FOLLOW_UP) else Finding(False, 0.9)
    sensitive = (_finding(text, toks, hits, C.SENSITIVE) if not author_unit and kind != Kind.NOISE
                 else Finding(False, 0.9))
    unit, thana = _unit(text, toks, hits, kind, author_unit, gazetteer, joined)
    category = _category(text, toks, hits, kind, urgent, sensitive)
    lang, lang_confidence, lang_why = language.reply_language(toks, lex, lang_tag)
    kind_evidence = _unique(_evidence(text, toks, h) for h in hits if h.cls in _KIND_CLASSES)
    return Judgement(
        kind=Finding(kind, _KIND_CONFIDENCE.get(why, 0.7), (Evidence("", why, kind),) + kind_evidence),
        urgent=urgent, sensitive=sensitive, unit=unit, thana=thana, category=category,
        reply_language=Finding(lang, lang_confidence, (Evidence("", lang_why, lang),)),
        codes=tuple(found_codes), **flags,
    )


_KIND_CLASSES = {C.ACKNOWLEDGEMENT, C.DISPOSAL, C.NOT_CONCERNED, C.APPRECIATION, C.GREETING, C.STATUS_REQUEST,
                 C.NOISE, C.CONTRAST, C.COGNIZANCE_REQUEST}
_KIND_CONFIDENCE = {
    "hq_post": 0.97, "unit_acknowledges": 0.85, "unit_reports_outcome": 0.85, "unit_not_concerned": 0.8,
    "unit_other_reply": 0.6, "other_unit_reply": 0.9, "unit_passes_on": 0.75, "unit_greeting": 0.85, "unit_post": 0.8,
    "tracking_code": 0.95, "asks_status": 0.75, "thanks": 0.75, "greeting": 0.8, "follow_up": 0.8,
    "noise": 0.65, "no_words": 0.95, "retweet": 0.95, "complaint": 0.7, "comment_on_post": 0.6,
}


_LEADING_HANDLES = re.compile(r"^\s*((?:@\w+[\s,]*)+)")


def _passes_on(text, author_unit, gazetteer):
    """The reply opens by addressing a unit below the author's own (a range's forward to its district)."""
    leading = _LEADING_HANDLES.match(text)
    if not leading:
        return False
    for handle in re.findall(r"@(\w+)", leading.group(1)):
        slug = gazetteer.handles.get(handle.lower())
        if slug and slug != author_unit and gazetteer.within(slug, author_unit):
            return True
    return False


def _unit_kind(text, author_unit, context, classes, gazetteer):
    if context.reply_to == "hq_forward":
        # Only the unit the complaint was forwarded to takes it up: a unit below it (a district under the
        # range forwarded to, a traffic wing under its commissionerate) is another unit, whose word is not
        # the forwarded unit's acknowledgement; HQ transfers the complaint if that unit is the right one.
        if context.forwarded_to and author_unit != context.forwarded_to:
            return Kind.DISTRICT_UPDATE, "other_unit_reply", {}
        if _passes_on(text, author_unit, gazetteer):
            # A range or zone addressing the district below it ("@meerutpolice … कार्यवाही कर अवगत कराएं"):
            # the forward passed on, nothing taken up yet.
            return Kind.NOISE, "unit_passes_on", {}
        if C.DISPOSAL in classes:
            return Kind.DISTRICT_UPDATE, "unit_reports_outcome", {"notes_if_unnoted": True}
        if C.NOT_CONCERNED in classes:
            return Kind.DISTRICT_UPDATE, "unit_not_concerned", {"not_concerned": True}
        if C.ACKNOWLEDGEMENT in classes:
            return Kind.ACKNOWLEDGEMENT, "unit_acknowledges", {"records_noted": True}
        return Kind.DISTRICT_UPDATE, "unit_other_reply", {"notes_if_unnoted": True}
    if C.GREETING in classes:
        return Kind.GREETING, "unit_greeting", {}
    return Kind.NOISE, "unit_post", {"good_work": True}


# Classes that say what kind of mention a citizen's is. Where one phrase holds another's word ("help mili"
# holds "help", "गश्त बढ़ाई जाए" holds what sounds like "बधाई"), the longer phrase is what was said.
_CITIZEN_KIND_CLASSES = frozenset({C.APPRECIATION, C.GREETING, C.COGNIZANCE_REQUEST, C.STATUS_REQUEST, C.NOISE,
                                   C.CONTRAST, C.COMPLAINT_SIGNAL})
# A festival or day named as a date ("Diwali pe", "स्मृति दिवस पर", "Holi ko") greets no one, and the "पर"
# after it means "on", not "but".
_DATE_AFTER = frozenset(skeleton(w) for w in ("par", "पर", "pe", "पे", "ko", "को", "se", "से"))
# Politeness alone ("कृपया", "please") does not turn a question about a complaint into a new grievance.
_POLITE = frozenset(skeleton(w) for w in (
    "kripya", "kripaya", "कृपया", "please", "plz", "pls", "kindly", "request", "निवेदन", "अनुरोध", "विनती"))


_BUT_OR_ON = frozenset(skeleton(w) for w in ("par", "पर", "pe", "पे"))
# After these, "par" opens a clause ("but"): a form of address, or a verb ending its clause ("काम कर रही है पर",
# "FIR ho gayi par", "police aayi thi par").
_BEFORE_BUT = frozenset(skeleton(w) for w in (
    "sir", "सर", "ji", "जी", "sahab", "साहब", "saheb",
    "hai", "है", "hain", "हैं", "tha", "था", "thi", "थी", "the", "थे", "ho", "हो", "hu", "hoon", "हूं", "हूँ",
    "gaya", "गया", "gayi", "gai", "गई", "गयी", "gaye", "गए", "गये", "raha", "रहा", "rahi", "रही", "rahe", "रहे",
    "hua", "हुआ", "hui", "हुई", "hue", "हुए", "kiya", "किया", "diya", "दिया", "di", "दी", "liya", "लिया", "li", "ली",
    "aaya", "आया", "aayi", "आई", "aaye", "आए", "chuka", "चुका", "chuki", "चुकी", "chuke", "चुके", "sakta",
    "सकता", "sakti", "सकती", "sakte", "सकते"))
_CLAUSE_BREAK = re.compile(r"[,.;:!?।|\n…]")


def _opens_clause(text, toks, index, hits):
    if index == 0:
        return True
    before = toks[index - 1]
    if _CLAUSE_BREAK.search(text, before.end, toks[index].start) or before.key in _BEFORE_BUT:
        return True
    return any(h.last == index - 1 and h.cls in (C.APPRECIATION, C.GREETING) for h in hits)


def _citizen_reading(text, toks, hits):
    """The hits a citizen's kind is read from: words inside a longer phrase of another kind class left to
    that phrase, festivals named as dates left out (with the "पर" that follows them)."""
    spans = [(h.first, h.last, h.cls) for h in hits if h.cls in _CITIZEN_KIND_CLASSES]
    kept = [h for h in hits if h.cls not in _CITIZEN_KIND_CLASSES or not any(
        cls != h.cls and first <= h.first and h.last <= last and last - first > h.last - h.first
        for first, last, cls in spans)]
    # "पर"/"par" is "but" where it opens a clause (after a comma or full stop, a verb, the thanks, a "sir"
    # or a "ji"), and "on" after a noun: "घाटों पर अच्छी व्यवस्था के लिए धन्यवाद", "अपराधियों पर शिकंजा".
    kept = [h for h in kept if not (h.cls == C.CONTRAST and h.first == h.last and toks[h.first].key in _BUT_OR_ON
                                    and not _opens_clause(text, toks, h.first, kept))]
    dates = {h.last + 1 for h in kept if h.cls == C.GREETING and h.last + 1 < len(toks)
             and toks[h.last + 1].key in _DATE_AFTER}
    if dates:
        kept = [h for h in kept if not (h.cls == C.GREETING and h.last + 1 in dates)
                and not (h.cls == C.CONTRAST and h.first in dates)]
    return kept


_IRONY = re.compile("[\U0001F644\U0001F612\U0001F926]")  # 🙄 😒 🤦
_CONTINUOUS = frozenset(skeleton(w) for w in ("rahe", "रहे", "rahi", "रही", "raha", "रहा"))
_AUXILIARY = frozenset(skeleton(w) for w in ("hai", "है", "hain", "हैं", "ho", "हो"))


def _continuous_after(toks, last):
    """"… कर रहे हैं" within three words after `last`: the harm is going on."""
    window = [tok.key for tok in toks[last + 1:last + 5]]
    return any(key in _CONTINUOUS and window[i + 1:i + 2] and window[i + 1] in _AUXILIARY
               for i, key in enumerate(window))


def _citizen_kind(text, toks, own_words, context, hits, found_codes):
    if _RETWEET.match(text):
        return Kind.NOISE, "retweet"
    if not re.search(r"[^\W_]", own_words):
        return Kind.NOISE, "no_words"
    if found_codes:
        return Kind.STATUS_REQUEST, "tracking_code"
    hits = _citizen_reading(text, toks, hits)
    classes = {h.cls for h in hits}
    # What keeps thanks or a greeting from being only that: a restricted matter, a request, danger now,
    # or a "but" after the thanks. Words of an offence do not: "my stolen phone was found, thank you".
    thanks_at = min((h.first for h in hits if h.cls in (C.APPRECIATION, C.GREETING)), default=None)
    but_after = thanks_at is not None and any(h.cls == C.CONTRAST and h.first > thanks_at for h in hits)
    # A lone "please" asks for nothing by itself: "follow back please", "thank you, please keep it up".
    requests = any(
        h.cls == C.COGNIZANCE_REQUEST and not (h.first == h.last and toks[h.first].key in _POLITE) for h in hits)
    # Harm still going on ("कब्ज़ा कर रहे हैं", "chori ho rahi hai") asks for action whatever thanks come first.
    ongoing = any(h.cls == C.COMPLAINT_SIGNAL and _continuous_after(toks, h.last) for h in hits)
    # An eye-roll after the thanks, with a grievance told, says the thanks in irony: "Thanks UP Police, very
    # efficient 🙄 my complaint is ignored". An eye-roll alone ("thanks 🙄") asks for nothing.
    ironic = (thanks_at is not None and bool(classes & {C.COMPLAINT_SIGNAL, C.URGENT})
              and bool(_IRONY.search(text, toks[thanks_at].end)))
    asks = (C.SENSITIVE in classes or requests or (C.URGENT in classes and C.CUE_NOW in classes) or but_after
            or ongoing or ironic)
    harm = asks or bool(classes & {C.URGENT, C.COMPLAINT_SIGNAL})
    # Two spellings of one phrase ("जय हिंद", "जय हिन्द") found at the same words are one greeting.
    thanks = len({(h.first, h.last) for h in hits if h.cls == C.APPRECIATION})
    greetings = len({(h.first, h.last) for h in hits if h.cls == C.GREETING})
    grievance = bool(classes & {C.SENSITIVE, C.URGENT, C.COMPLAINT_SIGNAL}) or but_after or requests
    asks_status = C.STATUS_REQUEST in classes and not grievance
    if context.reply_to == "own_complaint":
        if asks_status:
            return Kind.STATUS_REQUEST, "asks_status"
        if thanks and not asks:
            return Kind.APPRECIATION, "thanks"
        return Kind.FOLLOW_UP, "follow_up"
    if (thanks or greetings) and not asks:
        if greetings > thanks:
            return Kind.GREETING, "greeting"
        return Kind.APPRECIATION, "thanks"
    if C.NOISE in classes and not harm:
        return Kind.NOISE, "noise"
    if asks_status:
        return Kind.STATUS_REQUEST, "asks_status"
    if context.reply_to == "unit_post" and not harm:
        # A reply to a unit's own post with nothing to report: a comment on the post, not a complaint.
        return Kind.NOISE, "comment_on_post"
    return Kind.COMPLAINT, "complaint"


def _finding(text, toks, hits, cls):
    chosen = [h for h in hits if h.cls == cls]
    if not chosen:
        return Finding(False, 0.8)
    spans = []
    for hit in sorted(chosen, key=lambda h: (h.first, -h.last)):
        if spans and hit.first <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], hit.last)
            spans[-1][2].append(hit)
        else:
            spans.append([hit.first, hit.last, [hit]])
    evidence = tuple(Evidence(text[toks[a].start:toks[b].end], f"lexicon:{cls}", group[0].term.term)
                     for a, b, group in spans)
    qualified = all(h.term.requires for h in chosen)
    return Finding(True, 0.8 if qualified else 0.95, evidence)


def _unique(evidence):
    """The same words read by the same rule once (two spellings of a term can find the same words)."""
    seen, out = set(), []
    for item in evidence:
        if (item.words, item.rule) not in seen:
            seen.add((item.words, item.rule))
            out.append(item)
    return tuple(out)


def _evidence(text, toks, hit):
    return Evidence(text[toks[hit.first].start:toks[hit.last].end], f"lexicon:{hit.cls}", hit.term.term)


def _unit(text, toks, hits, kind, author_unit, gazetteer, joined):
    if author_unit and gazetteer.types.get(author_unit) != "state":
        return Finding(author_unit, 0.95, (Evidence("", "author_account", author_unit),)), Finding(None, 0.5)
    reading = gazetteer.read(text, toks, hits, joined)
    if kind == Kind.NOISE and not author_unit:  # HQ's forward is addressed to its unit; a citizen's noise to none
        return Finding(None, 0.6), Finding(None, 0.5)
    evidence = tuple(Evidence(e.surface, f"place:{e.rule}", e.unit) for e in reading.evidence)
    thana = Finding(reading.thana, reading.thana_confidence,
                    tuple(e for e in evidence if e.value == reading.unit and "station" in e.rule))
    return Finding(reading.unit, reading.confidence, evidence), thana


def _category(text, toks, hits, kind, urgent, sensitive):
    if kind != Kind.COMPLAINT:
        return Finding(None, 0.9)
    by = {c: [h for h in hits if h.cls == c] for c in (C.CATEGORY_ACTION, C.CATEGORY_INFORMATION,
                                                      C.CATEGORY_NOT_POLICE)}
    if urgent.value or sensitive.value or by[C.CATEGORY_ACTION]:
        return Finding(Category.ACTION, 0.85, _unique(_evidence(text, toks, h) for h in by[C.CATEGORY_ACTION]))
    if by[C.CATEGORY_NOT_POLICE]:
        return Finding(Category.NOT_POLICE, 0.65,
                       _unique(_evidence(text, toks, h) for h in by[C.CATEGORY_NOT_POLICE]))
    if by[C.CATEGORY_INFORMATION]:
        return Finding(Category.INFORMATION, 0.6,
                       _unique(_evidence(text, toks, h) for h in by[C.CATEGORY_INFORMATION]))
    return Finding(Category.ACTION, 0.55)


def _code_cues(toks):
    """Cue classes read by pattern rather than by word: an age under 18 ("14 saal ki", "15-year-old",
    "वह 15 वर्ष की है", "umar 12")."""
    for i, tok in enumerate(toks):
        glued = _AGE_GLUED.match(tok.key) if tok.key[0].isdigit() else None
        if glued and 0 < int(glued.group(1)) < 18:
            return {C.CUE_MINOR}
        if tok.key in _AGE_WORDS:
            before = toks[i - 1].key if i else ""
            after = toks[i + 1].key if i + 1 < len(toks) else ""
            for number in (before, after):
                if number.isdigit() and 0 < int(number) < 18:
                    return {C.CUE_MINOR}
    return set()


def _codes(text, loose=False):
    """Tracking codes quoted, however typed (lower case, spaces, no dashes, Devanagari digits, with or
    without UPP), each checked by its check symbol. Mentions are left out first: "@Uppolice 13 saal…"
    must not read as a code. Ten capitals run together with no digit ("PENECFSECD") could be a shouted
    word, so they count only `loose`ly, when the text asks for a status."""
    text = _MENTION_OR_LINK.sub(" ", ascii_digits(text))
    found = []
    for match in _PREFIXED_CODE.finditer(text):
        _add_code(found, match.group(1) + match.group(2))
    for match in _BARE_CODE.finditer(text):
        raw = match.group(0)
        if any(ch.isdigit() for ch in raw) or (raw.isupper() and (loose or re.search(r"[\s\-]", raw))):
            _add_code(found, raw)
    return found


def _add_code(found, raw):
    try:
        code = codes.normalise(raw)
    except codes.CodeError:
        return
    if code not in found:
        found.append(code)

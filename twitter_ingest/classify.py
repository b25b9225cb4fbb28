"""What a mention is, decided by rules in a fixed order (first match wins):

1. a pure retweet → ignored;  our own post → ignored
2. from a registered unit account:
   in a complaint's thread + says "Noted" + the complaint is that unit's and waits for it → acknowledgement
   in a complaint's thread, anything else → district update (flagged when it reads like disposal)
   outside any complaint thread → good-work post
3. from the complainant, quoting a valid tracking code of their complaint → status request
4. from the complainant, in their complaint's thread → follow-up (a reopen request if it is resolved)
5. a quote tweet or reply without any words of its own → ignored
6. anything else → a new complaint

The module only decides; filing.py carries the decision out through complaints.lifecycle."""

import re
from dataclasses import dataclass, field

from complaints import codes
from complaints.models import Status

from .gazetteer import normalise, words


class Kind:
    RETWEET = "retweet"
    OWN_POST = "own_post"
    NOTED = "noted"
    DISTRICT_UPDATE = "district_update"
    GOOD_WORK = "good_work"
    STATUS_REQUEST = "status_request"
    FOLLOW_UP = "follow_up"
    EMPTY = "empty"
    COMPLAINT = "complaint"


_NOTED = [normalise(p) for p in (
    r"^\W*(ok(ay)?\W+)?noted\b", r"\bnoted\W*(sir|ji|👍|🙏|\.|$)", r"नोटेड", r"नोट किया", r"संज्ञान(ित| में लिया| लिया| में ले)",
    r"^\W*संज्ञानित", r"^\W*acknowledged\b",
)]
_NOTED_RE = [re.compile(p, re.IGNORECASE) for p in _NOTED]

_DISPOSAL_RE = re.compile("|".join(normalise(p) for p in (
    r"निस्तारित", r"निस्तारण कर", r"\bresolved\b", r"\baction taken\b", r"\bdisposed\b", r"कार्यवाही की गयी",
    r"कार्यवाही की गई", r"कार्रवाई की गई", r"गिरफ्तार कर", r"\barrested\b", r"मुकदमा पंजीकृत", r"\bfir registered\b",
    r"\bfir lodged\b", r"समाधान कर",
)), re.IGNORECASE)

# Words that make a complaint urgent (a much shorter SLA and a prompt to hand it to Dial 112).
URGENT_TERMS = [
    "बचाओ", "बचा लो", "bachao", "bachaao", "help me", "save me", "sos", "emergency", "इमरजेंसी",
    "accident", "एक्सीडेंट", "दुर्घटना", "हादसा", "suicide", "आत्महत्या", "खुदकुशी", "khudkushi",
    "kidnap", "kidnapped", "kidnapping", "अपहरण", "अगवा", "agwa", "fire", "आग", "aag lagi", "जल रहा",
    "gun", "pistol", "revolver", "तमंचा", "tamancha", "कट्टा", "katta", "goli", "गोली", "firing", "फायरिंग",
    "chaku", "चाकू", "knife", "talwar", "तलवार", "murder", "हत्या", "qatl", "jaan se maar", "जान से मार",
    "maar denge", "मार देंगे", "मार डालेंगे", "dhamki", "धमकी", "threat", "threatening", "रेप", "rape",
    "बलात्कार", "missing child", "बच्चा गायब", "लापता",
]
# Complaints about offences against women and children are restricted to designated staff.
SENSITIVE_TERMS = [
    "rape", "रेप", "बलात्कार", "molest", "molestation", "छेड़छाड़", "chhedchhad", "छेड़खानी", "pocso", "पॉक्सो",
    "sexual", "यौन", "dowry", "दहेज", "acid attack", "तेजाब",
]


def _phrase_table(terms):
    table = {}
    for term in terms:
        key = tuple(w for w, _ in words(term))
        if key:
            table.setdefault(len(key), set()).add(key)
    return table


_URGENT = _phrase_table(URGENT_TERMS)
_SENSITIVE = _phrase_table(SENSITIVE_TERMS)


def _match_phrases(text, table):
    tokens = words(text)
    norm = [w for w, _ in tokens]
    found = []
    for size, keys in table.items():
        for i in range(len(norm) - size + 1):
            key = tuple(norm[i:i + size])
            if key in keys:
                surface = " ".join(s for _, s in tokens[i:i + size])
                if surface not in found:
                    found.append(surface)
    return found


def urgent_terms(text):
    return _match_phrases(text, _URGENT)


def is_sensitive(text):
    return bool(_match_phrases(text, _SENSITIVE))


_LEADING_MENTIONS = re.compile(r"^(\s*@\w{1,15})+")
_ALL_MENTIONS = re.compile(r"@\w{1,15}")
_URLS = re.compile(r"https?://\S+")


def own_words(text):
    """The text without @mentions and links: what the author wrote themselves."""
    return _URLS.sub(" ", _ALL_MENTIONS.sub(" ", text or "")).strip()


def says_noted(text):
    body = normalise(_LEADING_MENTIONS.sub("", text or "")).strip()
    return any(p.search(body) for p in _NOTED_RE)


def reads_like_disposal(text):
    return bool(_DISPOSAL_RE.search(normalise(text or "")))


@dataclass
class ThreadComplaint:
    """The little the classifier needs to know about a complaint a mention may belong to."""

    pk: int
    status: str
    unit_id: int | None
    unit_subtree: frozenset = frozenset()
    author_id: str = ""
    author_username: str = ""
    tracking_code: str = ""


@dataclass
class Decision:
    kind: str
    complaint: ThreadComplaint | None = None
    reason: str = ""
    flags: dict = field(default_factory=dict)


def is_complainant(complaint, author_id, username):
    if complaint.author_id and author_id:
        return complaint.author_id == author_id
    return bool(username) and complaint.author_username.lower() == username.lower()


def decide(*, text, ref_types, author_id, username, author_unit_id, is_own, thread, code_complaint):
    """`thread`: the complaint whose thread this tweet is in (or None); `code_complaint`: the complaint of a
    tracking code quoted in the text (or None); `author_unit_id`: the unit of the author's registered account."""
    if ref_types == {"retweeted"}:
        return Decision(Kind.RETWEET, reason="pure retweet")
    if is_own:
        return Decision(Kind.OWN_POST, reason="our own post")
    if author_unit_id is not None:
        if thread is None:
            return Decision(Kind.GOOD_WORK, reason="unit post outside any complaint thread")
        if says_noted(text):
            waiting = thread.status in (Status.FORWARDED, Status.REOPENED)
            if author_unit_id in thread.unit_subtree and waiting:
                return Decision(Kind.NOTED, thread, "noted by the complaint's unit")
            why = "not the complaint's unit" if author_unit_id not in thread.unit_subtree else f"complaint is {thread.status}"
            return Decision(Kind.DISTRICT_UPDATE, thread, f"'Noted' kept as a message: {why}")
        disposal = reads_like_disposal(text)
        return Decision(Kind.DISTRICT_UPDATE, thread, "reads like disposal: HQ to confirm" if disposal else "",
                        {"disposal": disposal})
    if code_complaint is not None and is_complainant(code_complaint, author_id, username):
        return Decision(Kind.STATUS_REQUEST, code_complaint, f"asked for the status of {code_complaint.tracking_code}")
    if thread is not None and is_complainant(thread, author_id, username):
        reopen = thread.status in (Status.RESOLVED, Status.CLOSED)
        return Decision(Kind.FOLLOW_UP, thread, "reopen requested" if reopen else "", {"reopen_request": reopen})
    if not own_words(text):
        return Decision(Kind.EMPTY, reason="no words of its own (only mentions or links)")
    return Decision(Kind.COMPLAINT, thread, "", {"thread_of_other": thread is not None})


def codes_in(text):
    return codes.find_in_text(text or "")

"""What a mention is, decided in a fixed order (first match wins). The words are read by the desk's triage
(complaints.triage.judge, told who wrote the tweet and where it sits); this module adds what only the
ingest knows: threads, accounts and the complaint's state.

1. a pure retweet → ignored;  our own post → ignored
2. from a registered unit account:
   outside any complaint thread → good-work post (or a greeting)
   in a complaint's thread, taking the matter up (cognizance, SHO directed, enquiry…) by the complaint's
   unit while it waits for it → acknowledgement (Noted)
   in a complaint's thread, anything else → district update; a plain update or a reported outcome from
   the complaint's unit records Noted if none was recorded; a reported outcome is flagged for HQ
3. from the complainant, quoting a valid tracking code of their complaint → status request
4. from the complainant, in their complaint's thread → asking for the status, thanks (kept in the thread,
   never a reopen request), or a follow-up (a reopen request if it is resolved)
5. from an account not on file, in a forwarded complaint's thread, taking the matter up, whose name or bio
   names the complaint's unit → an account for HQ to confirm (not a new complaint)
6. a quote tweet or reply without any words of its own → ignored
7. thanks, praise and greetings with nothing wrong in them → counted, not filed;
   recruitment, politics, spam → not filed, kept for HQ to look over
8. anything else → a new complaint

The module only decides; filing.py carries the decision out through complaints.lifecycle."""

import re
from dataclasses import dataclass, field

from complaints import codes, reasons
from complaints.models import Status
from complaints.triage.judge import Context
from complaints.triage.judge import Kind as Reading


class Kind:
    RETWEET = "retweet"
    OWN_POST = "own_post"
    NOTED = "noted"
    DISTRICT_UPDATE = "district_update"
    GOOD_WORK = "good_work"
    STATUS_REQUEST = "status_request"
    FOLLOW_UP = "follow_up"
    EMPTY = "empty"
    APPRECIATION = "appreciation"
    NOT_A_COMPLAINT = "not_complaint"
    ACCOUNT_TO_CONFIRM = "account_to_confirm"
    COMPLAINT = "complaint"


_ALL_MENTIONS = re.compile(r"@\w{1,15}")
_URLS = re.compile(r"https?://\S+")


def own_words(text):
    """The text without @mentions and links: what the author wrote themselves."""
    return _URLS.sub(" ", _ALL_MENTIONS.sub(" ", text or "")).strip()


@dataclass
class ThreadComplaint:
    """The little the classifier needs to know about a complaint a mention may belong to."""

    pk: int
    status: str
    unit_id: int | None
    author_id: str = ""
    author_username: str = ""
    tracking_code: str = ""
    noted: bool = False


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


def context_for(thread, *, author_is_unit, thread_unit_slug, complainant):
    """Where the tweet sits, as triage reads it: in the thread of HQ's forward to a unit (a unit replying),
    under the author's own complaint, or neither."""
    if thread is None:
        return None
    if author_is_unit:
        return Context("hq_forward", thread_unit_slug)
    if complainant:
        return Context("own_complaint")
    return None


def decide(*, judgement, text, ref_types, author_id, username, author_unit_id, is_own, thread, code_complaint,
           candidate_unit_id=None):
    """`judgement`: triage's reading of the text (with the context from context_for); `thread`: the
    complaint whose thread this tweet is in (or None); `code_complaint`: the complaint of a tracking code
    quoted in the text (or None); `author_unit_id`: the unit of the author's registered account;
    `candidate_unit_id`: for an account not on file whose reply takes the matter up, the unit its name or
    bio names (or None)."""
    if ref_types == {"retweeted"}:
        return Decision(Kind.RETWEET, reason=reasons.encode(reasons.RETWEET))
    if is_own:
        return Decision(Kind.OWN_POST, reason=reasons.encode(reasons.OWN_POST))
    read = judgement.kind.value
    why = judgement.kind.evidence[0].rule if judgement.kind.evidence else ""
    if author_unit_id is not None:
        if thread is None:
            return Decision(Kind.GOOD_WORK, reason=reasons.encode(
                reasons.UNIT_GREETING if read == Reading.GREETING else reasons.UNIT_POST))
        return _unit_reply(judgement, why, author_unit_id, thread)
    if code_complaint is not None and is_complainant(code_complaint, author_id, username):
        return Decision(Kind.STATUS_REQUEST, code_complaint, reasons.encode(reasons.STATUS_BY_CODE,
                                                                       code=code_complaint.tracking_code))
    if thread is not None and is_complainant(thread, author_id, username):
        if read == Reading.STATUS_REQUEST:
            return Decision(Kind.STATUS_REQUEST, thread, reasons.encode(reasons.STATUS_IN_THREAD))
        if read in (Reading.APPRECIATION, Reading.GREETING):
            return Decision(Kind.FOLLOW_UP, thread, reasons.encode(reasons.THANKS),
                            {"reopen_request": False, "thanks": True})
        reopen = thread.status in (Status.RESOLVED, Status.CLOSED)
        return Decision(Kind.FOLLOW_UP, thread, reasons.encode(reasons.REOPEN_REQUESTED) if reopen else "",
                        {"reopen_request": reopen})
    if candidate_unit_id is not None and thread is not None and candidate_unit_id == thread.unit_id:
        return Decision(Kind.ACCOUNT_TO_CONFIRM, thread,
                        reasons.encode(reasons.ACCOUNT_TO_CONFIRM, handle=username))
    if not own_words(text):
        return Decision(Kind.EMPTY, reason=reasons.encode(reasons.NO_OWN_WORDS))
    if read in (Reading.APPRECIATION, Reading.GREETING):
        return Decision(Kind.APPRECIATION, reason=reasons.encode(
            reasons.READ_AS_GREETING if read == Reading.GREETING else reasons.READ_AS_APPRECIATION,
            words=_words(judgement)), flags={"read": read})
    if read == Reading.NOISE:
        return Decision(Kind.NOT_A_COMPLAINT, reason=reasons.encode(
            reasons.NOT_A_COMPLAINT, rule=why or "-", words=_words(judgement)))
    return Decision(Kind.COMPLAINT, thread, "", {"thread_of_other": thread is not None})


def _unit_reply(judgement, why, author_unit_id, thread):
    ours = author_unit_id is not None and author_unit_id == thread.unit_id
    waiting = thread.status in (Status.FORWARDED, Status.REOPENED)
    if judgement.records_noted:
        if ours and waiting:
            return Decision(Kind.NOTED, thread, reasons.encode(reasons.NOTED_BY_UNIT,
                                                                  words=_words(judgement)))
        why_not = (reasons.encode(reasons.NOTED_NOT_THE_UNIT) if not ours
                   else reasons.encode(reasons.NOTED_WRONG_STATUS, status=thread.status))
        return Decision(Kind.DISTRICT_UPDATE, thread, why_not,
                        {"disposal": False, "notes": False})
    disposal = why == "unit_reports_outcome"
    notes = bool(judgement.notes_if_unnoted and ours and waiting and not thread.noted)
    if disposal:
        reason = reasons.encode(reasons.READS_LIKE_DISPOSAL)
    elif judgement.not_concerned:
        reason = reasons.encode(reasons.ANOTHER_UNITS_PLACE)
    elif not ours:
        reason = reasons.encode(reasons.REPLY_FROM_OTHER_UNIT)
    else:
        reason = ""
    if notes:
        reason = reasons.both(reason, reasons.encode(reasons.NOTED_BY_REPLY))
    return Decision(Kind.DISTRICT_UPDATE, thread, reason,
                    {"disposal": disposal, "not_concerned": judgement.not_concerned, "notes": notes})


def _words(judgement):
    return ", ".join(f"“{w}”" for w in dict.fromkeys(judgement.kind.words)) or "-"


def codes_in(text):
    return codes.find_in_text(text or "")

"""What the desk did not file, put before HQ: thanks, greetings and mentions read as no complaint (counted
per unit, and filed by hand when the reading was wrong), and "Noted" replies from accounts not on file
whose profile names the complaint's unit (confirmed — the account is registered and the Noted recorded —
or dismissed). Every change of a complaint goes through complaints.lifecycle."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from complaints import lifecycle, reasons
from complaints.models import Status
from districts.models import AccountKind, XAccount

from .models import AccountCandidate, Mention, NotFiled, Outcome


class ReviewError(Exception):
    """Why HQ's decision was not carried out: a stored reason (complaints.reasons), str() in the reader's
    language."""

    def __init__(self, reason_code, /, **params):
        self.reason = reasons.encode(reason_code, **params)
        super().__init__(self.reason)

    def __str__(self):
        return reasons.describe(self.reason)


def not_filed(kind=None, limit=200):
    rows = NotFiled.objects.select_related("unit", "mention", "filed_as")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows[:limit])


def thanks_per_unit(days=7):
    """Thanks and greetings per unit over the last days, most first: [(unit or None, count)]."""
    since = timezone.now() - timedelta(days=days)
    counts = (NotFiled.objects.filter(kind__in=[NotFiled.Kind.APPRECIATION, NotFiled.Kind.GREETING],
                                      tweeted_at__gte=since)
              .values("unit__slug", "unit__name_en", "unit__name_hi").annotate(n=Count("pk")).order_by("-n"))
    return list(counts)


def file_as_complaint(pk, user):
    """HQ decided the desk read it wrong: file the mention's text as a complaint, answered with a code."""
    with transaction.atomic():
        row = NotFiled.objects.select_for_update().select_related("mention").get(pk=pk)
        if row.filed_as_id:
            raise ReviewError(reasons.ALREADY_FILED, code=row.filed_as.tracking_code)
        mention = row.mention
        tweet = (mention.raw or {}).get("tweet") or {}
        complaint = lifecycle.file_complaint(
            text=row.text, source_tweet_id=mention.tweet_id, actor=user,
            conversation_id=mention.conversation_id or mention.tweet_id, author_id=mention.author_id,
            author_username=mention.author_username, tweeted_at=mention.tweeted_at,
            language=str(tweet.get("lang") or "")[:10])
        row.filed_as = complaint
        row.save(update_fields=["filed_as"])
        Mention.objects.filter(pk=mention.pk).update(outcome=Outcome.COMPLAINT, complaint=complaint,
                                                     reason=reasons.encode(reasons.FILED_BY_HAND, user=str(user)))
    return complaint


def candidates(state=AccountCandidate.State.WAITING, limit=100):
    return list(AccountCandidate.objects.filter(state=state).select_related("unit", "complaint")[:limit])


def confirm_account(pk, user):
    """Register the account for the unit and record the Noted it sent, if the complaint still waits for it."""
    with transaction.atomic():
        row = AccountCandidate.objects.select_for_update().select_related("unit", "complaint").get(pk=pk)
        if row.state != AccountCandidate.State.WAITING:
            raise ReviewError(reasons.ALREADY_DECIDED, state=reasons.in_both(AccountCandidate.State(row.state).label))
        account = XAccount.objects.filter(handle__iexact=row.handle).first()
        if account is None and row.user_id:
            account = XAccount.objects.filter(user_id=row.user_id).first()
        if account is not None and account.unit_id != row.unit_id:
            raise ReviewError(reasons.ALREADY_REGISTERED, handle=row.handle, unit=reasons.named(account.unit))
        if account is None:
            XAccount.objects.create(handle=row.handle, user_id=row.user_id or None, unit=row.unit,
                                    kind=AccountKind.UNIT, source=f"confirmed by {user} from tweet {row.mention.tweet_id}"[:500])
        complaint = row.complaint
        if complaint.status in (Status.FORWARDED, Status.REOPENED) and complaint.unit_id is not None:
            actor = lifecycle.Actor(name=f"@{row.handle}"[:150], unit=row.unit)
            lifecycle.note(complaint, by_unit=row.unit, actor=actor, tweet_id=row.mention.tweet_id,
                           at=row.tweeted_at, note=row.text[:500])
            Mention.objects.filter(pk=row.mention_id).update(outcome=Outcome.NOTED)
        row.state, row.decided_by, row.decided_at = AccountCandidate.State.CONFIRMED, str(user)[:150], timezone.now()
        row.save(update_fields=["state", "decided_by", "decided_at"])
    return row


def dismiss_account(pk, user):
    with transaction.atomic():
        row = AccountCandidate.objects.select_for_update().get(pk=pk)
        if row.state != AccountCandidate.State.WAITING:
            raise ReviewError(reasons.ALREADY_DECIDED, state=reasons.in_both(AccountCandidate.State(row.state).label))
        row.state, row.decided_by, row.decided_at = AccountCandidate.State.DISMISSED, str(user)[:150], timezone.now()
        row.save(update_fields=["state", "decided_by", "decided_at"])
    return row

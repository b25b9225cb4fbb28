"""Check every unit account on X against the circular's rules (what the weekly beat entry does). The cost
comes first; nothing is asked of X without --yes."""

from django.conf import settings
from django.core.management.base import BaseCommand

from complaints.dates import ist
from districts.models import AuditStatus
from twitter_ingest import account_audit, ledger


class Command(BaseCommand):
    help = "Look up every unit account on X and check it against the circular (cost shown first; --yes to run)."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="spend the estimated cost and run the audit")
        parser.add_argument("--dry-run", action="store_true", help="show the cost only")
        follows = parser.add_mutually_exclusive_group()
        follows.add_argument("--following", dest="following", action="store_true", default=None,
                             help="also check whom each district, range and zone account follows (costly)")
        follows.add_argument("--no-following", dest="following", action="store_false")

    def handle(self, yes, dry_run, following, **options):
        following = settings.X_AUDIT_FOLLOWING if following is None else following
        resumed = account_audit.resumable()
        todo = account_audit.pending(resumed)
        if resumed is not None:
            following = resumed.with_following
            self.stdout.write(f"Resuming the audit of {ist(resumed.started_at)} that X's rate limit stopped.")
        for line in account_audit.estimate(todo, following=following).lines():
            self.stdout.write(line)
        budget = ledger.budget_state()
        if budget["level"] == "stopped":
            self.stdout.write("The month's X budget is spent: the audit (optional spending) will not run.")
            return
        if dry_run or not yes:
            if not dry_run:
                self.stdout.write("Nothing was asked of X. Run again with --yes to spend this.")
            return
        audit = account_audit.run(following=following, trigger="command")
        self.stdout.write(f"{audit.get_status_display()}: {audit.checked} account(s) checked in {audit.requests} "
                          f"request(s); on the X bill: ${audit.cost_usd:.2f}. {audit.note}".rstrip())
        if audit.status == AuditStatus.RATE_LIMITED and audit.resume_after:
            self.stdout.write(f"Run again after {ist(audit.resume_after)} to resume.")

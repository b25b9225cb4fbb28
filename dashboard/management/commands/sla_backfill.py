"""Set the SLA deadline of open complaints that have none (complaints filed before the dashboard was
installed, or after HQ changed the targets or a shift calendar and wants them applied), and the deadline
for Noted of forwarded complaints that have none, which the league table's "noted within target" counts
against (their days are marked for the league tallies to recount)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from complaints import tally
from complaints.models import OPEN_STATUSES, Complaint
from dashboard import sla


class Command(BaseCommand):
    help = "Compute Complaint.sla_due_at for open complaints (all of them with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recompute every open complaint, not only empty ones")

    def handle(self, *args, **options):
        qs = Complaint.objects.filter(status__in=OPEN_STATUSES).select_related("unit")
        if not options["all"]:
            qs = qs.filter(sla_due_at__isnull=True)
        changed = 0
        for complaint in qs.iterator(chunk_size=1000):
            due = sla.due_for(complaint)
            if due != complaint.sla_due_at:
                # The derived SLA column only (see sla.keep_deadline); the complaint itself is unchanged.
                Complaint.objects.filter(pk=complaint.pk).update(sla_due_at=due, escalated_at=None)
                changed += 1
        self.stdout.write(f"SLA deadlines set on {changed} complaint(s).")
        self.stdout.write(f"Deadlines for Noted set on {self._noted_deadlines()} forwarded complaint(s).")

    def _noted_deadlines(self):
        missing = (Complaint.objects.filter(forwarded_at__isnull=False, unit__isnull=False, noted_due_at__isnull=True)
                   .select_related("unit").order_by("pk"))
        done = 0
        while batch := list(missing[:1000]):
            with transaction.atomic():
                for c in batch:
                    due = sla.deadline(c, sla.NOTED, c.forwarded_at)
                    Complaint.objects.filter(pk=c.pk).update(noted_due_at=due)  # derived column, as sla.keep_deadline
                tally.mark(c.received_at for c in batch)
            done += len(batch)
        return done

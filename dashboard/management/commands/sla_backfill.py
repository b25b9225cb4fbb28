"""Set the SLA deadline of open complaints that have none (complaints filed before the dashboard was
installed, or after HQ changed the targets or a shift calendar and wants them applied)."""

from django.core.management.base import BaseCommand

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

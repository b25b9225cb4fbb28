"""Demo logins for a training session or a first look: HQ, two district cells, a range supervisor and
Meerut's SP, who approves Meerut's station reports once HQ switches that on for Meerut.
Refused in production; the passwords are printed because they are meant to be shared in a classroom."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from districts.models import Role, StaffProfile, Unit

DEMO_LOGINS = [
    # username, unit slug, role, superuser, sees restricted
    ("hq", "up-police", Role.HQ_SUPERVISOR, True, True),
    ("hq-operator", "up-police", Role.HQ_OPERATOR, False, False),
    ("lucknow", "lucknow-commissionerate", Role.CELL, False, True),
    ("meerut", "meerut", Role.CELL, False, False),
    ("meerut-range", "meerut-range", Role.SUPERVISOR, False, False),
    ("meerut-sp", "meerut", Role.APPROVER, False, False),
]
DEMO_PASSWORD = "seva-demo-2026"


class Command(BaseCommand):
    help = "Create (or reset) the demo logins and print them."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    @transaction.atomic
    def handle(self, *args, password, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo logins are not created in production.")
        User = get_user_model()
        for username, slug, role, superuser, restricted in DEMO_LOGINS:
            try:
                unit = Unit.objects.get(slug=slug)
            except Unit.DoesNotExist:
                raise CommandError(f"Unit {slug!r} is missing: run `python manage.py load_units` first.") from None
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = superuser or role in (Role.HQ_OPERATOR, Role.HQ_SUPERVISOR)  # the admin is HQ's
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            StaffProfile.objects.update_or_create(
                user=user, defaults={"unit": unit, "role": role, "sees_restricted": restricted}
            )
            self.stdout.write(f"  {username:<14} password {password}  ({Role(role).label}, {unit})")

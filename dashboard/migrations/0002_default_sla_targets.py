"""Default SLA targets in working minutes (per priority, any category). Urgent complaints get much less
time; HQ changes them in the admin. Lucknow commissionerate works round the clock (seed 003) when the
units are already loaded; otherwise settings.SLA_ROUND_THE_CLOCK_UNITS covers it."""

from django.db import migrations

DEFAULTS = {
    # priority: (forward, noted, resolution) in working minutes
    "urgent": (15, 30, 8 * 60),
    "high": (30, 60, 24 * 60),
    "normal": (60, 120, 72 * 60),
    "low": (120, 240, 7 * 24 * 60),
}


def add_defaults(apps, schema_editor):
    SlaTarget = apps.get_model("dashboard", "SlaTarget")
    for priority, (fwd, noted, resolution) in DEFAULTS.items():
        SlaTarget.objects.get_or_create(
            category=None, priority=priority,
            defaults={"forward_minutes": fwd, "noted_minutes": noted, "resolution_minutes": resolution},
        )
    Unit = apps.get_model("districts", "Unit")
    ShiftCalendar = apps.get_model("dashboard", "ShiftCalendar")
    lucknow = Unit.objects.filter(slug="lucknow-commissionerate").first()
    if lucknow is not None:
        ShiftCalendar.objects.get_or_create(unit=lucknow, defaults={"round_the_clock": True, "shifts": []})


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_sla_shifts_canned_replies")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

from django.db import migrations, models
from django.utils import timezone


def mark_answered_days(apps, schema_editor):
    """Days whose complaints have answers already: recount them, so the new columns count those answers."""
    Event = apps.get_model("complaints", "Event")
    StaleDay = apps.get_model("complaints", "StaleDay")
    days = {timezone.localtime(moment).date() for moment in Event.objects.filter(action__in=["citizen_satisfied", "reopen_requested"])
            .values_list("complaint__received_at", flat=True).iterator()}
    StaleDay.objects.bulk_create([StaleDay(day=day) for day in sorted(days)])


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0010_message_kind_edit"),
    ]

    operations = [
        migrations.AddField(
            model_name="daytally",
            name="satisfied",
            field=models.PositiveIntegerField(default=0, verbose_name="satisfied"),
        ),
        migrations.AddField(
            model_name="daytally",
            name="not_satisfied",
            field=models.PositiveIntegerField(default=0, verbose_name="not satisfied"),
        ),
        migrations.RunPython(mark_answered_days, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("priority", "urgent"), ("status__in", ["new", "forwarded", "transferred"])),
                fields=["sla_due_at"], name="complaint_urgent_short_clock",
            ),
        ),
    ]

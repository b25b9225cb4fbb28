"""Periodic jobs of the dashboard; thin wrappers around the modules that do the work."""

from celery import shared_task

from . import league_data


@shared_task(name="dashboard.tasks.sla_sweep", ignore_result=True)
def sla_sweep(limit=500):
    """The old SLA sweep's name, kept so that a message queued for it before an upgrade still runs: the
    escalation ladder took over its work (no longer in beat)."""
    return escalation_climb(limit=limit)


@shared_task(name="dashboard.tasks.warm_league", ignore_result=True)
def warm_league():
    """Recompute HQ's default league view before its cached copy expires (beat)."""
    return league_data.warm_hq_default()


@shared_task(name="dashboard.tasks.file_weekly_review", ignore_result=True)
def file_weekly_review():
    """File the state's weekly review of the week just ended, in English and Hindi (beat: Monday 08:00 IST)."""
    from . import review_report

    return [report.pk for report in review_report.file_last_week()]


@shared_task(name="dashboard.tasks.decide_honour_roll", ignore_result=True)
def decide_honour_roll():
    """Decide the honour roll of the month just ended (beat: the 1st, 06:30 IST)."""
    from . import honour_roll

    return len(honour_roll.latest()[1])


@shared_task(name="dashboard.tasks.warm_spikes", ignore_result=True)
def warm_spikes():
    """Recompute the last day's spikes and the day's top hashtags and terms for HQ's home page (beat)."""
    from . import spikes

    return len(spikes.warm_recent()["spikes"])


@shared_task(name="dashboard.tasks.escalation_climb", ignore_result=True)
def escalation_climb(limit=500):
    """Climb the escalation ladder one step for each complaint due one, then send the alerts (beat)."""
    from complaints import escalation

    from . import notify

    steps = len(escalation.climb(limit=limit))
    return {"steps": steps, **notify.deliver_pending()}


@shared_task(name="dashboard.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications(limit=200):
    """Send waiting notifications, including retries (beat)."""
    from . import notify

    return notify.deliver_pending(limit=limit)


@shared_task(name="dashboard.tasks.morning_digest", ignore_result=True)
def morning_digest():
    """Each cell's morning digest of what waits for it (beat: 08:00 IST), then send it."""
    from . import digest, notify

    made = digest.send_morning()
    return {"digests": made, **notify.deliver_pending(limit=10_000)}

"""Periodic jobs of the dashboard; thin wrappers around dashboard.sla."""

from celery import shared_task

from . import league_data, sla


@shared_task(name="dashboard.tasks.sla_sweep", ignore_result=True)
def sla_sweep(limit=500):
    """Escalate open complaints past their SLA deadline (beat: settings.CELERY_BEAT_SCHEDULE)."""
    return sla.sweep(limit=limit)


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

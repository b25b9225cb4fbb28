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

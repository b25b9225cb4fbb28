"""SLA clocks: working-hours arithmetic, the deadline kept on every change, and what marks a missed deadline
(the escalation ladder, which took over the old SLA sweep's work)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import escalation, lifecycle
from complaints.models import Category, Complaint, StaleDay
from dashboard import sla
from dashboard.models import ShiftCalendar, SlaTarget
from dashboard.tasks import escalation_climb, sla_sweep

IST = ZoneInfo("Asia/Kolkata")
TWO_SHIFTS = [("08:00", "16:00"), ("14:00", "22:00")]


def ist(day, hh, mm=0):
    # 2026-11-23 is a Monday; 28 is Saturday, 29 Sunday.
    return datetime(2026, 11, day, hh, mm, tzinfo=IST)


TABLE = [
    # (calendar, start, working minutes, expected deadline, why)
    (TWO_SHIFTS, ist(23, 10), 60, ist(23, 11), "inside the working day"),
    (TWO_SHIFTS, ist(23, 21, 30), 60, ist(24, 8, 30), "overnight: the clock stops at 22:00"),
    (TWO_SHIFTS, ist(23, 23), 60, ist(24, 9), "filed at night: counts from 08:00"),
    (TWO_SHIFTS, ist(24, 3), 15, ist(24, 8, 15), "early morning: counts from 08:00"),
    (TWO_SHIFTS, ist(29, 3), 30, ist(29, 8, 30), "Sunday is a working day for the police"),
    (TWO_SHIFTS, ist(28, 21), 120, ist(29, 9), "Saturday night into Sunday"),
    (TWO_SHIFTS, ist(23, 15), 420, ist(23, 22), "shift overlap 14:00-16:00 is counted once"),
    (TWO_SHIFTS, ist(23, 8), 900, ist(24, 9), "a 14-hour working day, then one more hour"),
    (TWO_SHIFTS, ist(23, 10), 72 * 60, ist(28, 12), "72 working hours span five days"),
    (None, ist(23, 21, 30), 60, ist(23, 22, 30), "round the clock"),
    (None, ist(23, 23), 8 * 60, ist(24, 7), "round the clock over midnight"),
    ([("22:00", "08:00")], ist(23, 21), 60, ist(23, 23), "a night shift across midnight"),
    ([("22:00", "08:00")], ist(24, 7, 30), 60, ist(24, 22, 30), "the night shift ends at 08:00 and resumes at 22:00"),
    ([("08:00", "16:00"), ("22:00", "06:00")], ist(23, 15), 120, ist(23, 23), "two separate windows"),
    (TWO_SHIFTS, ist(23, 10), 0, ist(23, 10), "no time at all"),
]


@pytest.mark.parametrize("windows,start,minutes,expected,why", TABLE, ids=[row[-1] for row in TABLE])
def test_working_hours_table(windows, start, minutes, expected, why):
    assert sla.Calendar(windows).add(start, minutes) == expected


@pytest.mark.parametrize("windows,start,minutes,expected,why", TABLE[:9], ids=[row[-1] for row in TABLE[:9]])
def test_working_between_is_the_inverse(windows, start, minutes, expected, why):
    assert sla.Calendar(windows).working_between(start, expected) == timedelta(minutes=minutes)


def test_calendar_choice(db, unit):
    assert sla.calendar_for(unit("lucknow-commissionerate")).round_the_clock  # settings default (seed 003)
    meerut = sla.calendar_for(unit("meerut"))
    assert meerut.add(ist(23, 21, 30), 60) == ist(24, 8, 30)
    ShiftCalendar.objects.create(unit=unit("meerut"), round_the_clock=True)
    assert sla.calendar_for(unit("meerut")).round_the_clock


def test_default_targets_come_from_the_data_migration(db):
    urgent = SlaTarget.objects.get(category=None, priority="urgent")
    normal = SlaTarget.objects.get(category=None, priority="normal")
    assert urgent.noted_minutes < normal.noted_minutes and urgent.resolution_minutes < normal.resolution_minutes


def test_most_specific_target_wins(db):
    category = Category.objects.get(slug="action")
    assert sla.target_minutes(category.pk, "normal", sla.NOTED) == 120
    SlaTarget.objects.create(category=category, priority="", forward_minutes=5, noted_minutes=50,
                             resolution_minutes=500)
    assert sla.target_minutes(category.pk, "normal", sla.NOTED) == 50
    SlaTarget.objects.create(category=category, priority="normal", forward_minutes=4, noted_minutes=40,
                             resolution_minutes=400)
    assert sla.target_minutes(category.pk, "normal", sla.NOTED) == 40
    assert sla.target_minutes(None, "normal", sla.NOTED) == 120


def test_deadline_follows_the_complaint(make_complaint, unit, meerut_cell):
    c = make_complaint(received_at=ist(23, 10))
    assert c.sla_due_at == ist(23, 11)  # forward within 60 working minutes (HQ)
    c = lifecycle.forward(c, unit("meerut"), at=ist(23, 21, 30))
    assert Complaint.objects.get(pk=c.pk).sla_due_at == ist(24, 9, 30)  # noted: 120 minutes, overnight
    assert c.sla_due_at == ist(24, 9, 30)  # the caller's copy is current too
    assert c.noted_due_at == ist(24, 9, 30)  # kept for the league table's "noted within target"
    c = lifecycle.set_priority(c, "urgent")
    assert c.sla_due_at == c.noted_due_at == ist(23, 22)  # urgent: 30 minutes to noted, before the day ends
    c = lifecycle.note(c, actor=meerut_cell)
    assert c.sla_due_at == sla.Calendar(TWO_SHIFTS).add(ist(23, 21, 30), 8 * 60)  # urgent resolution
    assert Complaint.objects.get(pk=c.pk).noted_due_at == ist(23, 22)  # noting does not move it
    c = lifecycle.report(c, "Thana ne karyavahi ki", actor=meerut_cell)
    c = lifecycle.resolve(c, actor=meerut_cell)
    assert Complaint.objects.get(pk=c.pk).sla_due_at is None


def test_a_transfer_starts_a_new_wait_for_noted(make_complaint, unit):
    c = lifecycle.forward(make_complaint(received_at=ist(23, 10)), unit("meerut"), at=ist(23, 10, 30))
    assert c.noted_due_at == ist(23, 12, 30)
    c = lifecycle.transfer(c, unit("agra"), reason="Not ours")
    transferred_at = c.events.get(action="transfer").created_at
    assert Complaint.objects.get(pk=c.pk).noted_due_at == sla.calendar_for(unit("agra")).add(transferred_at, 120)


def test_round_the_clock_unit(make_complaint, unit):
    c = lifecycle.forward(make_complaint(received_at=ist(23, 21)), unit("lucknow-commissionerate"),
                          at=ist(23, 21, 30))
    assert c.sla_due_at == ist(23, 23, 30)


def _overdue_complaint(make_complaint, unit, hours=3):
    now = timezone.now()
    c = make_complaint(received_at=now - timedelta(hours=hours + 1))
    return lifecycle.forward(c, unit("lucknow-commissionerate"), at=now - timedelta(hours=hours))


def test_the_ladder_marks_each_deadline_once(make_complaint, unit, meerut_cell):
    late = _overdue_complaint(make_complaint, unit)
    on_time = _overdue_complaint(make_complaint, unit, hours=1)
    assert len(escalation.climb()) == 1
    late.refresh_from_db()
    assert late.escalated_at is not None
    [step] = late.events.filter(action="escalation_step")
    assert step.data["breach"] is True and step.to_status == "forwarded"
    # The old sweep's own event is no longer written beside the ladder's step.
    assert late.events.filter(action="escalated").count() == 0
    assert escalation.climb() == []  # not twice for the same deadline
    assert on_time.events.filter(action__in=("escalated", "escalation_step")).count() == 0
    # A new deadline (noted → resolution) clears the escalation mark.
    lucknow_cell = meerut_cell
    lucknow_cell.staff_profile.unit = unit("lucknow-commissionerate")
    lucknow_cell.staff_profile.save()
    late = lifecycle.note(late, actor=lucknow_cell)
    late.refresh_from_db()
    assert late.escalated_at is None and late.sla_due_at > timezone.now()


def test_a_new_complaint_past_hqs_forwarding_deadline_climbs_hqs_ladder_and_a_moved_deadline_is_marked_once(
        make_complaint, client_for, hq):
    from dashboard.notification_models import Notification

    c = make_complaint()
    assert escalation.climb(now=c.sla_due_at - timedelta(minutes=1)) == []
    now = c.sla_due_at + timedelta(minutes=1)
    [step] = escalation.climb(now=now)  # HQ's own forwarding ladder: its cell first
    c.refresh_from_db()
    assert (c.escalation_level, c.escalated_at, step.data["breach"]) == ("hq_cell", now, True)
    assert not c.events.filter(action="escalated").exists()
    [step] = escalation.climb(now=now + timedelta(minutes=61))
    assert step.data["level"] == "hq_super"
    assert Notification.objects.filter(recipient=hq).count() == 1  # tests/dashboard/test_escalation_forwarding.py
    # The timeline says which deadline was missed once, from the state it was in.
    page = client_for(hq).get(reverse("dashboard:complaint", args=[c.tracking_code])).content.decode()
    assert page.count("Past the deadline for forwarding.") == 1 and "deadline watch" in page

    # At the top its deadline moves (made urgent: a shorter clock, already run out): no step reaches it, so
    # the deadline watch's mark records the new missed deadline, once, telling nobody.
    c = lifecycle.set_priority(Complaint.objects.get(pk=c.pk), "urgent")
    assert c.escalated_at is None and c.sla_due_at < now
    alerts = Notification.objects.count()
    later = now + timedelta(minutes=90)
    assert escalation.climb(now=later) == []
    escalation.climb(now=later + timedelta(hours=1))
    [mark] = c.events.filter(action="escalated")
    assert mark.created_at == later and mark.actor_name == "escalation"
    assert Notification.objects.count() == alerts


def test_the_climb_task_the_old_task_name_and_the_supervisor_view(make_complaint, unit, client_for, hq):
    late = _overdue_complaint(make_complaint, unit)
    escalation_climb.delay()
    assert Complaint.objects.get(pk=late.pk).escalated_at is not None
    # A message queued under the old sweep's name before an upgrade still runs, as the ladder.
    other = _overdue_complaint(make_complaint, unit)
    sla_sweep.delay()
    assert Complaint.objects.get(pk=other.pk).escalated_at is not None
    body = client_for(hq).get(reverse("dashboard:supervise")).content.decode()
    assert late.tracking_code in body and "Escalated" in body


def test_beat_runs_the_ladder_and_no_longer_the_sweep(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "dashboard.tasks.escalation_climb" in tasks
    assert "dashboard.tasks.sla_sweep" not in tasks


def test_backfill_command(make_complaint, unit):
    from django.core.management import call_command

    c = lifecycle.forward(make_complaint(received_at=ist(23, 10)), unit("meerut"), at=ist(23, 10, 30))
    Complaint.objects.filter(pk=c.pk).update(sla_due_at=None, noted_due_at=None)
    StaleDay.objects.all().delete()
    call_command("sla_backfill", verbosity=0)
    assert Complaint.objects.get(pk=c.pk).sla_due_at == ist(23, 12, 30)
    assert Complaint.objects.get(pk=c.pk).noted_due_at == ist(23, 12, 30)
    assert list(StaleDay.objects.values_list("day", flat=True)) == [ist(23, 10).date()]

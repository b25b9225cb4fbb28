"""The escalation ladder on a moving clock: a complaint past its deadline climbs cell → range → zone → HQ,
each step only when the one before ran out of time, each recorded on the complaint and in its timeline;
noting it stops the climb; running the sweep again (or in two workers at once) climbs nothing twice."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from complaints import escalation, lifecycle
from complaints.models import Complaint, EscalationStep, Event
from dashboard.notification_models import Notification


def _steps(complaint):
    return list(Event.objects.filter(complaint=complaint, action="escalation_step").order_by("pk"))


@pytest.mark.django_db
def test_the_ladder_climbs_one_level_each_time_a_step_runs_out(forwarded):
    complaint = forwarded("meerut")
    due = complaint.sla_due_at
    assert due is not None

    # Tried: a minute before the deadline, nothing climbs.
    assert escalation.climb(now=due - timedelta(minutes=1)) == []

    now = due + timedelta(minutes=1)
    [first] = escalation.climb(now=now)
    complaint.refresh_from_db()
    assert (complaint.escalation_level, complaint.escalation_due_at) == ("cell", now + timedelta(minutes=60))
    assert first.data["unit"] == "meerut"

    # Half-way through the cell's hour nothing more happens.
    assert escalation.climb(now=now + timedelta(minutes=30)) == []

    expected = [("range", "meerut-range", 120), ("zone", "meerut-zone", 240), ("hq", "up-police", 480)]
    for level, slug, minutes in expected:
        now = complaint.escalation_due_at + timedelta(seconds=1)
        [step] = escalation.climb(now=now)
        complaint.refresh_from_db()
        assert (step.data["level"], step.data["unit"]) == (level, slug)
        assert complaint.escalation_level == level
        assert complaint.escalation_due_at == now + timedelta(minutes=minutes)

    # HQ is the top: a day later nothing climbs further.
    assert escalation.climb(now=now + timedelta(days=1)) == []
    assert [e.data["level"] for e in _steps(complaint)] == ["cell", "range", "zone", "hq"]
    assert all(e.actor_name == "escalation" for e in _steps(complaint))


@pytest.mark.django_db
def test_hq_sets_each_steps_time_in_the_admin_rows(forwarded):
    EscalationStep.objects.filter(level="cell").update(minutes=10)
    complaint = forwarded("meerut")
    now = complaint.sla_due_at + timedelta(minutes=5)
    escalation.climb(now=now)
    complaint.refresh_from_db()
    assert complaint.escalation_due_at == now + timedelta(minutes=10)
    # Tried: 11 minutes later the range is told, not an hour later.
    [step] = escalation.climb(now=now + timedelta(minutes=11))
    assert step.data["level"] == "range"


@pytest.mark.django_db
def test_a_commissionerate_without_range_or_zone_goes_from_its_cell_to_hq(forwarded):
    complaint = forwarded("lucknow-commissionerate")
    now = complaint.sla_due_at + timedelta(minutes=1)
    escalation.climb(now=now)
    [step] = escalation.climb(now=now + timedelta(minutes=61))
    assert (step.data["level"], step.data["unit"]) == ("hq", "up-police")


@pytest.mark.django_db
def test_noting_stops_the_climb_and_running_twice_climbs_once(forwarded, meerut_cell):
    complaint = forwarded("meerut")
    now = complaint.sla_due_at + timedelta(minutes=1)
    assert len(escalation.climb(now=now)) == 1
    alerts = Notification.objects.count()
    # Tried: the same sweep again at the same moment, and again a minute later.
    assert escalation.climb(now=now) == []
    assert escalation.climb(now=now + timedelta(minutes=1)) == []
    assert Notification.objects.count() == alerts
    assert len(_steps(complaint)) == 1

    lifecycle.note(complaint, actor=meerut_cell)
    complaint.refresh_from_db()
    assert (complaint.escalation_level, complaint.escalation_due_at) == ("", None)
    # Long after the cell's hour, before the resolution deadline: it stays where it is.
    assert escalation.climb(now=now + timedelta(hours=5)) == []
    assert len(_steps(complaint)) == 1


@pytest.mark.django_db
def test_resolved_complaints_never_climb_and_new_ones_climb_only_hqs_forwarding_ladder(make_complaint, forwarded,
                                                                                      meerut_cell):
    waiting_for_hq = make_complaint()
    done = forwarded("meerut")
    lifecycle.note(done, actor=meerut_cell)
    lifecycle.report(done, "Shanti bhang ki karyavahi ki gayi", actor=meerut_cell)
    lifecycle.resolve(done, actor=meerut_cell)
    later = max(waiting_for_hq.sla_due_at, done.received_at) + timedelta(days=30)
    [step] = escalation.climb(now=later)
    assert (step.complaint_id, step.data["level"], step.data["unit"]) == (waiting_for_hq.pk, "hq_cell", "up-police")
    [step] = escalation.climb(now=later + timedelta(minutes=61))
    assert (step.complaint_id, step.data["level"]) == (waiting_for_hq.pk, "hq_super")
    assert escalation.climb(now=later + timedelta(days=30)) == []  # HQ's supervisors are the top
    assert list(Complaint.objects.exclude(escalation_level="").values_list("pk", flat=True)) == [waiting_for_hq.pk]


def climb_in_two_workers(now):
    """escalation.climb run by two threads released at once; the steps each took. Fails on any error."""
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(len(escalation.climb(now=now)))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_climb_each_step_once(forwarded, meerut_cell):
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking between workers is exercised on PostgreSQL (DATABASE_URL=postgres://...)")
    complaints = [forwarded("meerut") for _ in range(5)]
    now = max(c.sla_due_at for c in complaints) + timedelta(minutes=1)
    results = climb_in_two_workers(now)
    assert sum(results) == 5
    assert Event.objects.filter(action="escalation_step").count() == 5
    # One bell item per complaint for the one cell login, not two.
    assert Notification.objects.filter(recipient=meerut_cell).count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_take_each_forwarding_step_once(make_complaint, hq_operator):
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking between workers is exercised on PostgreSQL (DATABASE_URL=postgres://...)")
    complaints = [make_complaint() for _ in range(5)]
    now = max(c.sla_due_at for c in complaints) + timedelta(minutes=1)
    results = climb_in_two_workers(now)
    assert sum(results) == 5
    assert Event.objects.filter(action="escalation_step", data__level="hq_cell").count() == 5
    # One bell item per complaint for HQ's operator, not two.
    assert Notification.objects.filter(recipient=hq_operator).count() == 5

import pytest
from django.core.management import call_command

from complaints import codes
from complaints.lifecycle import TRANSITIONS
from complaints.models import Complaint, Event, Status

pytestmark = pytest.mark.django_db


def test_generate_load_creates_consistent_complaints():
    call_command("generate_load", complaints=300, seed=7, no_progress=True, batch=120)
    assert Complaint.objects.count() == 300
    for c in Complaint.objects.prefetch_related("events"):
        codes.normalise(c.tracking_code)
        events = list(c.events.all())
        assert events[0].action == "file" and events[-1].to_status == c.status
        for e in events[1:]:
            assert e.from_status in TRANSITIONS[e.action][0] and e.to_status == TRANSITIONS[e.action][1]
        if c.status in (Status.NOTED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
            assert c.noted_at and c.noted_by_id == c.unit_id
        if c.status == Status.DUPLICATE:
            assert c.duplicate_of_id and c.duplicate_of_id != c.pk
        if c.status in (Status.RESOLVED, Status.CLOSED):
            assert c.action_taken_report and c.resolved_at
    assert Event.objects.count() >= 300
    assert set(Complaint.objects.values_list("status", flat=True)) >= {Status.NEW, Status.CLOSED, Status.FORWARDED}

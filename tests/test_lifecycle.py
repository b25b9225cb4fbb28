"""The state machine: every (state, action) pair is tried; legal ones move the state and write exactly
one Event in the same transaction, illegal ones raise a clear error and change nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from complaints import lifecycle
from complaints.lifecycle import TRANSITIONS, IllegalTransition, InvalidValue, StaleComplaint
from complaints.models import Complaint, Event, Outcome, Status
from districts.models import PoliceStation

pytestmark = pytest.mark.django_db

ALL_STATES = list(Status.values)
ALL_ACTIONS = list(TRANSITIONS)


def _bring_to(status, make_complaint, unit):
    """A complaint in the given state, reached through the lifecycle itself."""
    if status == Status.AWAITING_APPROVAL:
        return _awaiting_approval(make_complaint, unit)
    c = make_complaint()
    meerut = unit("meerut")
    if status == Status.NEW:
        return c
    if status == Status.REJECTED:
        return lifecycle.reject(c, "Spam")
    if status == Status.DUPLICATE:
        return lifecycle.merge(c, make_complaint())
    c = lifecycle.forward(c, meerut)
    if status == Status.FORWARDED:
        return c
    if status == Status.TRANSFERRED:
        return lifecycle.transfer(c, unit("bareilly"))
    c = lifecycle.note(c, by_unit=meerut)
    if status == Status.NOTED:
        return c
    c = lifecycle.report(c, "Beat constable sent; parties counselled at the thana.")
    if status == Status.IN_PROGRESS:
        return c
    c = lifecycle.resolve(c)
    if status == Status.RESOLVED:
        return c
    c = lifecycle.close(c, Outcome.RESOLVED_WITHOUT_FIR)
    if status == Status.CLOSED:
        return c
    if status == Status.REOPENED:
        return lifecycle.reopen(c, reason="Citizen not satisfied")
    raise AssertionError(status)


def _awaiting_approval(make_complaint, unit):
    """A complaint whose unit's supervising officer approves reports, with the cell's report waiting."""
    meerut = unit("meerut")
    c = lifecycle.note(lifecycle.forward(make_complaint(), meerut), by_unit=meerut)
    meerut.reports_need_approval = True
    meerut.save()
    return lifecycle.report(c, "Beat constable sent; parties counselled at the thana.")


def _apply(action, c, make_complaint, unit):
    station = PoliceStation.objects.create(unit=unit("meerut"), name_en=f"Test thana {c.pk}")
    calls = {
        "forward": lambda: lifecycle.forward(c, unit("meerut")),
        "note": lambda: lifecycle.note(c, by_unit=c.unit or unit("meerut")),
        "assign_station": lambda: lifecycle.assign_station(c, station),
        "report": lambda: lifecycle.report(c, "Enquiry done by SI; no offence found."),
        "resolve": lambda: lifecycle.resolve(c, report="Matter settled at the thana."),
        "close": lambda: lifecycle.close(c, Outcome.FIR, fir_number="123/2026"),
        "reject": lambda: lifecycle.reject(c, "Not a complaint: greeting"),
        "merge": lambda: lifecycle.merge(c, make_complaint()),
        "transfer": lambda: lifecycle.transfer(c, unit("bareilly")),
        "reopen": lambda: lifecycle.reopen(c, reason="Citizen not satisfied"),
        "approve_report": lambda: lifecycle.approve_report(c),
        "return_report": lambda: lifecycle.return_report(c, "Name the SI who enquired."),
    }
    return calls[action]()


@pytest.mark.parametrize("status", ALL_STATES)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_state_and_action(status, action, make_complaint, unit):
    c = _bring_to(status, make_complaint, unit)
    assert c.status == status
    sources, target = TRANSITIONS[action]
    events_before = Event.objects.filter(complaint=c).count()
    version_before = c.version
    if status in sources:
        # station assignment needs the complaint to be with Meerut; a transferred one is with Bareilly
        if action in ("assign_station",) and c.unit.slug != "meerut":
            pytest.skip("station belongs to Meerut")
        result = _apply(action, c, make_complaint, unit)
        # Where Meerut's reports wait for approval (the awaiting_approval case), a report or a resolution
        # waits again, and an approval is recorded as the change it makes (here: the report is filed).
        if status == Status.AWAITING_APPROVAL:
            target = {"report": Status.AWAITING_APPROVAL, "resolve": Status.AWAITING_APPROVAL}.get(action, target)
        recorded = {"approve_report": "report"}.get(action, action)
        assert result.status == target
        assert result.version == version_before + 1
        new_events = list(Event.objects.filter(complaint=c).order_by("id"))[events_before:]
        assert [(e.action, e.from_status, e.to_status) for e in new_events] == [(recorded, status, target)]
    else:
        with pytest.raises(IllegalTransition) as err:
            _apply(action, c, make_complaint, unit)
        message = str(err.value)
        assert action.replace("_", " ") in message and Status(status).label.lower() in message
        fresh = Complaint.objects.get(pk=c.pk)
        assert fresh.status == status and fresh.version == version_before
        assert Event.objects.filter(complaint=c).count() == events_before


def test_full_happy_path_sets_timestamps(make_complaint, unit):
    c = make_complaint()
    assert c.tracking_code.startswith("UPP-") and c.status == Status.NEW
    c = lifecycle.forward(c, unit("meerut"))
    assert c.forwarded_at and c.unit.slug == "meerut"
    c = lifecycle.note(c, by_unit=unit("meerut"), tweet_id="1861000000000000999")
    assert c.noted_at and c.noted_by.slug == "meerut" and c.noted_tweet_id == "1861000000000000999"
    c = lifecycle.report(c, "FIR lodged, accused arrested.")
    c = lifecycle.resolve(c)
    assert c.resolved_at and c.status == Status.RESOLVED
    c = lifecycle.close(c, Outcome.FIR, fir_number="0456/2026")
    assert c.closed_at and c.outcome == Outcome.FIR
    actions = list(c.events.values_list("action", flat=True))
    assert actions == ["file", "forward", "note", "report", "resolve", "close"]


def test_transfer_then_forward_again(forwarded, unit):
    c = forwarded("meerut")
    c = lifecycle.transfer(c, unit("bareilly"), reason="Incident is in Bareilly")
    assert c.status == Status.TRANSFERRED and c.unit.slug == "bareilly" and c.noted_at is None
    c = lifecycle.forward(c, unit("bareilly"))
    assert c.status == Status.FORWARDED


def test_noted_only_by_the_complaints_unit(forwarded, unit):
    c = forwarded("meerut")
    with pytest.raises(InvalidValue):
        lifecycle.note(c, by_unit=unit("bareilly"))
    assert Complaint.objects.get(pk=c.pk).status == Status.FORWARDED


def test_resolve_needs_a_report(forwarded, unit):
    c = forwarded("meerut")
    c = lifecycle.note(c, by_unit=unit("meerut"))
    c = lifecycle.assign_station(c, PoliceStation.objects.create(unit=unit("meerut"), name_en="Sadar Bazar T"))
    with pytest.raises(InvalidValue):
        lifecycle.resolve(c)
    assert Complaint.objects.get(pk=c.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("text,field", [("", "action_taken_report"), ("x" * 281, "action_taken_report")])
def test_report_limits(forwarded, unit, text, field):
    c = lifecycle.note(forwarded("meerut"), by_unit=unit("meerut"))
    with pytest.raises(InvalidValue) as err:
        lifecycle.report(c, text)
    assert err.value.field == field
    assert Complaint.objects.get(pk=c.pk).action_taken_report == ""


def test_report_of_exactly_280_characters_in_hindi(forwarded, unit):
    c = lifecycle.note(forwarded("meerut"), by_unit=unit("meerut"))
    text = ("थाना प्रभारी द्वारा जांच की गई। " * 20)[:280]
    assert len(text) == 280
    c = lifecycle.report(c, text)
    assert c.action_taken_report == text.strip()


def test_station_must_belong_to_the_unit(forwarded, unit):
    c = lifecycle.note(forwarded("meerut"), by_unit=unit("meerut"))
    other = PoliceStation.objects.create(unit=unit("bareilly"), name_en="Kotwali Bareilly T")
    with pytest.raises(InvalidValue):
        lifecycle.assign_station(c, other)


def test_close_with_fir_needs_number(forwarded, unit):
    c = lifecycle.resolve(lifecycle.report(lifecycle.note(forwarded(), by_unit=unit("meerut")), "done"))
    with pytest.raises(InvalidValue):
        lifecycle.close(c, Outcome.FIR)
    with pytest.raises(InvalidValue):
        lifecycle.close(c, "made-up")
    assert Complaint.objects.get(pk=c.pk).status == Status.RESOLVED


def test_merge_rules(make_complaint):
    a, b = make_complaint(), make_complaint()
    with pytest.raises(InvalidValue):
        lifecycle.merge(a, a)
    b = lifecycle.merge(b, a)
    assert b.duplicate_of == a and b.status == Status.DUPLICATE
    c = make_complaint()
    c = lifecycle.merge(c, b.tracking_code)  # merging into a duplicate follows it to the original
    assert c.duplicate_of == a
    with pytest.raises(InvalidValue):
        lifecycle.merge(make_complaint(), "UPP-00000-00000")


def test_forward_to_unknown_or_state_unit_changes_nothing(make_complaint, unit):
    c = make_complaint()
    with pytest.raises(InvalidValue, match="Unknown unit"):
        lifecycle.forward(c, "atlantis")
    with pytest.raises(InvalidValue):
        lifecycle.forward(c, unit("up-police"))
    fresh = Complaint.objects.get(pk=c.pk)
    assert fresh.status == Status.NEW and fresh.unit is None and fresh.events.count() == 1


def test_stale_version_is_refused(make_complaint, unit):
    c = make_complaint()
    stale_version = c.version
    lifecycle.set_priority(c, "high")
    with pytest.raises(StaleComplaint):
        lifecycle.forward(Complaint.objects.get(pk=c.pk), unit("meerut"), expected_version=stale_version)
    assert Complaint.objects.get(pk=c.pk).status == Status.NEW


def test_event_and_state_roll_back_together(make_complaint, unit):
    c = make_complaint()

    class Boom(Exception):
        pass

    def explode(sender, **kwargs):
        raise Boom

    lifecycle.transitioned.connect(explode)
    try:
        with pytest.raises(Boom):
            lifecycle.forward(c, unit("meerut"))
    finally:
        lifecycle.transitioned.disconnect(explode)
    fresh = Complaint.objects.get(pk=c.pk)
    assert fresh.status == Status.NEW and fresh.events.count() == 1


def test_events_are_append_only(make_complaint):
    c = make_complaint()
    event = c.events.get()
    event.note = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        c.events.all().update(note="x")
    with pytest.raises(PermissionDenied):
        c.events.all().delete()


def test_actor_rights_are_checked_by_the_lifecycle(forwarded, meerut_cell, bareilly_cell, meerut_range, unit):
    c = forwarded("meerut")
    with pytest.raises(PermissionDenied):
        lifecycle.note(c, actor=bareilly_cell)
    with pytest.raises(PermissionDenied):
        lifecycle.note(c, actor=meerut_range)
    with pytest.raises(PermissionDenied):
        lifecycle.reject(c, "x", actor=meerut_cell)  # a district does not reject; HQ does
    c = lifecycle.note(c, actor=meerut_cell)
    assert c.noted_by == unit("meerut") and c.events.last().actor == meerut_cell


def test_duplicate_tweet_is_refused(make_complaint):
    c = make_complaint(source_tweet_id="1861000000000009999")
    with pytest.raises(lifecycle.DuplicateTweet) as err:
        make_complaint(source_tweet_id="1861000000000009999")
    assert err.value.existing == c
    assert Complaint.objects.filter(source_tweet_id="1861000000000009999").count() == 1


def test_tracking_code_collision_is_retried(make_complaint, monkeypatch):
    first = make_complaint()
    from complaints import codes

    generated = iter([first.tracking_code, first.tracking_code, codes.generate()])
    monkeypatch.setattr(codes, "generate", lambda: next(generated))
    second = make_complaint()
    assert second.tracking_code != first.tracking_code


def test_manual_complaint_without_tweet(db):
    c = lifecycle.file_complaint(text="Phone call: chain snatching near Hazratganj", channel="phone",
                                 author_name="Ram Kumar", author_contact="CUG desk")
    assert c.source_tweet_id is None and c.channel == "phone"
    d = lifecycle.file_complaint(text="Walk-in complaint", channel="walk_in")
    assert d.tracking_code != c.tracking_code


def test_events_survive_in_a_failed_outer_transaction_only_if_committed(make_complaint, unit):
    c = make_complaint()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            lifecycle.forward(c, unit("meerut"))
            raise RuntimeError
    assert Complaint.objects.get(pk=c.pk).status == Status.NEW


def test_the_database_refuses_raw_sql_changes_to_events(make_complaint):
    """PostgreSQL's trigger (migration 0002) and SQLite's (0005)."""
    from django.db import DatabaseError, connection

    c = make_complaint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE complaints_event SET note = 'x' WHERE complaint_id = %s", [c.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM complaints_event WHERE complaint_id = %s", [c.pk])
    assert c.events.count() == 1


def test_file_complaints_in_bulk(make_complaint):
    existing = make_complaint(source_tweet_id="1861000000000500000")
    seen = []

    def listener(sender, complaint, event, action, **kwargs):
        seen.append((complaint.pk, event.pk, action))

    lifecycle.transitioned.connect(listener)
    try:
        results = lifecycle.file_complaints([
            {"text": "bulk one", "source_tweet_id": "1861000000000500001", "author_username": "a"},
            {"text": "", "source_tweet_id": "1861000000000500002"},
            {"text": "already filed", "source_tweet_id": "1861000000000500000"},
            {"text": "bulk two \x00", "source_tweet_id": "1861000000000500003", "priority": "urgent"},
            {"text": "same tweet twice in one batch", "source_tweet_id": "1861000000000500001"},
        ])
    finally:
        lifecycle.transitioned.disconnect(listener)
    one, empty, dup, two, dup_in_batch = results
    assert isinstance(empty, InvalidValue)
    assert isinstance(dup, lifecycle.DuplicateTweet) and dup.existing == existing
    assert isinstance(dup_in_batch, lifecycle.DuplicateTweet) and dup_in_batch.existing == one
    for c in (one, two):
        fresh = Complaint.objects.get(pk=c.pk)
        assert fresh.status == Status.NEW and fresh.tracking_code == c.tracking_code
        assert list(fresh.events.values_list("action", flat=True)) == ["file"]
    assert Complaint.objects.get(pk=two.pk).text == "bulk two " and Complaint.objects.get(pk=two.pk).priority == "urgent"
    assert two.events.get().data["text_cleaned"]
    assert [(pk, action) for pk, _, action in seen] == [(one.pk, "file"), (two.pk, "file")]
    assert all(event_pk for _, event_pk, _ in seen)


def test_file_complaints_falls_back_on_a_code_collision(make_complaint, monkeypatch):
    first = make_complaint()
    from complaints import codes

    fresh_codes = iter([first.tracking_code, codes.generate(), codes.generate(), codes.generate()])
    monkeypatch.setattr(codes, "generate", lambda: next(fresh_codes))
    results = lifecycle.file_complaints([{"text": "a", "source_tweet_id": "1861000000000600001"},
                                         {"text": "b", "source_tweet_id": "1861000000000600002"}])
    assert all(isinstance(r, Complaint) for r in results)
    assert len({r.tracking_code for r in results} | {first.tracking_code}) == 3


def test_add_notes_in_bulk(forwarded, make_complaint, unit):
    from complaints.models import Message, MessageKind

    a, b = forwarded("meerut"), make_complaint()
    citizen = lifecycle.Actor(name="@citizen")
    district = lifecycle.Actor(name="@meerutpolice", unit=unit("meerut"))
    results = lifecycle.add_notes([
        {"complaint": a, "text": "koi update?", "kind": MessageKind.CITIZEN, "actor": citizen, "tweet_id": "1861000000000700001"},
        {"complaint": b, "text": "  ", "kind": MessageKind.CITIZEN, "actor": citizen},
        {"complaint": a, "text": "Enquiry in progress", "kind": MessageKind.DISTRICT, "actor": district,
         "tweet_id": "1861000000000700002", "needs_attention": True},
    ])
    first, empty, second = results
    assert isinstance(empty, InvalidValue)
    assert [m.pk for m in Message.objects.filter(complaint=a).order_by("id")] == [first.pk, second.pk]
    assert Message.objects.get(pk=second.pk).needs_attention and second.unit == unit("meerut")
    fresh = Complaint.objects.get(pk=a.pk)
    assert fresh.version == a.version + 2 and fresh.status == Status.FORWARDED
    assert list(fresh.events.filter(action="add_note").values_list("data__message_id", flat=True)) == [first.pk, second.pk]
    assert Complaint.objects.get(pk=b.pk).version == b.version


def test_file_complaints_without_tweet_ids_are_all_filed(db):
    results = lifecycle.file_complaints([{"text": "phone call one", "channel": "phone"},
                                         {"text": "phone call two", "channel": "phone"}])
    assert all(isinstance(r, Complaint) for r in results)
    assert Complaint.objects.filter(source_tweet_id__isnull=True).count() == 2


def test_merge_moves_the_thread_to_the_survivor_with_events_on_both(make_complaint, hq):
    from complaints.models import Message

    survivor = make_complaint(text="Chain snatching at the market")
    duplicate = make_complaint(text="Chain snatching at the market, please help")
    lifecycle.add_note(duplicate, "He had a red bike", actor=hq)
    lifecycle.add_note(duplicate, "Near the temple gate", actor=hq, kind="citizen", tweet_id="1861999999999999999")
    moved = list(Message.objects.filter(complaint=duplicate).values_list("pk", flat=True))
    events_before = Event.objects.count()

    merged = lifecycle.merge(duplicate, survivor.tracking_code, actor=hq)

    assert merged.status == Status.DUPLICATE and merged.duplicate_of_id == survivor.pk
    assert not Message.objects.filter(complaint=duplicate).exists()
    assert sorted(Message.objects.filter(complaint=survivor).values_list("pk", flat=True)) == sorted(moved)
    assert duplicate.events.get(action="merge").data["moved_messages"] == sorted(moved)
    arrived = survivor.events.get(action="merged_in")
    assert arrived.data == {"merged": duplicate.tracking_code, "moved_messages": sorted(moved)}
    assert Event.objects.count() == events_before + 2  # nothing deleted: one event on each side


def test_a_refused_merge_moves_nothing(make_complaint, hq):
    from complaints.models import Message

    survivor = make_complaint(text="One")
    duplicate = make_complaint(text="Two")
    lifecycle.add_note(duplicate, "kept here", actor=hq)
    with pytest.raises(lifecycle.StaleComplaint):
        lifecycle.merge(duplicate, survivor, actor=hq, expected_version=duplicate.version - 1)
    assert Message.objects.filter(complaint=duplicate).count() == 1
    assert not survivor.events.filter(action="merged_in").exists()


def test_a_restricted_duplicate_keeps_its_thread_when_the_survivor_is_not_restricted(make_complaint, hq):
    from complaints.models import Message

    survivor = make_complaint(text="Harassment near the college")
    secret = lifecycle.set_restricted(make_complaint(text="Harassment near the college gate"), True, actor=hq)
    lifecycle.add_note(secret, "Her name and address", actor=hq)
    merged = lifecycle.merge(secret, survivor, actor=hq)
    assert merged.status == Status.DUPLICATE and Message.objects.filter(complaint=secret).count() == 1
    assert merged.events.get(action="merge").data["thread_kept"] == "restricted"
    assert not survivor.messages.exists() and not survivor.events.filter(action="merged_in").exists()

"""List pages run a fixed number of queries however many rows they show (no N+1)."""

import pytest
from django.urls import reverse

from complaints import lifecycle

ROWS = 30


@pytest.fixture
def many(make_complaint, unit, meerut_range, meerut_cell):
    meerut = unit("meerut")
    category = "action"
    for i in range(ROWS):
        c = lifecycle.set_suggestion(make_complaint(text=f"Complaint number {i}"), meerut, "test")
        if i % 2:
            c = lifecycle.set_category(c, category)
            c = lifecycle.forward(c, meerut)
            lifecycle.record(c, "nudge", actor=meerut_range, note=f"nudge {i}")
        if i % 3 == 0 and c.status == "forwarded":
            lifecycle.note(c, actor=meerut_cell)


@pytest.mark.parametrize("persona,url,limit", [
    # The spikes banner and the watched words' volumes count once per page, whatever the number of rows.
    # The suggested duplicates of the page's rows: one query, whatever the number of rows.
    # The header's bell: one count query on every page (for a supervisor, also the units below it).
    ("hq", reverse("dashboard:inbox"), 15),
    ("hq", reverse("dashboard:inbox") + "?tab=again", 9),
    ("hq", reverse("dashboard:inbox_rows"), 11),
    ("hq", reverse("dashboard:complaints"), 13),
    ("meerut_cell", reverse("dashboard:queue"), 13),
    ("meerut_range", reverse("dashboard:supervise"), 17),  # the bell also walks the units below the range
    ("hq", reverse("dashboard:handover"), 20),
    # The league: with the honour roll and the filed weekly reports; a first view recounts the stale days
    # (one query more for the reopened complaints among them; PostgreSQL's recount takes one more than SQLite's).
    ("hq", reverse("dashboard:league"), 24),
    ("meerut_cell", reverse("dashboard:replies"), 9),
])
def test_list_pages_have_no_n_plus_one(request, client_for, many, django_assert_max_num_queries, persona, url, limit):
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_complaint_page_queries_do_not_grow_with_the_thread(client_for, hq, meerut_complaint,
                                                            django_assert_max_num_queries):
    for i in range(15):
        lifecycle.add_note(meerut_complaint, f"note {i}", actor=hq)
    with django_assert_max_num_queries(36):  # 36 with the suggested duplicates and the bell (one query each)
        assert client_for(hq).get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).status_code == 200

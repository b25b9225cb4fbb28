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
    ("hq", reverse("dashboard:inbox"), 14),
    ("hq", reverse("dashboard:inbox") + "?tab=again", 8),
    ("hq", reverse("dashboard:inbox_rows"), 10),
    ("hq", reverse("dashboard:complaints"), 12),
    ("meerut_cell", reverse("dashboard:queue"), 12),
    ("meerut_range", reverse("dashboard:supervise"), 14),
    ("hq", reverse("dashboard:handover"), 19),
    ("hq", reverse("dashboard:league"), 20),  # with the honour roll and the filed weekly reports
    ("meerut_cell", reverse("dashboard:replies"), 8),
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
    with django_assert_max_num_queries(35):  # 35 with the suggested duplicates (one query)
        assert client_for(hq).get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).status_code == 200

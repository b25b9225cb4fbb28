"""The scoping function for each role: who sees which complaints and who may do what."""

import pytest

from complaints import lifecycle, scoping
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(forwarded, make_complaint):
    return {
        "meerut": forwarded("meerut"),
        "bareilly": forwarded("bareilly"),
        "lucknow_district": forwarded("lucknow"),  # under the Lucknow commissionerate
        "lucknow": forwarded("lucknow-commissionerate"),
        "new": make_complaint(),
    }


def codes_for(user):
    return set(scoping.visible_complaints(user).values_list("tracking_code", flat=True))


def test_hq_sees_everything(spread, hq, hq_operator):
    every = set(Complaint.objects.values_list("tracking_code", flat=True))
    assert codes_for(hq) == every
    assert codes_for(hq_operator) == every


def test_superuser_without_profile_is_hq(spread, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.invalid", "pw")
    assert codes_for(admin) == set(Complaint.objects.values_list("tracking_code", flat=True))


def test_a_cell_sees_only_its_unit(spread, meerut_cell, bareilly_cell):
    assert codes_for(meerut_cell) == {spread["meerut"].tracking_code}
    assert codes_for(bareilly_cell) == {spread["bareilly"].tracking_code}


def test_a_commissionerate_cell_sees_its_district_too(spread, lucknow_cell):
    assert codes_for(lucknow_cell) == {spread["lucknow"].tracking_code, spread["lucknow_district"].tracking_code}


def test_range_and_zone_supervisors_see_units_below(spread, meerut_range, meerut_zone):
    assert codes_for(meerut_range) == {spread["meerut"].tracking_code}
    assert codes_for(meerut_zone) == {spread["meerut"].tracking_code}


def test_nobody_else_sees_anything(spread, no_profile, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert codes_for(no_profile) == set()
    assert codes_for(AnonymousUser()) == set()
    assert codes_for(None) == set()
    inactive = django_user_model.objects.create_superuser("gone", "g@example.invalid", "pw", is_active=False)
    assert codes_for(inactive) == set()


def test_allowed_actions_by_role(spread, hq_operator, meerut_cell, bareilly_cell, meerut_range):
    c = spread["meerut"]
    assert "forward" in scoping.allowed_actions(hq_operator, c)
    assert scoping.allowed_actions(meerut_cell, c) == scoping.CELL_ACTIONS
    assert "forward" not in scoping.allowed_actions(meerut_cell, c)
    assert scoping.allowed_actions(bareilly_cell, c) == frozenset()
    assert scoping.allowed_actions(meerut_range, c) == {"nudge"}
    assert not scoping.can_change(meerut_range, c, "note")


def test_restricted_complaints(forwarded, hq, hq_operator, lucknow_cell, django_user_model, unit):
    from districts.models import Role, StaffProfile

    c = forwarded("lucknow-commissionerate")
    lifecycle.set_restricted(c, True, actor=hq)
    plain_lucknow = django_user_model.objects.create_user("lko-plain")
    StaffProfile.objects.create(user=plain_lucknow, unit=unit("lucknow-commissionerate"), role=Role.CELL)
    assert c.tracking_code in codes_for(hq)  # HQ supervisor
    assert c.tracking_code in codes_for(lucknow_cell)  # designated staff of the unit
    assert c.tracking_code not in codes_for(hq_operator)
    assert c.tracking_code not in codes_for(plain_lucknow)

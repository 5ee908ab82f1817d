"""Areas: the municipalities of the reference list (current and ended, with their successor),
districts and neighbourhoods added by programme staff, and the areas of a deal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dealmonitor.areas import selectors, services
from dealmonitor.areas.models import Area, DealArea

pytestmark = pytest.mark.django_db


def test_the_current_municipalities_and_the_ended_ones_are_areas():
    current = Area.objects.filter(kind="gemeente", valid_to__isnull=True)
    assert current.count() == 342
    voorne = Area.objects.get(code="GM1992")
    assert voorne.name == "Voorne aan Zee" and voorne.province == "PV28"
    assert voorne.valid_from == dt.date(2023, 1, 1)
    brielle = Area.objects.get(code="GM0501")
    assert brielle.valid_to == dt.date(2022, 12, 31) and brielle.successor == voorne
    assert Area.objects.get(code="GM0457").successor.code == "GM0363"  # Weesp: Amsterdam
    assert Area.objects.get(code="GM0518").valid_from is None  # existed before the lists


def test_syncing_again_changes_nothing():
    assert services.sync_municipalities() == (0, 0)


def test_programme_staff_add_a_district_under_its_municipality(programme_admin, team_user):
    area = services.add_area(actor=programme_admin, code="wk059901", name="Stadscentrum")
    assert (area.kind, area.parent.code, area.province) == ("wijk", "GM0599", "PV28")
    buurt = services.add_area(actor=None, code="BU05990110", name="Stadsdriehoek")
    assert buurt.parent == area
    with pytest.raises(ValidationError):
        services.add_area(actor=None, code="WK9999", name="Te kort")
    with pytest.raises(ValidationError):
        services.add_area(actor=None, code="WK999901", name="Geen gemeente")  # GM9999 unknown
    with pytest.raises(PermissionDenied):
        services.add_area(actor=team_user, code="WK059902", name="Noord")


def test_a_deal_s_areas_are_its_partner_municipalities_by_code_today(deal):
    rows, left_out = selectors.deal_areas(deal)
    # Brielle's old code counts as Voorne aan Zee; the foundation is no municipality
    assert [(r.area.code, r.origin) for r in rows] == [
        ("GM0518", "partner"), ("GM0599", "partner"), ("GM1992", "partner")]
    assert left_out == []


def test_the_team_chooses_and_leaves_out_areas_with_history(deal, team_user, stadscentrum):
    services.choose_area(actor=team_user, deal=deal, area=stadscentrum, note="pilotwijk")
    den_haag = Area.objects.get(code="GM0518")
    services.leave_out_area(actor=team_user, deal=deal, area=den_haag, reason="buiten de pilot")
    rows, left_out = selectors.deal_areas(deal)
    assert [r.area.code for r in rows] == ["GM0599", "GM1992", "WK059901"]
    assert rows[-1].origin == "gekozen" and rows[-1].note == "pilotwijk"
    assert left_out == [den_haag]
    history = DealArea.history.filter(deal_id=deal.pk).order_by("history_id")
    assert [(h.area_id, h.included, h.history_user_id) for h in history] == [
        (stadscentrum.pk, True, team_user.pk), (den_haag.pk, False, team_user.pk)]
    assert history.last().history_change_reason == "buiten de pilot"
    # a chosen area taken off again leaves the deal; its removal is in the history
    services.leave_out_area(actor=team_user, deal=deal, area=stadscentrum)
    assert not DealArea.objects.filter(area=stadscentrum).exists()
    assert DealArea.history.filter(area_id=stadscentrum.pk, history_type="-").exists()
    # taking Den Haag back
    services.choose_area(actor=team_user, deal=deal, area=den_haag)
    assert [r.area.code for r in selectors.deal_areas(deal)[0]] == ["GM0518", "GM0599", "GM1992"]


def test_choosing_twice_or_leaving_out_a_stranger_is_refused(deal, team_user, stadscentrum):
    with pytest.raises(ValidationError):
        services.choose_area(actor=team_user, deal=deal, area=Area.objects.get(code="GM0518"))
    with pytest.raises(ValidationError):
        services.leave_out_area(actor=team_user, deal=deal, area=stadscentrum)


def test_only_the_team_chooses_areas(deal, partner_user, stadscentrum, django_user_model):
    with pytest.raises(PermissionDenied):
        services.choose_area(actor=partner_user, deal=deal, area=stadscentrum)
    with pytest.raises(PermissionDenied):
        services.leave_out_area(actor=partner_user, deal=deal, area=Area.objects.get(code="GM0518"))
    assert not DealArea.objects.exists()

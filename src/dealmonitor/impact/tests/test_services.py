"""The write services of the impact app: who may write, and what a user is told when the
input is wrong. Every change leaves a history entry with the acting user."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dealmonitor.impact import services
from dealmonitor.impact.constants import AssumptionStatus, Level
from dealmonitor.impact.models import Measurement

pytestmark = pytest.mark.django_db


def _messages(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# Validation messages -----------------------------------------------------------------------

def test_a_percentage_above_100_is_refused_with_the_value(percentage):
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=percentage, date=dt.date(2023, 1, 1), value="104")
    assert "tussen 0 en 100" in _messages(exc, "value") or "between 0 and 100" in _messages(exc, "value")
    assert "104" in _messages(exc, "value")
    assert not Measurement.objects.exists()


def test_text_in_a_number_is_named(numeric):
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 1, 1), value="twaalf")
    assert "twaalf" in _messages(exc, "value")


def test_a_decimal_comma_is_accepted(numeric):
    m = services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 1, 1), value="12,5")
    assert m.value == Decimal("12.5")


def test_a_date_before_the_deal_started_names_the_start(numeric):
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=numeric, date=dt.date(2021, 12, 31), value=3)
    assert "2022-03-01" in _messages(exc, "date")


def test_a_date_after_the_deal_ends_uses_the_end_of_its_year(numeric):
    # The deal ends in 2025 (year precision): 31 December 2025 is inside, 2026 is outside.
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2025, 12, 31), value=3)
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=numeric, date=dt.date(2026, 1, 1), value=3)
    assert "2025-12-31" in _messages(exc, "date")


def test_a_milestone_status_must_be_one_of_its_statuses(milestone):
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=milestone, date=dt.date(2023, 1, 1), status="half af")
    message = _messages(exc, "status")
    assert "half af" in message and "niet gestart, gestart, gerealiseerd" in message
    m = services.record_measurement(actor=None, indicator=milestone, date=dt.date(2023, 1, 1), status="gestart")
    assert m.status == "gestart"


def test_an_indicator_cannot_hang_on_another_deals_element(deal, other_deal, elements):
    other_pathway = services.get_or_create_pathway(actor=None, deal=other_deal)
    foreign = services.add_element(actor=None, pathway=other_pathway, level=Level.OUTPUT, title="Elders")
    with pytest.raises(ValidationError) as exc:
        services.save_indicator(actor=None, deal=deal, name="X", element=foreign, kind="numeriek")
    assert "element" in exc.value.message_dict


def test_a_link_to_itself_or_twice_is_refused(elements):
    a, b = elements[Level.ACTIVITEITEN], elements[Level.OUTPUT]
    services.add_link(actor=None, cause=a, effect=b)
    with pytest.raises(ValidationError):
        services.add_link(actor=None, cause=a, effect=b)
    with pytest.raises(ValidationError):
        services.add_link(actor=None, cause=a, effect=a)


def test_evidence_changes_the_assumption_status_and_keeps_history(elements, team_user):
    link = services.add_link(actor=None, cause=elements[Level.OUTPUT], effect=elements[Level.OUTCOME])
    assumption = services.add_assumption(actor=team_user, link=link, text="Bewoners doen mee als de buurt het vraagt.")
    assert assumption.status == AssumptionStatus.ONGETOETST
    services.add_assumption_evidence(
        actor=team_user, assumption=assumption, date=dt.date(2023, 5, 1), stance="tegen",
        text="Opkomst bleef laag.", new_status=AssumptionStatus.WEERLEGD,
    )
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.WEERLEGD
    statuses = [h.status for h in assumption.history.order_by("history_date")]
    assert statuses == [AssumptionStatus.ONGETOETST, AssumptionStatus.WEERLEGD]
    assert assumption.history.latest().history_user == team_user


# Permissions -------------------------------------------------------------------------------

def _writes(deal, pathway, elements, numeric, org):
    """Every write of the impact app, as (name, callable taking the actor)."""
    a, b = elements[Level.OUTPUT], elements[Level.OUTCOME]
    link = services.add_link(actor=None, cause=a, effect=b)
    assumption = services.add_assumption(actor=None, link=link, text="Aanname")
    measurement = services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 1, 1), value=1)
    return [
        ("update_pathway", lambda u: services.update_pathway(actor=u, pathway=pathway, summary="x")),
        ("add_element", lambda u: services.add_element(actor=u, pathway=pathway, level="impact", title="x")),
        ("update_element", lambda u: services.update_element(actor=u, element=a, title="y")),
        ("add_link", lambda u: services.add_link(actor=u, cause=elements[Level.ACTIVITEITEN], effect=a)),
        ("add_assumption", lambda u: services.add_assumption(actor=u, link=link, text="x")),
        ("add_assumption_evidence", lambda u: services.add_assumption_evidence(
            actor=u, assumption=assumption, date=dt.date(2023, 1, 1), stance="voor", text="x")),
        ("save_effect", lambda u: services.save_effect(
            actor=u, deal=deal, description="x", valence="positief", dimension="sociaal")),
        ("save_indicator", lambda u: services.save_indicator(actor=u, deal=deal, name="x", kind="numeriek")),
        ("set_targets", lambda u: services.set_targets(actor=u, indicator=numeric, targets=[])),
        ("delete_link", lambda u: services.delete_link(actor=u, link=link)),
        ("delete_element", lambda u: services.delete_element(actor=u, element=elements[Level.ACTIVITEITEN])),
        ("delete_measurement", lambda u: services.delete_measurement(actor=u, measurement=measurement)),
        ("record_measurement", lambda u: services.record_measurement(
            actor=u, indicator=numeric, date=dt.date(2023, 2, 1), value=2, reporting_organisation=org)),
    ]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "partner_user"])
def test_only_the_deal_team_and_administrators_change_the_pathway_and_indicators(
    request, who, deal, pathway, elements, numeric, partner_org
):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    for name, write in _writes(deal, pathway, elements, numeric, partner_org):
        if who == "partner_user" and name == "record_measurement":
            continue  # a partner member may report for their own organisation (below)
        with pytest.raises(PermissionDenied):
            write(user)
            pytest.fail(f"{who} could {name}")


@pytest.mark.parametrize("who", ["team_user", "staff_user"])
def test_the_team_and_administrators_may_do_every_write(request, who, deal, pathway, elements, numeric, partner_org):
    user = request.getfixturevalue(who)
    for _name, write in _writes(deal, pathway, elements, numeric, partner_org):
        write(user)


def test_a_partner_member_reports_only_for_their_own_organisation(numeric, partner_user, partner_org, other_org):
    m = services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 3, 1),
                                    value=4, reporting_organisation=partner_org)
    assert m.reported_by == partner_user
    assert m.history.latest().history_user == partner_user
    with pytest.raises(PermissionDenied):
        services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 3, 1),
                                    value=4, reporting_organisation=other_org)
    with pytest.raises(PermissionDenied):
        services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 3, 1), value=4)

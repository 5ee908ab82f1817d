"""The learning services: permission, validation and history. Messages are checked in
Dutch, the language users see by default."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dealmonitor.deals.constants import RoleKind
from dealmonitor.deals.models import Role
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import IndicatorKind, Level
from dealmonitor.learning import selectors, services
from dealmonitor.learning.constants import BottleneckKind, BottleneckStatus, LessonKind, Visibility
from dealmonitor.learning.models import Answer, AssessmentTemplate, Bottleneck
from dealmonitor.organisations.models import Person

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _bottleneck(deal, actor=None, **extra):
    fields = {"title": "Subsidie alleen door bewoners aan te vragen", "kind": BottleneckKind.REGELGEVING,
              "signalled_on": dt.date(2022, 1, 10)}
    fields.update(extra)
    return services.report_bottleneck(actor=actor, deal=deal, **fields)


# Bottlenecks ------------------------------------------------------------------------------

def test_a_bottleneck_keeps_its_status_history_and_who_changed_it(deal, team_user, ministry):
    b = _bottleneck(deal, team_user, ministry=ministry)
    services.change_bottleneck_status(actor=team_user, bottleneck=b, status=BottleneckStatus.GEAGENDEERD,
                                      date=dt.date(2022, 6, 1), note="Besproken met de dealmaker")
    with pytest.raises(ValidationError) as exc:
        services.change_bottleneck_status(actor=team_user, bottleneck=b, status=BottleneckStatus.OPGELOST,
                                          date=dt.date(2024, 1, 1))
    assert "resolution" in exc.value.message_dict
    services.change_bottleneck_status(actor=team_user, bottleneck=b, status=BottleneckStatus.OPGELOST,
                                      date=dt.date(2024, 1, 1), resolution="Gemeenten mogen nu aanvragen.")
    b.refresh_from_db()
    assert [c.status for c in b.status_changes.all()] == ["gesignaleerd", "geagendeerd", "opgelost"]
    assert b.closed_on == dt.date(2024, 1, 1) and not b.is_open
    assert b.days_open() == (dt.date(2024, 1, 1) - dt.date(2022, 1, 10)).days
    assert b.history.first().history_user == team_user


def test_a_status_cannot_go_back_in_time_or_repeat(deal):
    b = _bottleneck(deal)
    services.change_bottleneck_status(actor=None, bottleneck=b, status="geagendeerd", date=dt.date(2022, 6, 1))
    with pytest.raises(ValidationError, match="2022-06-01"):
        services.change_bottleneck_status(actor=None, bottleneck=b, status="in_behandeling", date=dt.date(2022, 5, 1))
    with pytest.raises(ValidationError):
        services.change_bottleneck_status(actor=None, bottleneck=b, status="geagendeerd", date=dt.date(2022, 7, 1))


def test_reopening_clears_the_closing_date_and_counts_days_to_today(deal):
    b = _bottleneck(deal)
    services.change_bottleneck_status(actor=None, bottleneck=b, status="niet_opgelost", date=dt.date(2023, 1, 1))
    services.change_bottleneck_status(actor=None, bottleneck=b, status="in_behandeling", date=dt.date(2023, 2, 1))
    b.refresh_from_db()
    assert b.closed_on is None and b.days_open() == (TODAY - dt.date(2022, 1, 10)).days


def test_only_the_deal_team_records_bottlenecks_and_only_with_a_ministry(deal, outsider, rotterdam_user, rotterdam):
    with pytest.raises(PermissionDenied):
        _bottleneck(deal, outsider)
    with pytest.raises(PermissionDenied):
        _bottleneck(deal, rotterdam_user)
    with pytest.raises(ValidationError, match="is geen ministerie"):
        _bottleneck(deal, ministry=rotterdam)
    assert not Bottleneck.objects.exists()


def test_the_programme_view_groups_by_ministry_open_first(deal, ministry):
    old = _bottleneck(deal, title="Oud", ministry=ministry, signalled_on=dt.date(2021, 1, 1))
    new = _bottleneck(deal, title="Nieuw", ministry=ministry, signalled_on=dt.date(2023, 1, 1))
    done = _bottleneck(deal, title="Klaar", ministry=ministry, signalled_on=dt.date(2020, 1, 1))
    services.change_bottleneck_status(actor=None, bottleneck=done, status="niet_opgelost", date=dt.date(2020, 3, 1))
    loose = _bottleneck(deal, title="Zonder ministerie")
    groups = selectors.bottlenecks_by_ministry(list(selectors.bottlenecks(None)))
    assert [g.ministry for g in groups] == [ministry, None]
    assert [b.title for b in groups[0].rows] == ["Oud", "Nieuw", "Klaar"]
    assert groups[0].open_count == 2 and groups[1].rows == [loose]
    matrix, totals = selectors.status_matrix(list(selectors.bottlenecks(None)))
    assert matrix[0] == (ministry.name, [2, 0, 0, 0, 1], 3)
    assert totals == [3, 0, 0, 0, 1]
    assert old.pk and new.pk


# Lessons ----------------------------------------------------------------------------------

def test_a_lesson_links_only_to_its_own_deals_indicators_and_bottlenecks(deal, other_deal):
    mine = _bottleneck(deal)
    theirs = _bottleneck(other_deal)
    with pytest.raises(ValidationError, match="niet toegestaan"):
        services.save_lesson(actor=None, deal=deal, title="Les", text="Tekst", kind=LessonKind.INZICHT,
                             bottlenecks=[mine, theirs])
    lesson = services.save_lesson(actor=None, deal=deal, title="Les", text="Tekst", kind=LessonKind.INZICHT,
                                  bottlenecks=[mine])
    assert list(lesson.bottlenecks.all()) == [mine]


def test_a_lesson_linked_to_an_assumption_of_another_deal_is_refused(deal, other_deal):
    pathway = impact_services.get_or_create_pathway(actor=None, deal=other_deal)
    a = impact_services.add_element(actor=None, pathway=pathway, level=Level.ACTIVITEITEN, title="A")
    b = impact_services.add_element(actor=None, pathway=pathway, level=Level.OUTPUT, title="B")
    link = impact_services.add_link(actor=None, cause=a, effect=b)
    assumption = impact_services.add_assumption(actor=None, link=link, text="Het werkt")
    with pytest.raises(ValidationError):
        services.save_lesson(actor=None, deal=deal, title="Les", text="x", kind="inzicht", assumptions=[assumption])


# Self-assessments -------------------------------------------------------------------------

def _answers(rnd, *scores, comment=""):
    statements = list(rnd.template.statements.all())
    return {s.pk: (score, comment) for s, score in zip(statements, scores)}


def test_a_round_answered_by_two_partners_closed_and_compared(deal, team_user, rotterdam, tilburg,
                                                               rotterdam_user, tilburg_user):
    first = services.open_round(actor=team_user, deal=deal, name="Tussenmeting 2023", opened_on=dt.date(2023, 3, 1))
    services.save_answers(actor=rotterdam_user, round=first, organisation=rotterdam, answers=_answers(first, 2))
    services.save_answers(actor=tilburg_user, round=first, organisation=tilburg, answers=_answers(first, 2))
    services.close_round(actor=team_user, round=first, reflection="Doelen zijn vaag.", closed_on=dt.date(2023, 4, 1))

    second = services.open_round(actor=team_user, deal=deal, name="Tussenmeting 2024", opened_on=dt.date(2024, 3, 1))
    services.save_answers(actor=rotterdam_user, round=second, organisation=rotterdam,
                          answers=_answers(second, 5, 4, comment="Veel scherper nu"))
    services.save_answers(actor=tilburg_user, round=second, organisation=tilburg, answers=_answers(second, 3))
    lessons = services.close_round(
        actor=team_user, round=second, reflection="De doelen zijn scherper.",
        lessons="Maak doelen meetbaar bij de start\n\nSpreek af wie meet", closed_on=dt.date(2024, 4, 1),
    )

    data = selectors.round_results(second)
    goals = data["results"][0]
    assert goals.statement.code == "doelen"
    assert goals.n == 2 and goals.mean == 4.0 and goals.spread == 1.0
    assert [d["count"] for d in goals.distribution] == [0, 0, 1, 0, 1]
    assert goals.previous_mean == 2.0 and goals.change == 2.0
    # compared on spread and distribution too: last year both said 2, now they differ
    assert goals.previous_spread == 0.0 and goals.spread_change == 1.0
    assert [d["count"] for d in goals.previous_distribution] == [0, 2, 0, 0, 0]
    assert data["previous"] == first
    assert [o.name for o in data["organisations"]] == ["Gemeente Rotterdam", "Gemeente Tilburg"]
    # the closing reflection became two lessons of the deal, linked to the round
    assert [l.title for l in lessons] == ["Maak doelen meetbaar bij de start", "Spreek af wie meet"]
    assert all(l.source_round == second and l.visibility == Visibility.DEAL for l in lessons)


def test_a_partner_member_answers_only_for_their_own_organisation(deal, rotterdam, tilburg, rotterdam_user, outsider):
    rnd = services.open_round(actor=None, deal=deal, name="Ronde")
    with pytest.raises(PermissionDenied, match="eigen organisatie"):
        services.save_answers(actor=rotterdam_user, round=rnd, organisation=tilburg, answers=_answers(rnd, 3))
    with pytest.raises(PermissionDenied):
        services.save_answers(actor=outsider, round=rnd, organisation=rotterdam, answers=_answers(rnd, 3))
    assert [o.name for o in services.answerable_organisations(rotterdam_user, rnd)] == ["Gemeente Rotterdam"]
    assert not Answer.objects.exists()


def test_answers_that_would_be_lost_are_refused(deal, rotterdam):
    rnd = services.open_round(actor=None, deal=deal, name="Ronde")
    first, second = list(rnd.template.statements.all())[:2]
    with pytest.raises(ValidationError) as exc:
        services.save_answers(actor=None, round=rnd, organisation=rotterdam,
                              answers={first.pk: (None, "Weet niet, want..."), second.pk: (6, "")})
    assert set(exc.value.message_dict) == {f"statement_{first.pk}", f"statement_{second.pk}"}
    services.save_answers(actor=None, round=rnd, organisation=rotterdam, answers={first.pk: (4, "Goed")})
    services.save_answers(actor=None, round=rnd, organisation=rotterdam, answers={first.pk: (None, "")})
    assert not Answer.objects.exists()  # clearing an answer removes it, with history
    assert Answer.history.filter(history_type="-").count() == 1


def test_a_closed_round_takes_no_answers_and_a_deal_has_one_open_round(deal, rotterdam):
    rnd = services.open_round(actor=None, deal=deal, name="Ronde")
    with pytest.raises(ValidationError, match="open ronde"):
        services.open_round(actor=None, deal=deal, name="Nog een")
    with pytest.raises(ValidationError, match="reflectie"):
        services.close_round(actor=None, round=rnd, reflection="  ")
    services.close_round(actor=None, round=rnd, reflection="Klaar")
    with pytest.raises(ValidationError, match="afgesloten"):
        services.save_answers(actor=None, round=rnd, organisation=rotterdam, answers=_answers(rnd, 3))


def test_a_new_template_version_leaves_the_old_one_and_compares_by_code(deal, rotterdam, staff_user, team_user,
                                                                        default_template):
    old = services.open_round(actor=None, deal=deal, name="Oud", opened_on=dt.date(2023, 1, 1))
    services.save_answers(actor=None, round=old, organisation=rotterdam, answers=_answers(old, 2))
    services.close_round(actor=None, round=old, reflection="x", closed_on=dt.date(2023, 2, 1))
    statements = [{"code": "doelen", "theme": "Doelen", "text": "Onze doelen zijn meetbaar."},
                  {"code": "nieuw", "theme": "Nieuw", "text": "Een nieuwe stelling."}]
    with pytest.raises(PermissionDenied):
        services.new_template_version(actor=team_user, template=default_template, statements=statements)
    v2 = services.new_template_version(actor=staff_user, template=default_template, statements=statements)
    assert v2.version == 2 and v2.is_default
    assert AssessmentTemplate.objects.get(pk=default_template.pk).statements.count() == 12
    new = services.open_round(actor=None, deal=deal, name="Nieuw", opened_on=dt.date(2024, 1, 1))
    assert new.template == v2
    services.save_answers(actor=None, round=new, organisation=rotterdam, answers=_answers(new, 4, 5))
    goals, added = selectors.round_results(new)["results"]
    assert goals.change == 2.0 and added.previous_mean is None


# Uptake and deliverables ----------------------------------------------------------------------

def test_an_adoption_needs_an_adopter_and_uptake_stays_in_its_deal(deal, other_deal, rotterdam):
    tool = services.save_deliverable(actor=None, deal=deal, name="Dashboard", kind="instrument")
    with pytest.raises(ValidationError, match="Noem wie het gebruikt"):
        services.add_adoption(actor=None, deliverable=tool)
    services.add_adoption(actor=None, deliverable=tool, organisation=rotterdam)
    services.add_adoption(actor=None, deliverable=tool, adopter="meerdere steden")
    assert [a.adopter_name for a in tool.adoptions.all()] == ["Gemeente Rotterdam", "meerdere steden"]
    with pytest.raises(ValidationError, match="niet toegestaan"):
        services.save_uptake(actor=None, deal=deal, kind="regelgeving", title="x", bottleneck=_bottleneck(other_deal))


# Key-person risk and evidence gaps ----------------------------------------------------------

def test_key_person_risk_from_the_deals_roles(deal, other_deal):
    finished = DealFactory(slug="cd-klaar", status="afgerond")
    one, two, three = (Person.objects.create(slug=f"person-{i}") for i in (1, 2, 3))
    Role.objects.create(deal=deal, person=one, kind="projectleider")
    Role.objects.create(deal=other_deal, person=one, kind="projectleider")
    Role.objects.create(deal=finished, person=one, kind="projectleider")
    Role.objects.create(deal=other_deal, person=two, kind="projectleider")  # a second one: a deputy
    Role.objects.create(deal=deal, person=three, kind="projectsecretaris", end=dt.date(2023, 5, 1))
    risk = selectors.key_person_risk(None)
    assert [(s["person"], s["deals"], s["running"]) for s in risk["stretched"]] == [(one, 3, 2)]
    assert [(v["deal"], str(v["kind"])) for v in risk["vacant"]] == [(deal, str(RoleKind.PROJECTSECRETARIS.label))]
    assert [(v["deal"], v["role"].person) for v in risk["no_deputy"]] == [(deal, one)]
    assert finished not in risk["unrecorded"] and deal not in risk["unrecorded"]


def test_evidence_gaps_list_what_an_auditor_asks_for(deal):
    from dealmonitor.deals.models import Ambition

    pathway = impact_services.get_or_create_pathway(actor=None, deal=deal)
    output = impact_services.add_element(actor=None, pathway=pathway, level=Level.OUTPUT, title="Handreiking")
    outcome = impact_services.add_element(actor=None, pathway=pathway, level=Level.OUTCOME, title="Lagere lasten")
    link = impact_services.add_link(actor=None, cause=output, effect=outcome)
    untested = impact_services.add_assumption(actor=None, link=link, text="Gemeenten gebruiken het")
    ambition = Ambition.objects.create(deal=deal, text="1000 woningen verduurzaamd")
    measured = impact_services.save_indicator(actor=None, deal=deal, name="Woningen", element=output,
                                              kind=IndicatorKind.NUMERIC)
    impact_services.record_measurement(actor=None, indicator=measured, date=TODAY - dt.timedelta(days=30),
                                       value=10, evidence_url="https://example.org/rapport")
    stale = impact_services.save_indicator(actor=None, deal=deal, name="Tevredenheid", kind=IndicatorKind.NUMERIC)
    gaps = selectors.evidence_gaps(None)
    assert gaps["ambitions"] == [ambition]
    assert gaps["stale_indicators"] == [stale]
    assert gaps["unevidenced_elements"] == [outcome]
    assert gaps["untested_assumptions"] == [untested]


def test_a_withdrawn_measurement_leaves_the_evidence_gaps_as_if_never_recorded(deal):
    """Issue 17: a withdrawn measurement leaves every figure. The only measurement of an
    indicator, withdrawn, makes the indicator stale again and its element unevidenced."""
    pathway = impact_services.get_or_create_pathway(actor=None, deal=deal)
    output = impact_services.add_element(actor=None, pathway=pathway, level=Level.OUTPUT, title="Handreiking")
    indicator = impact_services.save_indicator(actor=None, deal=deal, name="Woningen", element=output,
                                               kind=IndicatorKind.NUMERIC)
    wrong = impact_services.record_measurement(actor=None, indicator=indicator,
                                               date=TODAY - dt.timedelta(days=30), value=10,
                                               evidence_url="https://example.org/rapport")
    gaps = selectors.evidence_gaps(None)
    assert gaps["stale_indicators"] == [] and gaps["unevidenced_elements"] == []

    impact_services.withdraw_measurement(actor=None, measurement=wrong, reason="Verkeerde deal")

    gaps = selectors.evidence_gaps(None)
    assert gaps["stale_indicators"] == [indicator]
    assert gaps["unevidenced_elements"] == [output]

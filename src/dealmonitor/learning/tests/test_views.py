"""The learning pages through Django's test client: what they show, who may post, and that
the list pages need the same number of queries however much data there is."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from dealmonitor.deals.models import PhaseChange
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.learning import services
from dealmonitor.learning.models import Answer, AssessmentRound, Bottleneck, Lesson, Uptake
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.utils.queries import count_queries

pytestmark = pytest.mark.django_db


def _fill(n, ministry):
    """n deals, each with a bottleneck (two statuses), a lesson, uptake, a deliverable with an
    adopter and a closed round answered by one partner."""
    for i in range(n):
        deal = DealFactory()
        org = ParticipationFactory(deal=deal).organisation
        b = services.report_bottleneck(actor=None, deal=deal, title=f"Knelpunt {i}", kind="data",
                                       ministry=ministry, signalled_on=dt.date(2022, 1, 1))
        services.change_bottleneck_status(actor=None, bottleneck=b, status="geagendeerd", date=dt.date(2022, 2, 1))
        services.save_lesson(actor=None, deal=deal, title=f"Les {i}", text="Een knelpunt opgelost",
                             kind="succes", bottlenecks=[b])
        services.save_uptake(actor=None, deal=deal, kind="standaard", title=f"Norm {i}", bottleneck=b)
        tool = services.save_deliverable(actor=None, deal=deal, name=f"Tool {i}", kind="instrument")
        services.add_adoption(actor=None, deliverable=tool, organisation=org)
        rnd = services.open_round(actor=None, deal=deal, name="Ronde", opened_on=dt.date(2024, 1, 1))
        statements = list(rnd.template.statements.all())
        services.save_answers(actor=None, round=rnd, organisation=org,
                              answers={s.pk: (3, "") for s in statements})
        services.close_round(actor=None, round=rnd, reflection="Klaar", closed_on=dt.date(2024, 2, 1))


@pytest.mark.parametrize("name", [
    "learning:programme", "learning:bottlenecks", "learning:lessons", "learning:evidence_gaps",
    "learning:key_persons", "learning:templates",
])
def test_programme_pages_need_the_same_queries_for_2_and_12_deals(client, name):
    ministry = OrganisationFactory(type=OrganisationType.MINISTERIE, name="Ministerie X", slug="min-x")
    _fill(2, ministry)
    client.get(reverse(name))
    cache.clear()  # count the page computing its figures, not reading them from the cache
    with count_queries() as small:
        assert client.get(reverse(name)).status_code == 200
    _fill(10, ministry)
    cache.clear()
    with count_queries() as large:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert small.count == large.count


def test_deal_and_round_pages_need_the_same_queries_for_more_data(client, staff_user):
    client.force_login(staff_user)
    ministry = OrganisationFactory(type=OrganisationType.MINISTERIE, name="Ministerie X", slug="min-x")
    _fill(1, ministry)
    deal = AssessmentRound.objects.get().deal
    rnd = AssessmentRound.objects.get()
    b = Bottleneck.objects.get()
    # A lesson of the round that names the bottleneck: the three pages link each other.
    linked = services.save_lesson(actor=None, deal=deal, title="Gekoppeld", text="x", kind="fout",
                                  source_round=rnd, bottlenecks=[b])
    urls = [reverse("learning:deal", args=[deal.slug]), rnd.get_absolute_url(),
            b.get_absolute_url(), linked.get_absolute_url()]
    before = []
    for url in urls:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        before.append(counted.count)
    org2 = ParticipationFactory(deal=deal).organisation
    extra_bottlenecks = []
    for i in range(5):
        extra_bottlenecks.append(
            services.report_bottleneck(actor=None, deal=deal, title=f"Extra {i}", kind="markt"))
        services.change_bottleneck_status(actor=None, bottleneck=b, status=["in_behandeling", "geagendeerd"][i % 2],
                                          date=dt.date(2022, 3, 1 + i))
        services.save_lesson(actor=None, deal=deal, title=f"Extra {i}", text="x", kind="fout",
                             source_round=rnd, bottlenecks=[b])
    services.save_lesson(actor=None, deal=deal, lesson=linked, bottlenecks=[b, *extra_bottlenecks])
    rnd.closed_on = None  # reopened to take a second organisation's answers
    rnd.save()
    services.save_answers(actor=None, round=rnd, organisation=org2,
                          answers={s.pk: (4, "ok") for s in rnd.template.statements.all()})
    rnd.closed_on = dt.date(2024, 2, 1)  # closed again, as when the page was first counted
    rnd.save()
    after = []
    for url in urls:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        after.append(counted.count)
    assert before == after


def test_the_bottleneck_list_shows_days_open_per_ministry(client, deal, ministry, team_user):
    services.report_bottleneck(actor=None, deal=deal, title="Regel knelt", kind="regelgeving",
                               ministry=ministry, signalled_on=dt.date.today() - dt.timedelta(days=40))
    # An unresolved bottleneck is internal to its deal: not for the public...
    assert "Regel knelt" not in client.get(reverse("learning:bottlenecks")).content.decode()
    client.force_login(team_user)  # ...but for the deal's team
    page = client.get(reverse("learning:bottlenecks")).content.decode()
    assert ministry.name in page and "Regel knelt" in page and ">40<" in page


def test_anonymous_users_are_sent_to_sign_in_and_outsiders_refused(client, deal, outsider):
    url = reverse("learning:bottleneck_create", args=[deal.slug])
    response = client.post(url, {"title": "x", "kind": "data"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(outsider)
    assert client.post(url, {"title": "x", "kind": "data"}).status_code == 403
    assert not Bottleneck.objects.exists()


def test_the_team_reports_a_bottleneck_and_resolves_it_through_the_forms(client, deal, team_user, ministry):
    client.force_login(team_user)
    response = client.post(reverse("learning:bottleneck_create", args=[deal.slug]), {
        "title": "ISDE alleen voor bewoners", "kind": "regelgeving", "level": "rijk",
        "ministry": ministry.pk, "signalled_on": "2021-03-04",
    })
    b = Bottleneck.objects.get()
    assert response.status_code == 302 and response["Location"] == b.get_absolute_url()
    response = client.post(b.get_absolute_url(), {"status": "opgelost", "date": "2024-01-01"})
    assert response.status_code == 400
    assert "Beschrijf hoe het knelpunt is opgelost." in response.content.decode()
    response = client.post(b.get_absolute_url(), {"status": "opgelost", "date": "2024-01-01",
                                                  "resolution": "Gemeenten vragen aan"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == "opgelost" and b.status_changes.count() == 2


def test_a_partner_answers_through_the_form_and_cannot_pick_another_organisation(
        client, deal, rotterdam, tilburg, rotterdam_user):
    rnd = services.open_round(actor=None, deal=deal, name="Ronde")
    statements = list(rnd.template.statements.all())
    client.force_login(rotterdam_user)
    url = reverse("learning:round_answer", args=[rnd.deal.slug, rnd.pk])
    assert client.get(url).status_code == 200  # one organisation: straight to its form
    assert client.get(f"{url}?organisation={tilburg.pk}").status_code == 403
    data = {"organisation": rotterdam.pk, f"score_{statements[0].pk}": "4",
            f"comment_{statements[1].pk}": "Geen score gegeven"}
    response = client.post(url, data)
    assert response.status_code == 400 and not Answer.objects.exists()
    data[f"score_{statements[1].pk}"] = "2"
    assert client.post(url, data).status_code == 302
    assert sorted(Answer.objects.values_list("score", flat=True)) == [2, 4]


def test_the_lessons_page_searches_and_filters(client, deal):
    services.save_lesson(actor=None, deal=deal, title="Agenderen", text="Knelpunten vroeg melden", kind="succes",
                         visibility="programma", phase="leren")
    page = client.get(reverse("learning:lessons"), {"q": "knelpunt", "phase": "leren"}).content.decode()
    assert "Agenderen" in page and "1 les" in page
    page = client.get(reverse("learning:lessons"), {"q": "knelpunt", "phase": "aanjagen"}).content.decode()
    assert "Agenderen" not in page


def test_the_demo_shows_the_isde_change_as_resolved_bottleneck_and_uptake(demo_data):
    call_command("loadlearningdemo")
    counts = (Bottleneck.objects.count(), Lesson.objects.count(), Uptake.objects.count(), Answer.objects.count())
    phases = PhaseChange.objects.count()
    call_command("loadlearningdemo")
    assert PhaseChange.objects.count() == phases
    assert counts == (Bottleneck.objects.count(), Lesson.objects.count(), Uptake.objects.count(),
                      Answer.objects.count())
    isde = Bottleneck.objects.get(deal__slug="cd-energieke-wijken", rule__contains="ISDE")
    assert isde.status == "opgelost" and not isde.is_example and isde.closed_on == dt.date(2024, 1, 1)
    assert Uptake.objects.get(bottleneck=isde).kind == "regelgeving"
    rounds = AssessmentRound.objects.filter(deal__slug="cd-energieke-wijken")
    assert rounds.count() == 2 and all(r.is_example for r in rounds)
    assert Answer.objects.filter(is_example=False).count() == 0
    assert Bottleneck.objects.filter(is_example=True).exclude(title__startswith="Voorbeeld").count() == 0
    # every part on real deals: phase transitions with history, deliverables with adopters,
    # milestones, experiments, scaling plans
    from dealmonitor.deals.models import Deal
    from dealmonitor.learning.models import Adoption, Experiment, Milestone, ScalingPlan

    impact = Deal.objects.get(slug="cd-impact-ondernemen")
    assert impact.phase == "borgen"
    assert list(impact.phase_changes.values_list("phase", "started_on")) == [
        ("aanjagen", dt.date(2021, 3, 11)), ("borgen", dt.date(2024, 3, 15))]
    assert Adoption.objects.filter(deliverable__name="Crowd Safety Manager").count() == 2
    assert Milestone.objects.filter(deal__slug="cd-ruimte-voor-lopen").count() == 2
    assert Experiment.objects.filter(deal__slug="cd-inclusieve-stad").exists()
    assert ScalingPlan.objects.filter(deal__slug="cd-lokale-weerbaarheid-cybercrime").exists()
    assert Deal.objects.get(slug="td-krachtige-kernen").phase == "verkennen"


def test_a_rounds_scores_are_for_the_deal_and_the_programme_only(client, deal, rotterdam, rotterdam_user, outsider):
    rnd = services.open_round(actor=None, deal=deal, name="Ronde")
    services.save_answers(actor=None, round=rnd, organisation=rotterdam,
                          answers={s.pk: (3, "Vertrouwelijk") for s in rnd.template.statements.all()})
    services.close_round(actor=None, round=rnd, reflection="Klaar", lessons="Alleen voor de deal")
    assert client.get(rnd.get_absolute_url()).status_code == 302
    client.force_login(outsider)
    assert client.get(rnd.get_absolute_url()).status_code == 403
    assert "Alleen voor de deal" not in client.get(reverse("learning:deal", args=[deal.slug])).content.decode()
    client.force_login(rotterdam_user)
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert "Vertrouwelijk" in page and "Alleen voor de deal" in page


def test_the_programme_view_shows_a_change_straight_away_although_its_figures_are_cached(client):
    ministry = OrganisationFactory(type=OrganisationType.MINISTERIE, name="Ministerie X", slug="min-x")
    _fill(2, ministry)
    assert client.get(reverse("learning:programme")).context["overview"]["lesson_count"] == 2
    with count_queries() as cached:
        client.get(reverse("learning:programme"))
    assert cached.count <= 3  # the data version and the kept figures

    services.save_lesson(actor=None, deal=Bottleneck.objects.first().deal, title="Nieuw",
                         text="Nog een les", kind="inzicht")

    assert client.get(reverse("learning:programme")).context["overview"]["lesson_count"] == 3


def test_the_programme_view_counts_again_only_the_figures_a_change_touches(client):
    """A new measurement changes none of the programme's figures: they stay kept. A new lesson
    changes the lesson count only: that is counted again, the partner count by organisation
    type (a quarter of a second at 10,000 deals) is not. A new partner changes that count."""
    from dealmonitor.impact import services as impact_services
    from dealmonitor.impact.constants import IndicatorKind, Level

    ministry = OrganisationFactory(type=OrganisationType.MINISTERIE, name="Ministerie X", slug="min-x")
    _fill(2, ministry)
    deal = Bottleneck.objects.first().deal
    pathway = impact_services.get_or_create_pathway(actor=None, deal=deal)
    element = impact_services.add_element(actor=None, pathway=pathway, level=Level.OUTPUT, title="Uit")
    indicator = impact_services.save_indicator(actor=None, deal=deal, name="Woningen", element=element,
                                               kind=IndicatorKind.NUMERIC, target_value=10)
    url = reverse("learning:programme")
    client.get(url)
    with count_queries() as warm:
        client.get(url)

    impact_services.record_measurement(actor=None, indicator=indicator, date=dt.date(2024, 3, 1),
                                       value=5)
    with count_queries() as after_measurement:
        client.get(url)
    assert after_measurement.count == warm.count

    services.save_lesson(actor=None, deal=deal, title="Nieuw",
                         text="Nog een les", kind="inzicht")
    with count_queries() as after_lesson:
        overview = client.get(url).context["overview"]
    assert overview["lesson_count"] == 3
    sql = " ".join(after_lesson.statements)
    assert "learning_lesson" in sql and "deals_participation" not in sql

    before = {r["label"]: r["organisations"] for r in overview["partner_types"]}
    ParticipationFactory(deal=deal,
                         organisation=OrganisationFactory(type=OrganisationType.GEMEENTE))
    after = {r["label"]: r["organisations"]
             for r in client.get(url).context["overview"]["partner_types"]}
    assert sum(after.values()) == sum(before.values()) + 1


def test_cached_programme_figures_are_never_shared_with_someone_who_sees_fewer_deals(client):
    from dealmonitor.accounts.models import DealMembership, User

    DealFactory()
    hidden = DealFactory(is_published=False)
    member = User.objects.create_user("teamlid", password="x" * 16)
    DealMembership.objects.create(user=member, deal=hidden, role="team")
    admin = User.objects.create_user("beheer", password="x" * 16, is_staff=True)

    def deal_count(user):
        if user:
            client.force_login(user)
        else:
            client.logout()
        return client.get(reverse("learning:programme")).context["overview"]["deal_count"]

    assert deal_count(admin) == 2
    assert deal_count(None) == 1  # the public, after the administrator's figures were kept
    assert deal_count(member) == 2
    assert deal_count(None) == 1


def test_a_deal_hidden_by_the_gateway_leaves_no_trace(client, monkeypatch, deal, other_deal, ministry,
                                                      staff_user):
    """Every learning page reads deals through `visible_deals`: a deal it hides (for
    instance one not published yet) shows nowhere, and its records give 404."""
    from dealmonitor.deals.models import Deal, Role
    from dealmonitor.organisations.models import Person

    hidden = services.report_bottleneck(actor=None, deal=other_deal, title="Geheim knelpunt",
                                        kind="data", ministry=ministry)
    lesson = services.save_lesson(actor=None, deal=other_deal, title="Geheime les", text="knelpunt",
                                  kind="inzicht")
    services.save_uptake(actor=None, deal=other_deal, kind="standaard", title="Geheime norm")
    Role.objects.create(deal=other_deal, person=Person.objects.create(slug="p-geheim"),
                        kind="projectleider")
    services.report_bottleneck(actor=None, deal=deal, title="Open knelpunt", kind="data")
    for module in ("bottleneck", "deal", "lesson", "programme"):
        monkeypatch.setattr(f"dealmonitor.learning.selectors.{module}.visible_deals",
                            lambda user: Deal.objects.exclude(pk=other_deal.pk))
    monkeypatch.setattr("dealmonitor.deals.access.visible_deals",
                        lambda user: Deal.objects.exclude(pk=other_deal.pk))
    client.force_login(staff_user)  # sees every internal record of the deals it may read
    for name in ("learning:programme", "learning:bottlenecks", "learning:key_persons",
                 "learning:evidence_gaps"):
        page = client.get(reverse(name)).content.decode()
        assert other_deal.name not in page and "Geheim" not in page, name
    assert "Open knelpunt" in client.get(reverse("learning:bottlenecks")).content.decode()
    assert "Geheime les" not in client.get(reverse("learning:lessons") + "?q=knelpunt").content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(lesson.get_absolute_url()).status_code == 404
    assert client.get(reverse("learning:deal", args=[other_deal.slug])).status_code == 404


def test_the_evidence_gap_headings_count_what_they_list(client, deal):
    from dealmonitor.deals.models import Ambition

    Ambition.objects.create(deal=deal, text="1000 woningen verduurzaamd")
    Ambition.objects.create(deal=deal, text="Alle wijken aardgasvrij")
    page = client.get(reverse("learning:evidence_gaps")).content.decode()
    assert "Ambities zonder indicator (2)" in page


def _statement_post(statements, extra=(), description="Scoor eerlijk."):
    """The form data of the new-version page: kept statements (with order and removal) and
    new ones in the blank rows."""
    rows = list(statements) + list(extra)
    data = {"statements-TOTAL_FORMS": str(len(rows)),
            "statements-INITIAL_FORMS": str(len(statements)),
            "statements-MIN_NUM_FORMS": "0", "statements-MAX_NUM_FORMS": "1000",
            "description": description}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"statements-{i}-{key}"] = value
    return data


def test_the_programme_publishes_a_new_template_version_in_the_browser_form(client, staff_user, team_user, default_template):
    url = reverse("learning:template_version", args=[default_template.pk])
    client.force_login(team_user)
    assert client.get(url).status_code == 403  # a deal team does not configure templates
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "Stelling 1" in page and "Nieuwe stelling" in page
    old = list(default_template.statements.all())
    rows = [{"code": s.code, "theme": s.theme, "text": s.text, "ORDER": str(i)}
            for i, s in enumerate(old, start=1)]
    rows[0]["text"] = "De doelen van de deal zijn meetbaar."  # reworded, same code
    rows[1]["DELETE"] = "on"  # removed
    rows[2]["ORDER"] = "99"  # moved to the end
    new_row = {"code": "data", "theme": "Data", "text": "We delen onze data met andere deals.",
               "ORDER": "50"}
    response = client.post(url, _statement_post(rows, [new_row, {}]))
    assert response.status_code == 302
    from dealmonitor.learning.models import AssessmentTemplate

    new = AssessmentTemplate.objects.get(name=default_template.name, version=default_template.version + 1)
    codes = list(new.statements.values_list("code", flat=True))
    assert codes == [rows[0]["code"], *[r["code"] for r in rows[3:]], "data", rows[2]["code"]]
    assert new.statements.get(code=rows[0]["code"]).text == "De doelen van de deal zijn meetbaar."
    assert new.is_default and new.description == "Scoor eerlijk."
    default_template.refresh_from_db()
    assert not default_template.is_default
    assert default_template.statements.get(code=rows[0]["code"]).text == old[0].text  # kept as it was
    assert new.history.first().history_user == staff_user


def test_a_new_version_with_two_statements_of_one_code_is_refused(client, staff_user, default_template):
    client.force_login(staff_user)
    url = reverse("learning:template_version", args=[default_template.pk])
    rows = [{"code": s.code, "theme": s.theme, "text": s.text, "ORDER": str(i)}
            for i, s in enumerate(default_template.statements.all(), start=1)]
    rows.append({"code": rows[0]["code"], "theme": "Dubbel", "text": "Nog een", "ORDER": "40"})
    response = client.post(url, _statement_post(rows[:-1], rows[-1:]))
    assert response.status_code == 400
    assert "eigen code" in response.content.decode()
    from dealmonitor.learning.models import AssessmentTemplate

    assert AssessmentTemplate.objects.filter(name=default_template.name).count() == 1


def test_coverage_names_when_each_running_deal_last_held_a_round(client, deal, other_deal):
    services.open_round(actor=None, deal=deal, name="Tussenmeting", opened_on=dt.date(2023, 3, 1))
    page = client.get(reverse("learning:programme")).content.decode()
    assert "0 van de 2 lopende deals" in page
    assert f"{deal.name}</a> – laatste ronde geopend in maart 2023" in page
    assert f"{other_deal.name}</a> – nog nooit een ronde gehouden" in page


def test_the_programme_figures_of_the_deals_match_a_count_by_hand(client):
    """Phases, themes and self-assessment coverage come from one pass over the deals
    (learning/selectors/programme.py): the same figures as counting each one apart, for an
    administrator (every deal) and for the public (published deals only)."""
    from dealmonitor.accounts.models import User
    from dealmonitor.deals.constants import Phase
    from dealmonitor.deals.models import Theme

    today = dt.date.today()
    wonen, energie = (Theme.objects.get_or_create(name=n)[0] for n in ("wonen", "energie"))
    recent = DealFactory(name="A recent", phase="aanjagen")
    old = DealFactory(name="B old round", phase="aanjagen")
    never = DealFactory(name="C never", phase="leren")
    done = DealFactory(name="D finished", status="afgerond", phase="afgerond")
    hidden = DealFactory(name="E hidden", phase="", is_published=False)
    for deal, themes in ((recent, [wonen, energie]), (old, [wonen]), (hidden, [energie])):
        deal.themes.set(themes)
    for deal, opened in ((recent, today - dt.timedelta(days=30)), (old, dt.date(2020, 1, 1)),
                         (done, today - dt.timedelta(days=10))):
        services.open_round(actor=None, deal=deal, name="Ronde", opened_on=opened)

    def figures():
        overview = client.get(reverse("learning:programme")).context["overview"]
        return (overview["deal_count"],
                {str(r["label"]): r["count"] for r in overview["phases"] if r["count"]},
                {r["label"]: r["count"] for r in overview["themes"]},
                (overview["running_count"], overview["assessed_count"],
                 overview["not_assessed_count"]),
                [(d["name"], d["last_round"]) for d in overview["not_assessed"]])

    client.force_login(User.objects.create_user("beheer", password="x" * 16, is_staff=True))
    shown = figures()
    running, learning, finished = (str(p.label) for p in (Phase.AANJAGEN, Phase.LEREN, Phase.AFGEROND))
    assert shown == (
        5, {running: 2, learning: 1, finished: 1, "None": 1},
        {"wonen": 2, "energie": 2},
        (4, 1, 3),  # running: recent, old, never, hidden; only recent had a round this year
        [("B old round", dt.date(2020, 1, 1)), ("C never", None), ("E hidden", None)])
    client.logout()
    assert figures() == (
        4, {running: 2, learning: 1, finished: 1},
        {"wonen": 2, "energie": 1}, (3, 1, 2),
        [("B old round", dt.date(2020, 1, 1)), ("C never", None)])

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from dealmonitor.deals.constants import Phase
from dealmonitor.deals.models import Deal
from dealmonitor.deals.tests.test_importer import demo_json
from dealmonitor.deals.tests.factories import (
    DealFactory,
    OrganisationFactory,
    ParticipationFactory,
    PartnerCountFactory,
)

pytestmark = pytest.mark.django_db


def deal_rows(response):
    return [d.slug for d in response.context["deals"]]


def test_portfolio_lists_every_deal_with_totals(client, demo_data):
    response = client.get(reverse("deals:portfolio"))

    assert response.status_code == 200
    assert len(deal_rows(response)) == 26
    totals = response.context["totals"]
    assert totals["total"] == 26
    by_status = {value: n for value, label, n in totals["by_status"]}
    in_file = Counter(entry["status"]["value"] for entry in demo_json())
    assert by_status == dict(in_file)
    by_phase = {value: n for value, label, n in totals["by_phase"]}
    assert by_phase[Phase.AFGEROND] == in_file["afgerond"]
    assert by_phase[""] == 26 - in_file["afgerond"]
    html = response.content.decode()
    assert "City Deal Impact Ondernemen" in html
    assert 'lang="nl"' in html


def test_portfolio_partner_count_is_the_reported_size_with_the_listed_number(client, demo_data):
    response = client.get(reverse("deals:portfolio"))
    deal = next(d for d in response.context["deals"] if d.slug == "cd-impact-ondernemen")
    assert deal.reported_partners == 94  # the latest count a source gives (2023-12)
    assert deal.partner_total == 94
    assert deal.listed_partners == Deal.objects.get(slug=deal.slug).participations.count()
    # A source's count can be older than the list: the total is never below the listed number.
    kennis = next(d for d in response.context["deals"] if d.slug == "cd-kennis-maken")
    assert kennis.listed_partners > kennis.reported_partners
    assert kennis.partner_total == kennis.listed_partners


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status": "afgerond"}, {"cd-een-slimme-stad", "cd-health-hub", "cd-inclusieve-stad"}),
        ({"kind": "town_deal"}, {"td-sterke-streken", "td-krachtige-kernen"}),
        ({"theme": "brede welvaart"}, None),
        ({"phase": "afgerond"}, {"cd-een-slimme-stad", "cd-health-hub", "cd-inclusieve-stad"}),
        ({"q": "tijdloze"}, {"cd-tijdloze-grachten"}),
        ({"status": "afgerond", "kind": "town_deal"}, set()),
    ],
)
def test_portfolio_filters(client, demo_data, query, expected):
    response = client.get(reverse("deals:portfolio"), query)
    found = set(deal_rows(response))
    if expected is None:  # a theme: every deal found carries it, and it narrows the list
        assert found and len(found) < 26
        for deal in Deal.objects.filter(slug__in=found):
            assert query["theme"] in {t.name for t in deal.themes.all()}
    else:
        assert found == expected
    assert response.context["totals"]["total"] == len(found)


def test_unknown_phase_filter_finds_deals_without_a_phase(client, demo_data):
    response = client.get(reverse("deals:portfolio"), {"phase": "onbekend"})
    assert len(deal_rows(response)) == 23


def test_an_invalid_filter_value_is_ignored_not_an_error(client, demo_data):
    response = client.get(reverse("deals:portfolio"), {"status": "bestaat-niet"})
    assert response.status_code == 200
    assert len(deal_rows(response)) == 26


def test_htmx_request_gets_only_the_results(client, demo_data):
    response = client.get(reverse("deals:portfolio"), {"status": "afgerond"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="deals-table"' in html and "Health Hub" in html


def test_deal_page_shows_the_partnership_composition(client, demo_data):
    response = client.get(reverse("deals:detail", args=["cd-impact-ondernemen"]))

    assert response.status_code == 200
    reported = response.context["composition"]["reported"]
    assert reported["total"] == 94
    counts = {bar["key"]: bar["count"] for bar in reported["bars"]}
    assert counts == {"gemeente": 12, "provincie": 3, "ministerie": 4, "zbo": 2, "bedrijf": 25,
                      "kennisinstelling": 8, "intermediair": 25, "adviesbureau": 7, "financier": 8}
    html = response.content.decode()
    assert 'id="composition-reported"' in html and 'id="composition-listed"' in html
    assert 'id="partner-counts"' in html
    # partner counts over time, oldest first
    assert [item["row"].count for item in response.context["count_history"]] == [80, 100, 94]


def test_deal_page_shows_where_each_fact_came_from(client, demo_data):
    html = client.get(reverse("deals:detail", args=["cd-impact-ondernemen"])).content.decode()
    assert 'id="fact-sources"' in html
    assert 'href="https://lawinsider.com/nl/contracts/kVc38QZscAo"' in html
    assert "Bronartikel 1 (niet openbaar)" in html  # a seed article, named but not linked
    assert "001_1d0f22ff1fa9d94e.txt" not in html  # and never by its internal key
    assert "Global Goals Meet-Up" in html  # the note on the signing date


def test_deal_page_in_english_under_en(client, demo_data):
    response = client.get("/en" + reverse("deals:detail", args=["cd-health-hub"]))
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_unknown_deal_is_404(client, db):
    assert client.get(reverse("deals:detail", args=["cd-bestaat-niet"])).status_code == 404


def test_organisation_page_lists_its_deals_and_roles(client, demo_data):
    response = client.get(
        reverse("organisations:detail", args=["ministerie-van-economische-zaken-en-klimaat"])
    )
    assert response.status_code == 200
    participations = response.context["organisation"].participations.all()
    assert len(participations) > 1
    html = response.content.decode()
    assert "City Deal Impact Ondernemen" in html
    assert "lid coördinatieteam" in html
    assert "Ministerie van Economische Zaken" in html  # the old name, as the source gave it


def test_organisation_with_accented_identifier(client, demo_data):
    response = client.get(reverse("organisations:detail", args=["provincie-fryslân"]))
    assert response.status_code == 200
    assert "Ruimte voor Lopen" in response.content.decode()


def test_phase_change_needs_someone_who_may_edit_the_deal(client, demo_data, django_user_model):
    url = reverse("deals:change_phase", args=["cd-impact-ondernemen"])
    data = {"phase": Phase.BORGEN, "started_on": "2024-03-01", "note": "Fase 2"}

    response = client.post(url, data)  # anonymous: asked to sign in
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    member = django_user_model.objects.create_user("lid", password="x-lang-genoeg-123")
    client.force_login(member)
    assert client.post(url, data).status_code == 403  # signed in, no role in this deal
    assert Deal.objects.get(slug="cd-impact-ondernemen").phase == ""


def test_the_deal_team_changes_its_own_deals_phase(client, demo_data, django_user_model):
    from dealmonitor.accounts.models import DealMembership

    deal = Deal.objects.get(slug="cd-impact-ondernemen")
    leader = django_user_model.objects.create_user("leider", password="x-lang-genoeg-123")
    DealMembership.objects.create(user=leader, deal=deal, role="team")
    client.force_login(leader)
    response = client.post(reverse("deals:change_phase", args=[deal.slug]),
                           {"phase": Phase.AANJAGEN, "started_on": "2021-03-11"})
    assert response.status_code == 302
    assert Deal.objects.get(pk=deal.pk).phase == Phase.AANJAGEN
    other = reverse("deals:change_phase", args=["cd-ruimte-voor-lopen"])
    assert client.post(other, {"phase": Phase.AANJAGEN}).status_code == 403


def test_phase_change_keeps_history(client, demo_data, staff_user):
    client.force_login(staff_user)
    url = reverse("deals:change_phase", args=["cd-impact-ondernemen"])

    client.post(url, {"phase": Phase.AANJAGEN, "started_on": "2021-03-11"})
    response = client.post(url, {"phase": Phase.BORGEN, "started_on": "2024-03-01", "note": "Fase 2"})

    assert response.status_code == 302
    deal = Deal.objects.get(slug="cd-impact-ondernemen")
    assert deal.phase == Phase.BORGEN
    assert [(c.phase, c.started_on) for c in deal.phase_changes.all()] == [
        (Phase.AANJAGEN, dt.date(2021, 3, 11)),
        (Phase.BORGEN, dt.date(2024, 3, 1)),
    ]
    assert deal.phase_changes.last().recorded_by == staff_user
    assert deal.history.first().history_user == staff_user


def test_phase_cannot_start_before_the_current_one(client, demo_data, staff_user):
    client.force_login(staff_user)
    url = reverse("deals:change_phase", args=["cd-impact-ondernemen"])
    client.post(url, {"phase": Phase.LEREN, "started_on": "2023-01-01"})

    response = client.post(url, {"phase": Phase.BORGEN, "started_on": "2022-01-01"})

    assert response.status_code == 400
    assert "2023-01-01" in response.content.decode()
    assert Deal.objects.get(slug="cd-impact-ondernemen").phase == Phase.LEREN


def _add_deals(n):
    for _ in range(n):
        deal = DealFactory()
        PartnerCountFactory(deal=deal, count=12, breakdown={"gemeente": 12})
        for _ in range(3):
            ParticipationFactory(deal=deal)


def test_portfolio_query_count_does_not_grow_with_the_portfolio(client, db, django_assert_num_queries):
    _add_deals(2)
    with django_assert_num_queries(4) as small:
        client.get(reverse("deals:portfolio"))
    _add_deals(20)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("deals:portfolio"))


def test_deal_page_query_count_does_not_grow_with_the_partners(client, db, django_assert_num_queries):
    deal = DealFactory()
    ParticipationFactory(deal=deal)
    url = reverse("deals:detail", args=[deal.slug])
    response = client.get(url)
    small = len(response.context and [] or [])  # noqa: F841 (warm-up: template loading)
    with django_assert_num_queries(13) as first:
        client.get(url)
    for _ in range(30):
        ParticipationFactory(deal=deal, organisation=OrganisationFactory(company=True))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_organisation_page_query_count_does_not_grow(client, db, django_assert_num_queries):
    org = OrganisationFactory()
    ParticipationFactory(organisation=org)
    url = reverse("organisations:detail", args=[org.slug])
    with django_assert_num_queries(3) as first:
        client.get(url)
    for _ in range(10):
        ParticipationFactory(organisation=org)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


# As the benchmark reads them (ops/bench_pages.py): signed in as a programme administrator,
# who sees every deal. 2 of the queries are the framework's (session, user).


def test_portfolio_queries_for_a_programme_administrator(client, staff_user, django_assert_num_queries):
    client.force_login(staff_user)
    _add_deals(3)
    url = reverse("deals:portfolio")
    client.get(url)
    # totals (status and phase in one GROUP BY), the page of deals, their themes, the themes
    # the filter offers; the number of deals is the unfiltered total, not counted again
    with django_assert_num_queries(2 + 4):
        client.get(url)
    with django_assert_num_queries(2 + 3):  # htmx: only the results, no filter form
        client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(2 + 5):  # filtered: all deals counted as well
        client.get(url + "?status=lopend")
    _add_deals(60)
    with django_assert_num_queries(2 + 4):
        response = client.get(url + "?page=2")
    assert len(response.context["deals"]) == 13


def test_deal_page_queries_for_a_programme_administrator(client, staff_user, django_assert_num_queries):
    client.force_login(staff_user)
    deal = DealFactory()
    PartnerCountFactory(deal=deal, count=12, breakdown={"gemeente": 12})
    ParticipationFactory(deal=deal)
    url = reverse("deals:detail", args=[deal.slug])
    client.get(url)
    # the deal; its themes, sources, tracks (with their leads), working groups, phases,
    # participations (with organisations), facts, roles (with people), partner counts,
    # results, ambitions; the sources of the rows of all those lists in one query
    with django_assert_num_queries(2 + 13) as first:
        client.get(url)
    for _ in range(30):
        ParticipationFactory(deal=deal, organisation=OrganisationFactory(company=True))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_deal_page_shows_the_sources_of_each_partner_and_partner_count(client, db):
    """The sources of every list are read in one query (selectors._sources_statement): each row
    still shows its own, in the order of their references."""
    from dealmonitor.deals.tests.factories import SourceFactory

    deal = DealFactory()
    first = ParticipationFactory(deal=deal)
    first.sources.set([SourceFactory(reference="https://b.example.org/"),
                       SourceFactory(reference="https://a.example.org/")])
    ParticipationFactory(deal=deal)
    count = PartnerCountFactory(deal=deal, count=12)
    count.sources.set([SourceFactory(reference="https://c.example.org/")])
    html = client.get(reverse("deals:detail", args=[deal.slug])).content.decode()
    assert html.count('href="https://a.example.org/"') == 1
    assert html.index("a.example.org") < html.index("b.example.org")
    assert 'href="https://c.example.org/"' in html


def test_portfolio_totals_count_rows_not_keys(db, django_assert_num_queries):
    """The totals by status and phase are answered from the (status, phase) index alone on
    PostgreSQL: COUNT(*), not COUNT(id), which made it read every deal's row (3.8 → 1 ms at
    10,000 deals). A filter that can repeat a deal still counts each deal once."""
    from dealmonitor.deals.models import Deal, Theme
    from dealmonitor.deals.selectors import portfolio_totals

    deal = DealFactory()
    deal.themes.set([Theme.objects.create(name="wonen"), Theme.objects.create(name="energie")])
    DealFactory()
    with django_assert_num_queries(1) as plain:
        totals = portfolio_totals(Deal.objects.all())
    assert totals["total"] == 2
    sql = plain.captured_queries[0]["sql"]
    assert "COUNT(*)" in sql and "COUNT(\"deals_deal\".\"id\")" not in sql
    repeated = Deal.objects.filter(themes__name__in=["wonen", "energie"]).distinct()
    assert portfolio_totals(repeated)["total"] == 1


def test_deal_detail_gives_every_sourced_row_its_sources_without_a_query(db, django_assert_num_queries):
    """`source_list` on every row of the six sourced lists: what `row.sources.all()` reads,
    in the same order, and reading it costs no query (no manager per row either)."""
    from dealmonitor.deals import selectors
    from dealmonitor.deals.models import DealFact, Result
    from dealmonitor.deals.tests.factories import SourceFactory

    deal = DealFactory()
    b, a, c = (SourceFactory(reference=f"https://{x}.example.org/") for x in "bac")
    ParticipationFactory(deal=deal).sources.set([b, a])
    ParticipationFactory(deal=deal)
    PartnerCountFactory(deal=deal, count=3).sources.set([c])
    DealFact.objects.create(deal=deal, field="status").sources.set([a, c])
    Result.objects.create(deal=deal, text="Een resultaat").sources.set([b])
    detail = selectors.deal_detail(None, deal.slug)
    rows = [row for name, _m in selectors.SOURCED_LISTS for row in getattr(detail, name).all()]
    assert len(rows) == 5
    with django_assert_num_queries(0):
        got = [[s.reference for s in row.source_list] for row in rows]
    assert got == [[s.reference for s in row.sources.all()] for row in rows]
    # the two participations (in the order of their organisations' generated names): one
    # with both sources in the sources' order, one without
    assert sorted(got[:2]) == [[], ["https://a.example.org/", "https://b.example.org/"]]


def test_deal_detail_lists_are_the_models_own_lists(db, django_assert_num_queries):
    """Every list of the deal page, read by prepared queries (utils/prepared.py): the rows and
    the order the models give, the related rows they show read with them, and a list asked
    for anew (filter, order_by) still that deal's own."""
    from decimal import Decimal

    from dealmonitor.deals import selectors
    from dealmonitor.deals.models import (
        Ambition, DealFact, PhaseChange, Result, Role, Theme, Track, WorkingGroup,
    )
    from dealmonitor.deals.tests.factories import SourceFactory
    from dealmonitor.organisations.models import Person

    deal, other = DealFactory(), DealFactory()
    for d in (deal, other):
        d.themes.set([Theme.objects.create(name=f"wonen-{d.pk}"), Theme.objects.create(name=f"afval-{d.pk}")])
        d.all_sources.set([SourceFactory(reference=f"https://z{d.pk}.example.org/"),
                           SourceFactory(reference=f"https://a{d.pk}.example.org/")])
        person = Person.objects.create(slug=f"p-{d.pk}", name="P.")
        Track.objects.create(deal=d, name="B", lead_person=person)
        Track.objects.create(deal=d, name="A", lead_organisation=OrganisationFactory())
        WorkingGroup.objects.create(deal=d, name="Werkgroep")
        for day in (dt.date(2023, 1, 1), None):
            PhaseChange.objects.create(deal=d, phase=Phase.LEREN, started_on=day)
        for _ in range(3):
            ParticipationFactory(deal=d)
        DealFact.objects.create(deal=d, field="status")
        DealFact.objects.create(deal=d, field="end_date")
        Role.objects.create(deal=d, person=person, kind="projectleider")
        Role.objects.create(deal=d, person=Person.objects.create(slug=f"a-{d.pk}"), kind="dealmaker")
        PartnerCountFactory(deal=d, count=5, as_of=None)
        PartnerCountFactory(deal=d, count=9, as_of=dt.date(2022, 1, 1))
        Result.objects.create(deal=d, text="R2", date=dt.date(2022, 1, 1))
        Result.objects.create(deal=d, text="R1", date=dt.date(2021, 1, 1))
        Ambition.objects.create(deal=d, text="A", target_value=Decimal("1.5"), scope="context")
        Ambition.objects.create(deal=d, text="B", scope="deal")
    detail = selectors.deal_detail(None, deal.slug)
    fresh = Deal.objects.get(pk=deal.pk)
    names = [name for name, _q in selectors._DEAL_LISTS] + ["all_sources"]
    with django_assert_num_queries(0):
        got = {name: list(getattr(detail, name).all()) for name in names}
        shown = [(t.lead_person and t.lead_person.name, t.lead_organisation and t.lead_organisation.name)
                 for t in got["tracks"]]
        shown += [(p.organisation.name, p.deal.slug) for p in got["participations"]]
        shown += [(r.person.slug, r.get_kind_display()) for r in got["roles"]]
    for name in names:
        assert [row.pk for row in got[name]] == [row.pk for row in getattr(fresh, name).all()], name
        assert got[name], name
    assert shown[:2] == [(None, fresh.tracks.get(name="A").lead_organisation.name), ("P.", None)]
    assert got["ambitions"][0].target_value == Decimal("1.5")
    # asked for anew: the deal's own rows only
    assert {p.deal_id for p in detail.participations.filter(pk__gt=0)} == {deal.pk}
    assert detail.phase_changes.order_by("-recorded_at").count() == 2
    assert set(detail.themes.values_list("name", flat=True)) == {f"wonen-{deal.pk}", f"afval-{deal.pk}"}


def test_the_phase_form_is_rendered_once_and_each_page_gets_a_token_of_its_own(client, staff_user):
    """The blank phase form is rendered once per process and language (ui.forms
    .blank_guarded_form); every page still hands out its own one-time token, which a browser
    sends back once."""
    import re

    from dealmonitor.ui.tests.html_forms import find_form, form_data

    client.force_login(staff_user)
    deal = DealFactory()
    url = reverse("deals:detail", args=[deal.slug])
    first, second = (client.get(url).content.decode() for _ in range(2))
    tokens = [re.search(r'name="form_token" value="([^"]+)"', html).group(1) for html in (first, second)]
    assert tokens[0] != tokens[1] and "00000000-0000" not in first
    assert first.replace(tokens[0], "T").count('name="started_on"') == 1
    form = find_form(first, having="started_on")
    data = form_data(form)
    assert data["started_on"] == [timezone.localdate().isoformat()]
    data["phase"] = [Phase.LEREN]
    response = client.post(form.attrs["action"], data)
    assert response.status_code == 302
    assert Deal.objects.get(pk=deal.pk).phase == Phase.LEREN
    again = client.post(form.attrs["action"], {**data, "phase": [Phase.BORGEN]})
    assert Deal.objects.get(pk=deal.pk).phase == Phase.LEREN, again.status_code  # token used


def test_the_theme_filter_lists_the_themes_of_the_deals_the_reader_may_see(client, staff_user):
    from dealmonitor.deals.models import Theme

    hidden, shown = Theme.objects.create(name="Verborgen thema"), Theme.objects.create(name="Zichtbaar")
    DealFactory(unpublished=True).themes.set([hidden])
    DealFactory().themes.set([shown])
    Theme.objects.create(name="Ongebruikt")
    for user, expected in [(None, {"Zichtbaar"}), (staff_user, {"Zichtbaar", "Verborgen thema"})]:
        if user:
            client.force_login(user)
        form = client.get(reverse("deals:portfolio")).context["filter"].form
        assert {str(value) for value, _ in form.fields["theme"].choices if value} == expected
        html = client.get(reverse("deals:portfolio") + "?theme=Verborgen+thema").content.decode()
        assert ('<option value="Verborgen thema" selected>' in html) is (user is not None)

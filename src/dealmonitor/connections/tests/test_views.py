"""The connections pages: what they show, who may act on them, and queries that do not grow
with the data."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from dealmonitor.connections import services
from dealmonitor.connections.constants import DecisionStatus, LinkKind
from dealmonitor.connections.models import CommunityEvent, Connection, EventLesson, EventTable
from dealmonitor.deals.models import Deal
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def deal(slug):
    return Deal.objects.get(slug=slug)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_synthetic_deals(n=15):
    """More deals, sharing organisations with the demo deals, then a rebuild."""
    shared = OrganisationFactory(name="Stichting Extra", slug="stichting-extra")
    hub = deal("cd-health-hub")
    ParticipationFactory(deal=hub, organisation=shared)
    for _ in range(n):
        extra = DealFactory(description="Gezondheid en preventie in de regio Utrecht.")
        ParticipationFactory(deal=extra, organisation=shared)
    services.rebuild_suggestions(actor=None)


def test_related_page_lists_suggestions_with_reasons_in_dutch(client, related_data):
    response = client.get(reverse("connections:deal", args=["cd-health-hub"]))
    assert response.status_code == 200
    items = response.context["items"]
    assert items[0].other.slug == "ot-health-hub-utrecht"
    html = response.content.decode()
    assert "Verwante deals" in html
    assert "Dezelfde persoon heeft een rol in beide deals" in html
    assert "Verband bevestigen" not in html  # anonymous visitors do not decide


def test_related_page_queries_do_not_grow_with_the_data(client, related_data, staff_user):
    client.force_login(staff_user)
    url = reverse("connections:deal", args=["cd-health-hub"])
    before = count_queries(client, url)
    assert before == 4  # the session, the user, the deal, its suggestions and decisions
    add_synthetic_deals()
    services.confirm_connection(actor=staff_user, deal=deal("cd-health-hub"),
                                other=deal("cd-ruimte-voor-lopen"), kind=LinkKind.OTHER)
    services.dismiss_connection(actor=staff_user, deal=deal("cd-health-hub"),
                                other=deal("cd-cleantech-regio"), reason="Toeval.")
    assert count_queries(client, url) == before


def test_staff_confirm_and_dismiss_through_the_page(client, related_data, staff_user):
    client.force_login(staff_user)
    url = reverse("connections:decide", args=["cd-health-hub", "ot-health-hub-utrecht"])
    response = client.post(url, {"action": "confirm", "ot-health-hub-utrecht-kind": "follow_up",
                                 "ot-health-hub-utrecht-note": "Opvolger."})
    assert response.status_code == 302
    row = Connection.objects.get()
    assert (row.status, row.kind) == (DecisionStatus.CONFIRMED, LinkKind.FOLLOW_UP)

    url = reverse("connections:decide", args=["cd-health-hub", "cd-roadmap-next-economy"])
    response = client.post(url, {"action": "dismiss", "cd-roadmap-next-economy-reason": ""})
    assert response.status_code == 400  # a reason is required
    assert "cd-roadmap-next-economy-reason" in response.content.decode()
    client.post(url, {"action": "dismiss", "cd-roadmap-next-economy-reason": "Ander thema."})
    page = client.get(reverse("connections:deal", args=["cd-health-hub"]))
    assert "cd-roadmap-next-economy" not in [i.other.slug for i in page.context["items"]]
    assert "Ander thema." in page.content.decode()


def test_strangers_cannot_decide(client, related_data, django_user_model):
    url = reverse("connections:decide", args=["cd-health-hub", "ot-health-hub-utrecht"])
    data = {"action": "confirm", "ot-health-hub-utrecht-kind": "follow_up"}
    # Anonymous: the gateway sends a stranger to sign in (a signed-in stranger gets 403).
    response = client.post(url, data)
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]
    client.force_login(django_user_model.objects.create_user(username="x", password="y" * 20))
    assert client.post(url, data).status_code == 403
    assert not Connection.objects.exists()


def test_the_deal_team_decides_for_its_own_deal(client, related_data, team_member):
    client.force_login(team_member("cd-health-hub"))
    page = client.get(reverse("connections:deal", args=["cd-health-hub"]))
    assert "Verband bevestigen" in page.content.decode()
    url = reverse("connections:decide", args=["cd-health-hub", "ot-health-hub-utrecht"])
    response = client.post(url, {"action": "confirm", "ot-health-hub-utrecht-kind": "follow_up"})
    assert response.status_code == 302


def test_unknown_deal_is_404(client, related_data):
    assert client.get(reverse("connections:deal", args=["bestaat-niet"])).status_code == 404


def test_network_page_shows_connecting_organisations_and_growth(client, related_data):
    response = client.get(reverse("connections:network"))
    assert response.status_code == 200
    # the drawing's coordinates keep a decimal point on the Dutch page ("12,5" is two numbers)
    html = response.content.decode()
    coordinates = re.findall(r'\s(?:cx|cy|x|y|x1|y1|x2|y2)="([^"]*)"', html)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates[:5]
    assert "Verbindende organisaties" in html and "etweenness" not in html
    bridging = response.context["bridging"]
    assert bridging and all(len(org["deals"]) >= 2 for org in bridging)
    assert bridging == sorted(bridging, key=lambda o: -o["betweenness"])
    growth = response.context["network"].growth
    assert growth[0]["year"] == 2015  # the first City Deal (Roadmap Next Economy)
    totals = [row["links"] for row in growth]
    assert totals == sorted(totals)
    communities = response.context["network"].communities
    same = next(c for c in communities if deal("cd-health-hub").pk in c)
    assert deal("ot-health-hub-utrecht").pk in same


def test_network_picture_names_every_node_grouped_by_type(client, related_data):
    picture = client.get(reverse("connections:network")).context["picture"]
    html = client.get(reverse("connections:network")).content.decode()
    for node in picture["deals"] + picture["organisations"]:
        assert f">{escape(node['name'][:30])}" in html  # a visible label, not a number
    types = [o["type"] for o in picture["organisations"]]
    blocks = [t for i, t in enumerate(types) if i == 0 or types[i - 1] != t]
    assert len(blocks) == len(set(types)) == len(picture["groups"])  # each type in one block


def test_network_filters_by_deal_theme_and_type(client, related_data):
    from dealmonitor.deals.models import Theme

    url = reverse("connections:network")
    hub = deal("cd-health-hub")
    picture = client.get(url, {"deal": hub.slug}).context["picture"]
    assert [d["slug"] for d in picture["deals"] if d["focus"]] == [hub.slug]
    partners = set(hub.participations.values_list("organisation__slug", flat=True))
    assert {o["slug"] for o in picture["organisations"]} <= partners
    assert all(line["focus"] == (line["deal"] == hub.slug) for line in picture["lines"])
    ministries = client.get(url, {"type": "ministerie"}).context
    assert {o["type"] for o in ministries["picture"]["organisations"]} == {"ministerie"}
    assert all(label.startswith("Ministerie") or label.startswith("ministerie")
               for label, _m in ministries["organisations_by_type"])
    theme = Theme.objects.filter(deals=hub).first()
    shown = client.get(url, {"theme": theme.pk}).context["deal_rows"]
    assert shown and all(Deal.objects.get(slug=d["slug"]).themes.filter(pk=theme.pk).exists()
                         for d in shown)
    assert client.get(url, {"type": "geen-soort"}).status_code == 400


def test_network_layout_is_kept_in_the_cache(client, related_data):
    url = reverse("connections:network")
    client.get(url)  # the cache's version keys exist from here on
    ParticipationFactory(deal=deal("cd-health-hub"), organisation=OrganisationFactory())
    computed = count_queries(client, url)
    assert count_queries(client, url) < computed  # the next visit reuses the layout
    ParticipationFactory(deal=deal("cd-health-hub"), organisation=OrganisationFactory())
    assert count_queries(client, url) == computed  # a new partner: computed afresh


def test_network_page_queries_do_not_grow_with_the_data(client, related_data):
    url = reverse("connections:network")
    client.get(url)  # the cache's version keys exist from here on
    ParticipationFactory(deal=deal("cd-health-hub"), organisation=OrganisationFactory())
    before = count_queries(client, url)  # computed afresh after a change
    add_synthetic_deals()
    assert count_queries(client, url) == before


def make_event(staff_user, slugs, date=dt.date(2024, 11, 1)):
    return services.create_event(actor=staff_user, title="CoP najaar", date=date,
                                 deals=[deal(s) for s in slugs])


def test_event_page_groups_seats_and_pairs(client, related_data, staff_user):
    slugs = ["cd-ruimte-voor-lopen", "ot-nationaal-masterplan-lopen", "cd-health-hub",
             "ot-health-hub-utrecht", "cd-een-slimme-stad", "cd-slim-maatwerk",
             "td-sterke-streken", "cd-tijdloze-grachten", "cd-fietsen-voor-iedereen"]
    event = make_event(staff_user, slugs)
    response = client.get(reverse("connections:event", args=[event.pk]))
    assert response.status_code == 200
    groups = {key: [d.slug for d in deals] for key, _label, deals in response.context["groups"]}
    assert "ot-nationaal-masterplan-lopen" in groups["start"]  # signed a month before
    assert "cd-health-hub" in groups["ending"]  # finished
    assert "td-sterke-streken" in groups["ending"]  # ends within the year
    tables = [{d.slug for d in t} for t in response.context["proposed"]]
    assert all(len(t) <= 4 for t in tables)
    assert sum(len(t) for t in tables) == len(slugs)
    assert any({"cd-health-hub", "ot-health-hub-utrecht"} <= t for t in tables)
    assert any({"cd-een-slimme-stad", "cd-slim-maatwerk"} <= t for t in tables)
    buddies = {b.new_deal.slug: b.buddy_deal.slug for b in response.context["buddies"]}
    assert buddies["ot-nationaal-masterplan-lopen"] == "cd-ruimte-voor-lopen"


def test_staff_plan_an_event_and_record_what_happened(client, related_data, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("connections:events"), {
        "title": "CoP voorjaar", "date": "2024-04-12", "place": "Utrecht",
        "deals": [deal("cd-health-hub").pk, deal("ot-health-hub-utrecht").pk,
                  deal("cd-ruimte-voor-lopen").pk],
    })
    event = CommunityEvent.objects.get()
    assert response.status_code == 302 and event.deals.count() == 3
    url = reverse("connections:event", args=[event.pk])
    client.post(url, {"action": "seating"})
    assert EventTable.objects.filter(event=event).count() == 1
    client.post(url, {"action": "lesson", "deal": deal("cd-health-hub").pk,
                      "text": "Begin vroeg met borgen."})
    assert EventLesson.objects.get().text == "Begin vroeg met borgen."
    client.post(url, {"action": "connection", "deal": deal("cd-health-hub").pk,
                      "other": deal("cd-ruimte-voor-lopen").pk, "kind": "knowledge_exchange"})
    found = Connection.objects.get()
    assert found.event == event and found.status == DecisionStatus.CONFIRMED
    assert event.history.first().history_user == staff_user


def test_only_the_programme_plans_events(client, related_data, team_member):
    client.force_login(team_member("cd-health-hub"))
    response = client.post(reverse("connections:events"),
                           {"title": "x", "date": "2024-04-12"})
    assert response.status_code == 403
    assert not CommunityEvent.objects.exists()


def test_event_page_queries_do_not_grow_with_the_deals(client, related_data, staff_user):
    small = make_event(staff_user, ["ot-nationaal-masterplan-lopen", "cd-ruimte-voor-lopen",
                                    "cd-health-hub"])
    large = make_event(staff_user, list(Deal.objects.values_list("slug", flat=True)))
    client.force_login(staff_user)
    assert count_queries(client, reverse("connections:event", args=[small.pk])) == count_queries(
        client, reverse("connections:event", args=[large.pk])
    )


def test_overview_and_english_pages(client, related_data):
    assert client.get(reverse("connections:overview")).status_code == 200
    response = client.get("/en" + reverse("connections:deal", args=["cd-health-hub"]))
    assert "Related deals" in response.content.decode()
    assert "The same person has a role in both deals" in response.content.decode()


def test_the_cop_demo_records_real_meetings_and_groups_deals_by_their_phase_then(related_data):
    import datetime as dt

    from django.core.management import call_command

    from dealmonitor.connections import cop
    from dealmonitor.connections.models import CommunityEvent, Connection, EventLesson
    from dealmonitor.deals.models import Deal

    call_command("loadlearningdemo")  # the phases the sources describe
    call_command("loadconnectionsdemo")
    call_command("loadconnectionsdemo")  # idempotent
    assert CommunityEvent.objects.count() == 3
    coffee = CommunityEvent.objects.get(date=dt.date(2021, 3, 9))
    found = Connection.objects.get(event=coffee)
    assert {found.deal_a.slug, found.deal_b.slug} == {"cd-een-slimme-stad", "cd-eenvoudig-maatwerk"}
    assert EventLesson.objects.filter(event=coffee).count() == 5
    # A deal is grouped by the phase it was in on the day of the event, not by today's.
    lopen = Deal.objects.prefetch_related("phase_changes").get(slug="cd-ruimte-voor-lopen")
    assert lopen.phase == "borgen"  # since October 2024
    assert cop.phase_group(lopen, dt.date(2021, 3, 9)) == "running"
    assert cop.phase_group(lopen, dt.date(2024, 11, 1)) == "ending"
    example = CommunityEvent.objects.get(title__startswith="Voorbeeld")
    assert example.tables.count() >= 2  # a saved seating plan


def test_each_suggestion_gets_the_forms_django_renders_for_it(client, related_data, staff_user,
                                                              monkeypatch):
    """The blank decision forms are rendered once per page and given each suggestion's prefix:
    what the page shows is exactly what Django renders for that prefix, and the form templates
    run once per page, not once per suggestion."""
    from dealmonitor.connections.forms import ConfirmForm, DismissForm

    add_synthetic_deals()
    client.force_login(staff_user)
    renders = []
    original = ConfirmForm.get_context
    monkeypatch.setattr(ConfirmForm, "get_context",
                        lambda self: renders.append(self.prefix) or original(self))
    response = client.get(reverse("connections:deal", args=["cd-health-hub"]))
    items = response.context["items"]
    assert len(items) > 3
    assert len(renders) <= 1  # once per process and language
    monkeypatch.undo()
    html = response.content.decode()
    for item in items:
        slug = item.other.slug
        assert str(ConfirmForm(prefix=slug)) in html
        if not item.confirmed:
            assert str(DismissForm(prefix=slug)) in html
        assert f'name="{slug}-kind"' in html and f'id="id_{slug}-note"' in html
    assert "Soort verband" in html
    from django.utils import translation

    with translation.override("en"):
        english = client.get(reverse("connections:deal", args=["cd-health-hub"]))
    assert english.status_code == 200
    assert "Kind of connection" in english.content.decode()

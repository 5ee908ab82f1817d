"""A new deal in the app (item 4) and the deal as a hub: every task of a deal team member at
most two clicks from Mijn deals (item 2)."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from dealmonitor.deals.models import Deal, Theme
from dealmonitor.learning import services as learning_services

from .conftest import make_deal, member

pytestmark = pytest.mark.django_db


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_programme_staff_make_a_deal_with_its_team_and_an_empty_pathway(client, user):
    staff = user("programma", is_staff=True)
    leader = user("projectleider")
    maker = user("dealmaker")
    themes = [Theme.objects.create(name=f"thema {n}") for n in range(3)]
    client.force_login(staff)
    page = client.get(reverse("workday:new_deal"))
    html = page.content.decode()
    assert "data-dm-multiselect" in html  # themes as a searchable list
    response = client.post(reverse("workday:new_deal"), {
        "name": "City Deal Nieuwe Wijken", "kind": "city_deal", "signing_date": "2026-05-01",
        "end_date": "2029-12-31", "phase": "verkennen",
        "themes": [themes[0].pk, themes[2].pk], "team": [leader.pk], "dealmakers": [maker.pk],
        "form_token": _token(html),
    })
    deal = Deal.objects.get(name="City Deal Nieuwe Wijken")
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:start_conversation", args=[deal.slug])
    assert deal.slug == "city-deal-nieuwe-wijken"
    assert not deal.is_published
    assert set(deal.themes.all()) == {themes[0], themes[2]}
    assert deal.signing_date == dt.date(2026, 5, 1) and deal.phase == "verkennen"
    assert deal.pathway.elements.count() == 0
    assert {(m.user.username, m.role) for m in deal.memberships.all()} == {
        ("projectleider", "team"), ("dealmaker", "dealmaker")}
    assert deal.history.count() >= 1
    # the start conversation is the next page, and the team reaches it
    client.force_login(leader)
    assert client.get(response["Location"]).status_code == 200


def test_a_new_deal_form_explains_its_errors(client, user):
    client.force_login(user("programma", is_staff=True))
    html = client.get(reverse("workday:new_deal")).content.decode()
    assert 'aria-invalid="true"' not in html  # no error before anything is sent
    response = client.post(reverse("workday:new_deal"), {
        "name": "Deal", "kind": "other", "phase": "verkennen", "signing_date": "2026-05-01",
        "end_date": "2025-01-01", "form_token": _token(html)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Geef aan wat voor deal dit is." in text
    assert not Deal.objects.filter(name="Deal").exists()


def test_only_programme_staff_make_deals(client, user):
    client.force_login(user("projectleider"))
    assert client.get(reverse("workday:new_deal")).status_code == 403


def _links(client, url):
    html = client.get(url).content.decode()
    found = set()
    for href in re.findall(r'href="([^"#]+)', html):
        found.add(urlsplit(href).path)
    for action in re.findall(r'<form[^>]*action="([^"]+)"', html):
        found.add(urlsplit(action).path)
    return found


def test_every_task_of_a_deal_team_member_is_at_most_two_clicks_from_my_deals(client, user):
    leader = user("projectleider")
    deal, indicator, _ = make_deal(1)
    member(leader, deal, "team")
    round = learning_services.open_round(actor=None, deal=deal, name="Midterm")
    slug = deal.slug
    tasks = {
        "record a measurement": reverse("impact:measurement_create", args=[slug, indicator.pk]),
        "add an indicator": reverse("impact:indicator_create", args=[slug]),
        "edit the pathway": reverse("impact:pathway", args=[slug]),
        "answer the round": reverse("learning:round_answer", args=[slug, round.pk]),
        "record a lesson": reverse("learning:lesson_create", args=[slug]),
        "report a bottleneck": reverse("learning:bottleneck_create", args=[slug]),
        "record uptake": reverse("learning:uptake_create", args=[slug]),
        "add a deliverable": reverse("learning:deliverable_create", args=[slug]),
        "write the scaling plan": reverse("learning:scaling_plan", args=[slug]),
        "record the start conversation": reverse("learning:start_conversation", args=[slug]),
        "add a milestone": reverse("learning:milestone_create", args=[slug]),
        "add an experiment": reverse("learning:experiment_create", args=[slug]),
        "change the phase": reverse("deals:change_phase", args=[slug]),
        "read the annual report": reverse("reports:deal_report", args=[slug]),
        "download the workbook": reverse("reports:deal_workbook", args=[slug]),
        "see related deals": reverse("connections:deal", args=[slug]),
        "see the change log": reverse("deals:change_log", args=[slug]),
    }
    client.force_login(leader)
    start = reverse("workday:mine")
    one = _links(client, start)
    two = set(one)
    for url in sorted(one):
        if url.startswith(f"/deals/{slug}/") and not url.endswith((".xlsx", ".pdf", ".csv")):
            two |= _links(client, url)
    missing = {task: url for task, url in tasks.items() if url not in two}
    assert missing == {}


def _main_navigation(html):
    return re.search(r'<nav class="dm-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)


def test_the_main_navigation_leads_signed_in_users_to_needs_and_offers(client, user):
    needs_and_offers = reverse("ecosystem:list")
    client.force_login(user("projectleider"))
    nav = _main_navigation(client.get(reverse("workday:mine")).content.decode())
    assert f'href="{needs_and_offers}"' in nav
    assert ">Vraag en aanbod</a>" in nav
    current = _main_navigation(client.get(needs_and_offers).content.decode())
    assert re.search(rf'href="{needs_and_offers}" aria-current="page"', current)
    client.logout()
    nav = _main_navigation(client.get(reverse("deals:portfolio")).content.decode())
    assert f'href="{needs_and_offers}"' not in nav

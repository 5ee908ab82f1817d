"""Needs and offers and the duplicates page in a real browser (Debian's Chromium), with axe
scans. Screenshots in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.deals.models import Deal
from dealmonitor.ecosystem.services import save_post
from dealmonitor.impact.tests.test_browser import sign_in
from dealmonitor.organisations.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_posting_a_need_shows_the_fitting_offer_with_reasons(
    live_server, transactional_db, demo_data, page, axe_check, staff_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    deal = Deal.objects.get(slug="cd-impact-ondernemen")
    save_post(actor=None, deal=deal, organisation=Organisation.objects.get(slug="rabobank"),
              direction="aanbod", kind="financiering", title="Impactfinanciering voor ondernemers",
              text="Wij financieren impactondernemers die maatschappelijke waarde creëren en willen opschalen.",
              region="landelijk", visibility="openbaar")
    sign_in(page, live_server, "beheerder")
    page.goto(live_server.url + deal.get_absolute_url())
    page.get_by_role("navigation", name="Onderdelen van de deal").get_by_role("link", name="Vraag en aanbod").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraag en aanbod")
    axe_check(page)
    page.get_by_label("vraag", exact=True).check()
    page.get_by_label("Voor organisatie").select_option(label="Raw Paints")
    page.get_by_label("Wat", exact=True).select_option("financiering")
    page.get_by_label("Titel").fill("Financiering om op te schalen")
    page.get_by_label("Beschrijving").fill("Als impactondernemer zoeken wij financiering om onze productie op te schalen.")
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_text("Geplaatst. De matches staan hieronder.")).to_be_visible()
    section = page.locator("section[aria-labelledby=matches]")
    match = section.locator("> ol > li").first
    expect(match).to_contain_text("Impactfinanciering voor ondernemers")
    expect(match).to_contain_text("woorden gemeen")
    page.screenshot(path=str(SHOTS / "need-with-matches.png"), full_page=True)
    axe_check(page)
    section.locator("select").first.select_option("nuttig")
    section.get_by_role("button", name="Beoordeling opslaan").first.click()
    expect(page.get_by_text("Gemarkeerd: nuttig")).to_be_visible()
    page.goto(live_server.url + reverse("ecosystem:list"))
    expect(page.locator("#match-figures")).to_contain_text("1 van 1")
    axe_check(page)


def test_the_duplicates_page_merges_a_den_haag(live_server, transactional_db, demo_data, page, axe_check, staff_user):
    SHOTS.mkdir(parents=True, exist_ok=True)
    Organisation.objects.create(slug="gemeente-den-haag-2", name="GEMEENTE DEN HAAG", type="gemeente")
    sign_in(page, live_server, "beheerder")
    page.goto(live_server.url + reverse("organisations:list"))
    page.get_by_role("link", name="Waarschijnlijk dubbele organisaties").click()
    row = page.locator("#duplicates tr", has_text="gemeente-den-haag-2")
    expect(row).to_contain_text("zelfde CBS-code GM0518")
    page.screenshot(path=str(SHOTS / "organisation-duplicates.png"), full_page=True)
    axe_check(page)
    row.get_by_role("button").click()
    expect(page.get_by_text("GEMEENTE DEN HAAG is samengevoegd met Gemeente Den Haag.")).to_be_visible()
    expect(page.locator("#merges")).to_contain_text("gemeente-den-haag-2")
    axe_check(page)
    assert not Organisation.objects.filter(slug="gemeente-den-haag-2").exists()


def test_the_poster_changes_and_closes_a_post_and_an_organisation_posts_for_itself(
    live_server, transactional_db, demo_data, page, axe_check, staff_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    deal = Deal.objects.get(slug="cd-impact-ondernemen")
    raw_paints = Organisation.objects.get(name="Raw Paints")
    save_post(actor=None, deal=deal, organisation=Organisation.objects.get(slug="rabobank"),
              direction="aanbod", kind="financiering", title="Impactfinanciering voor ondernemers",
              text="Wij financieren impactondernemers die maatschappelijke waarde creëren en willen opschalen.",
              region="landelijk", visibility="openbaar")
    need = save_post(actor=staff_user, deal=deal, organisation=raw_paints, direction="vraag",
                     kind="financiering", title="Financiering om op te schalen",
                     text="Als impactondernemer zoeken wij financiering om onze productie op te schalen.",
                     region="PV27", visibility="programma")
    sign_in(page, live_server, "beheerder")
    page.goto(live_server.url + reverse("ecosystem:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraag en aanbod")
    page.screenshot(path=str(SHOTS / "needs-and-offers.png"), full_page=True)
    axe_check(page)
    page.get_by_role("link", name="Financiering om op te schalen").click()
    expect(page.locator("section[aria-labelledby=matches]")).to_contain_text("Impactfinanciering voor ondernemers")
    page.screenshot(path=str(SHOTS / "post.png"), full_page=True)
    axe_check(page)
    page.get_by_role("link", name="Dit bericht wijzigen of sluiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bericht wijzigen")
    page.get_by_label("Titel").fill("Financiering om onze verfproductie op te schalen")
    page.get_by_label("Open", exact=True).uncheck()
    page.get_by_label("Reden van de wijziging").fill("Financier gevonden via de match")
    page.screenshot(path=str(SHOTS / "post-edit.png"), full_page=True)
    axe_check(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het bericht is gesloten: het doet niet meer mee in het matchen.")).to_be_visible()
    expect(page.locator("#closed")).to_contain_text("Gesloten")
    expect(page.locator("section[aria-labelledby=history]")).to_contain_text("Financier gevonden via de match")
    page.screenshot(path=str(SHOTS / "post-closed.png"), full_page=True)
    axe_check(page)
    need.refresh_from_db()
    assert not need.is_open and need.title == "Financiering om onze verfproductie op te schalen"
    # the organisation posts for itself, outside a deal
    page.goto(live_server.url + reverse("ecosystem:organisation", args=[raw_paints.slug]))
    page.get_by_label("aanbod", exact=True).check()
    page.get_by_label("Wat", exact=True).select_option("kennis")
    page.get_by_label("Titel").fill("Kennis over circulaire verf")
    page.get_by_label("Beschrijving").fill("Wij delen wat wij leerden over verf uit reststromen.")
    page.get_by_label("openbaar", exact=False).first.check()
    axe_check(page)
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_text("Geplaatst. De matches staan hieronder.")).to_be_visible()
    expect(page.locator(".dm-breadcrumb")).to_contain_text("Raw Paints")
    page.screenshot(path=str(SHOTS / "organisation-post.png"), full_page=True)
    axe_check(page)

"""Learning and steering in a real browser (Debian's Chromium): a self-assessment round opened
by the team, answered by two partner organisations, closed with a reflection and compared with
the previous round; a bottleneck reported and resolved; the lessons library searched; the
programme pages read. Every page gets an axe scan for WCAG 2.1 AA."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.learning import services
from dealmonitor.learning.models import AssessmentRound, Bottleneck, Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text(f"Ingelogd als {username}")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Uitloggen").click()


def answer_all(page, score):
    # Wait for the answer form itself: locator.all() does not wait, and right after the click
    # that opens the form it may still see the round's page and find no radio at all.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Antwoorden van")
    radios = page.locator(f"input[type=radio][value='{score}']")
    expect(radios).not_to_have_count(0)
    for radio in radios.all():
        radio.check()
        expect(radio).to_be_checked()


def test_a_round_is_answered_by_two_partners_closed_and_compared(
        live_server, page, axe_check, deal, team_user, rotterdam, tilburg, rotterdam_user, tilburg_user):
    # an earlier round, closed, to compare with
    earlier = services.open_round(actor=None, deal=deal, name="Tussenmeting 2023", opened_on=dt.date(2023, 3, 1))
    services.save_answers(actor=None, round=earlier, organisation=rotterdam,
                          answers={s.pk: (2, "") for s in earlier.template.statements.all()})
    services.close_round(actor=None, round=earlier, reflection="Eerste ronde.", closed_on=dt.date(2023, 4, 1))

    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + reverse("learning:deal", args=[deal.slug]))
    axe_check(page)
    page.get_by_role("link", name="Zelfevaluatieronde openen").click()
    axe_check(page)
    page.get_by_label("Naam van de ronde").fill("Tussenmeting 2024")
    page.get_by_role("button", name="Ronde openen").click()
    expect(page.get_by_text("De ronde is geopend")).to_be_visible()
    axe_check(page)
    sign_out(page)

    for user, score in (("rotterdammer", "4"), ("tilburger", "5")):
        sign_in(page, live_server, user)
        rnd = AssessmentRound.objects.get(name="Tussenmeting 2024")
        page.goto(live_server.url + rnd.get_absolute_url())
        links = page.locator("#answer-links a")
        expect(links).to_have_count(1)  # a partner member answers only for their own organisation
        links.first.click()
        answer_all(page, score)
        page.locator("#statement-doelen").get_by_label("Toelichting").fill("Onze doelen zijn nu meetbaar.")
        axe_check(page)
        page.get_by_role("button", name="Antwoorden opslaan").click()
        expect(page.get_by_text("zijn opgeslagen")).to_be_visible()
        sign_out(page)

    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + rnd.get_absolute_url())
    row = page.locator("tr[data-code='doelen']")
    expect(row.locator(".dm-mean")).to_have_text("4,5")
    expect(row.locator(".dm-spread")).to_have_text("0,50")
    expect(row.locator(".dm-previous")).to_have_text("2,0")
    expect(row.locator(".dm-change")).to_have_text("+2,5")
    expect(row.locator(".dm-previous-spread")).to_have_text("0,00")
    expect(row.locator(".dm-spread-change")).to_have_text("+0,50")
    expect(row.locator(".dm-previous-distribution li").nth(1)).to_contain_text("1×")  # one 2 last year
    expect(page.locator("#answered-by")).to_contain_text("Gemeente Rotterdam, Gemeente Tilburg")
    axe_check(page)
    page.get_by_role("link", name="Ronde afsluiten met een reflectie").click()
    page.get_by_label("Reflectie").fill("De doelen zijn veel scherper dan vorig jaar.")
    page.get_by_label("Lessen").fill("Maak doelen meetbaar bij de start\nMeet elk jaar op dezelfde manier")
    axe_check(page)
    page.get_by_role("button", name="Ronde afsluiten").click()
    expect(page.get_by_text("2 lessen zijn vastgelegd")).to_be_visible()
    expect(page.locator("#round-lessons li")).to_have_count(2)
    axe_check(page)
    assert Lesson.objects.filter(source_round__name="Tussenmeting 2024").count() == 2


def test_a_bottleneck_is_reported_resolved_and_found_in_the_programme_view(
        live_server, page, axe_check, deal, team_user, ministry):
    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + reverse("learning:bottleneck_create", args=[deal.slug]))
    axe_check(page)
    page.get_by_label("Titel").fill("Subsidie alleen door bewoners aan te vragen")
    page.get_by_label("Soort").select_option("regelgeving")
    page.get_by_label("Betreffende regel").fill("ISDE")
    page.get_by_label("Niveau").select_option("rijk")
    page.get_by_label("Aangekaart bij (ministerie)").select_option(label=ministry.name)
    page.get_by_label("Gesignaleerd op").fill("2021-03-04")
    page.get_by_role("button", name="Knelpunt opslaan").click()
    expect(page.get_by_text("Het knelpunt is opgeslagen.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Nieuwe status").select_option("opgelost")
    page.get_by_label("Sinds").fill("2024-01-01")
    page.get_by_role("button", name="Status wijzigen").click()
    expect(page.get_by_text("Beschrijf hoe het knelpunt is opgelost.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Oplossing").fill("Gemeenten mogen nu namens bewoners aanvragen.")
    page.get_by_role("button", name="Status wijzigen").click()
    expect(page.locator("#status-history tbody tr")).to_have_count(2)
    expect(page.locator("#days-open")).to_contain_text("gesloten na 1033 dagen")
    assert Bottleneck.objects.get().status == "opgelost"

    page.goto(live_server.url + reverse("learning:bottlenecks"))
    expect(page.locator("#bottleneck-matrix")).to_contain_text(ministry.name)
    axe_check(page)
    page.goto(live_server.url + reverse("learning:lesson_create", args=[deal.slug]))
    axe_check(page)
    page.get_by_label("Titel").fill("Agenderen loont")
    page.get_by_label("Soort").select_option("succes")
    page.get_by_label("Les", exact=True).fill("Door knelpunten vroeg bij het Rijk te melden, kwam er een oplossing.")
    page.get_by_label("Subsidie alleen door bewoners aan te vragen").check()
    page.get_by_role("button", name="Les opslaan").click()
    expect(page.get_by_text("De les is opgeslagen.")).to_be_visible()
    axe_check(page)


def test_the_library_and_programme_pages_pass_axe(live_server, page, axe_check, deal):
    services.save_lesson(actor=None, deal=deal, title="Agenderen loont", kind="succes", visibility="programma",
                         text="Knelpunten in regelgeving vroeg melden hielp.")
    page.goto(live_server.url + reverse("learning:lessons"))
    page.get_by_label("Zoeken", exact=True).fill("knelpunt")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("#lesson-results li")).to_have_count(1)
    axe_check(page)
    page.locator("#lesson-results a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenderen loont")
    axe_check(page)
    for name in ("learning:programme", "learning:evidence_gaps", "learning:key_persons", "learning:templates"):
        page.goto(live_server.url + reverse(name))
        axe_check(page)


def test_the_team_keeps_plans_milestones_and_experiments(live_server, page, axe_check, deal, team_user):
    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + reverse("learning:scaling_plan", args=[deal.slug]))
    expect(page.locator("#none-yet")).to_be_visible()
    axe_check(page)
    page.get_by_label("Route", exact=True).select_option("repliceren")
    page.get_by_label("Eigenaar na de deal").fill("Gemeente Tilburg")
    page.get_by_label("Opgesteld of herzien op").fill("2023-01-10")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#revisit-due")).to_contain_text("10 januari 2023")
    axe_check(page)

    page.goto(live_server.url + reverse("learning:start_conversation", args=[deal.slug]))
    page.get_by_label("Wie is de opdrachtgever").fill("De stuurgroep")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#revisit-next")).to_be_visible()
    axe_check(page)

    page.goto(live_server.url + reverse("learning:milestone_create", args=[deal.slug]))
    axe_check(page)
    page.get_by_label("Mijlpaal").fill("Handreiking gepubliceerd")
    page.get_by_label("Gepland op").fill("2024-06-30")
    page.get_by_role("button", name="Mijlpaal opslaan").click()
    expect(page.locator("#deal-milestones")).to_contain_text("te laat sinds 30 juni 2024")

    page.get_by_role("link", name="Experiment toevoegen").click()
    axe_check(page)
    page.get_by_label("Experiment", exact=True).fill("Energiecoach aan de keukentafel")
    page.get_by_label("Hypothese").fill("Een persoonlijk gesprek haalt meer huishoudens over dan een folder.")
    page.get_by_label("Omgeving").fill("Twee wijken in Tilburg")
    page.get_by_role("button", name="Experiment opslaan").click()
    expect(page.locator("#deal-experiments")).to_contain_text("Energiecoach aan de keukentafel")
    expect(page.locator("#revisits")).to_contain_text("herziening nodig")
    axe_check(page)

"""A working day per role, as a user would click it, in a real browser (Debian's Chromium):
the project leader, the partner member, the programme officer and the public visitor
(issue 16, item 8). Every page gets an axe scan for WCAG 2.1 AA and a screenshot, kept in
`var/screenshots/journeys/<role>/` (README.md, "Screenshots of the journeys"), with the
number of clicks from the start page to each task in `var/screenshots/journeys/clicks-<role>.md`.

A click here is a click on a link or button that opens a page; filling in a form is not
counted. Each task starts on the page a user lands on after signing in (Mijn deals), or on
the portfolio for the public visitor."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.deals.models import Deal, Participation, Theme
from dealmonitor.deals.tests.factories import ParticipationFactory
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.constants import LessonKind, Visibility
from dealmonitor.learning.models import Bottleneck, Lesson

from .conftest import PASSWORD, make_deal, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "journeys"


class Journey:
    def __init__(self, page, live_server, axe_check, role):
        self.page, self.url, self.axe, self.role = page, live_server.url, axe_check, role
        self.clicks = 0
        self.tasks = []
        self.shots = 0
        (SHOTS / role).mkdir(parents=True, exist_ok=True)

    def look(self, name):
        """Scan the page with axe and keep a screenshot of it."""
        self.axe(self.page)
        self.shots += 1
        self.page.screenshot(path=str(SHOTS / self.role / f"{self.shots:02d}-{name}.png"),
                             full_page=True)

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def start(self, path):
        """Back on the start page, counting from zero."""
        self.page.goto(self.url + path)
        self.clicks = 0

    def reached(self, task, name):
        self.tasks.append((task, self.clicks))
        self.look(name)

    def sign_in(self, username):
        self.page.goto(self.url + reverse("deals:portfolio"))
        self.click(self.page.get_by_role("link", name="Inloggen"))
        self.page.wait_for_url("**/inloggen/**")
        self.look("sign-in")
        self.page.get_by_label("Gebruikersnaam").fill(username)
        self.page.get_by_label("Wachtwoord").fill(PASSWORD)
        self.page.get_by_role("button", name="Inloggen").click()
        self.clicks = 0

    def submit(self):
        self.page.locator("main form.dm-form button[type=submit]").last.click()

    def write(self):
        lines = [f"# Clicks from the start page to each task: {self.role}", "",
                 "| task | clicks |", "| --- | --- |"]
        lines += [f"| {task} | {n} |" for task, n in self.tasks]
        (SHOTS / f"clicks-{self.role}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def day(user, ministry):
    deal, indicator, org = make_deal(1, signing_date=dt.date(2024, 3, 1))
    for name in ("waterbeheer", "energietransitie", "wonen", "mobiliteit"):
        Theme.objects.get_or_create(name=name)
    leader, partner = user("projectleider"), user("partner")
    officer = user("programma", is_staff=True)
    member(leader, deal, "team")
    member(partner, deal, "partner", org)
    participation = Participation.objects.get(deal=deal, organisation=org)
    participation.commitment_money, participation.contact_name = Decimal(25000), "Jan de Vries"
    participation.save()
    other = ParticipationFactory(deal=deal, organisation=ministry, contact_name="Fatima Bakker")
    lesson = learning_services.save_lesson(
        actor=None, deal=deal, title="Begin klein met een wijk", text="Een wijk tegelijk werkt.",
        kind=LessonKind.INZICHT, visibility=Visibility.PROGRAMMA, learned_on=dt.date(2026, 4, 1))
    return {"deal": deal, "indicator": indicator, "org": org, "lesson": lesson,
            "participation": participation, "other_participation": other}


def test_the_project_leaders_day(live_server, page, axe_check, day):
    deal = day["deal"]
    j = Journey(page, live_server, axe_check, "project-leader")
    j.sign_in("projectleider")
    expect(page).to_have_url(re.compile(r"/mijn-deals/$"))
    expect(page.get_by_role("heading", name="Mijn deals", level=1)).to_be_visible()
    j.look("my-deals")
    mine = reverse("workday:mine")

    # a measurement due for the last quarter
    j.click(page.get_by_role("link", name=re.compile(r"Meting invoeren: .* over 2026-K1")))
    j.reached("record a measurement that is due", "measurement-form")
    page.locator("[name=date]").fill("2026-03-31")
    page.locator("[name=value]").fill("14")
    j.submit()
    expect(page.get_by_text("opgeslagen")).to_be_visible()

    # open a self-assessment round
    j.start(mine)
    j.click(page.get_by_role("link", name="Leren").first)
    j.click(page.get_by_role("link", name="Zelfevaluatieronde openen"))
    j.reached("open a self-assessment round", "round-open")
    page.locator("[name=name]").fill("Tussenmeting 2026")
    j.submit()
    expect(page.get_by_text("De ronde is geopend")).to_be_visible()

    # record a lesson, with a theme found by searching the list
    j.start(mine)
    j.click(page.get_by_role("link", name="Les vastleggen").first)
    j.reached("record a lesson", "lesson-form")
    page.locator("[name=title]").fill("Bewoners eerst")
    page.locator("[name=text]").fill("Begin bij de bewoners, niet bij de techniek.")
    page.locator("[name=kind]").select_option(index=1)
    expect(page.get_by_text("openbaar: iedereen, ook zonder in te loggen")).to_be_visible()
    page.get_by_label("alleen de deal", exact=False).check()
    page.get_by_label("Zoek in de lijst").fill("water")
    expect(page.get_by_label("wonen", exact=True)).to_be_hidden()
    page.get_by_label("waterbeheer", exact=True).check()
    j.look("lesson-form-themes-searched")
    j.submit()
    expect(page.get_by_role("heading", name="Bewoners eerst")).to_be_visible()
    lesson = Lesson.objects.get(title="Bewoners eerst")
    assert lesson.visibility == "deal" and [t.name for t in lesson.themes.all()] == ["waterbeheer"]

    # report a bottleneck
    j.start(mine)
    j.click(page.get_by_role("link", name="Knelpunt melden").first)
    j.reached("report a bottleneck", "bottleneck-form")
    page.locator("[name=title]").fill("Subsidie sluit niet aan")
    page.locator("[name=kind]").select_option("financiering")
    page.locator("[name=signalled_on]").fill("2026-05-19")
    j.submit()
    expect(page.get_by_role("heading", name="Subsidie sluit niet aan")).to_be_visible()
    assert Bottleneck.objects.filter(deal=deal).count() == 1

    # change the phase, on the deal page
    j.start(mine)
    j.click(page.get_by_role("link", name=deal.name).first)
    j.reached("change the phase (deal page)", "deal-page")

    # the annual report and the start conversation
    j.start(mine)
    j.click(page.get_by_role("link", name="Jaarverslag").first)
    j.reached("read the annual report", "annual-report")
    j.start(mine)
    j.click(page.get_by_role("link", name="Leg het startgesprek vast"))
    j.reached("record the start conversation", "start-conversation")

    # Mijn deals now shows the bottleneck waiting for an answer
    j.start(mine)
    expect(page.get_by_role("link", name="Subsidie sluit niet aan")).to_be_visible()
    j.look("my-deals-after")
    j.write()


def test_the_partner_members_day(live_server, page, axe_check, day):
    deal = day["deal"]
    learning_services.open_round(actor=None, deal=deal, name="Tussenmeting 2026")
    j = Journey(page, live_server, axe_check, "partner-member")
    j.sign_in("partner")
    expect(page).to_have_url(re.compile(r"/mijn-deals/$"))
    j.look("my-deals")
    mine = reverse("workday:mine")

    j.click(page.get_by_role("link", name="Beantwoord de ronde Tussenmeting 2026"))
    # locator.all() does not wait: first the answer form itself, then its radios
    expect(page.get_by_role("heading", level=1)).to_contain_text("Antwoorden van")
    j.reached("answer the self-assessment round", "round-answer")
    radios = page.locator("input[type=radio][value='4']")
    expect(radios).not_to_have_count(0)
    for radio in radios.all():
        radio.check()
    page.get_by_role("button", name="Antwoorden opslaan").click()
    expect(page.get_by_text("zijn opgeslagen")).to_be_visible()

    j.start(mine)
    j.click(page.get_by_role("link", name=re.compile(r"Meting invoeren: .* over 2026-K1")))
    j.reached("record a measurement for their organisation", "measurement-form")
    page.locator("[name=value]").fill("")
    j.submit()  # an error: the value is missing
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    j.look("measurement-error")

    # their own organisation's commitment and contact: seen on the deal's partners page, and
    # updated there; only their own row offers the change
    j.start(mine)
    tasks = page.get_by_role("navigation", name=f"Taken in {deal.name}")
    j.click(tasks.get_by_role("link", name="Partners"))
    j.reached("see their organisation's commitment and contact", "partners")
    own = page.locator(f"#partner-{day['participation'].pk}")
    expect(own).to_contain_text("€ 25.000")
    expect(own).to_contain_text("Jan de Vries")
    other = page.locator(f"#partner-{day['other_participation'].pk}")
    expect(other).to_contain_text("Ministerie van BZK")
    expect(other.get_by_role("link")).to_have_count(1)  # the organisation's page, no change link
    j.click(own.get_by_role("link", name="Onze toezegging en contactpersoon bijwerken"))
    j.reached("update their organisation's commitment and contact", "commitment-form")
    page.get_by_label("toezegging in euro").fill("40000")
    page.get_by_label("toezegging in fte").fill("1.5")
    page.get_by_label("Contactpersoon", exact=True).fill("Sanne Jansen")
    page.get_by_label("e-mailadres van de contactpersoon").fill("s.jansen@gemeente.example.nl")
    j.submit()
    expect(page.get_by_text(f"De toezegging van {day['org'].name} is opgeslagen.")).to_be_visible()
    own = page.locator(f"#partner-{day['participation'].pk}")
    expect(own).to_contain_text("€ 40.000")
    expect(own).to_contain_text("1,50 fte")
    expect(own).to_contain_text("Sanne Jansen")
    expect(own.get_by_role("link", name="s.jansen@gemeente.example.nl")).to_be_visible()
    j.look("partners-after")

    j.start(mine)
    j.click(page.get_by_role("link", name="Kies welke e-mails u ontvangt"))
    j.reached("choose which e-mails they receive", "profile")
    page.get_by_label("wekelijks overzicht").check()
    j.submit()
    expect(page.get_by_text("Uw keuzes zijn opgeslagen.")).to_be_visible()

    # a page for the deal team only: a refusal in the site's layout, with the way back
    page.goto(live_server.url + reverse("impact:indicator_create", args=[deal.slug]))
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
    expect(page.get_by_role("link", name="Terug naar de deal")).to_be_visible()
    j.look("refused")
    j.write()


def test_the_programme_officers_day(live_server, page, axe_check, day):
    j = Journey(page, live_server, axe_check, "programme-officer")
    j.sign_in("programma")
    expect(page.locator("#portfolio-due")).to_be_visible()
    j.look("my-deals")
    mine = reverse("workday:mine")

    j.click(page.locator("#deals-behind a").first)
    j.reached("see a deal behind on reporting", "deal-behind")

    j.start(mine)
    j.click(page.get_by_role("link", name="Bewijslacunes in het hele portfolio"))
    j.reached("see the evidence gaps", "evidence-gaps")

    j.start(mine)
    j.click(page.get_by_role("link", name="Nieuwe deal"))
    j.reached("make a new deal", "new-deal")
    page.get_by_label("Naam").fill("City Deal Klimaatbestendige Wijken")
    page.locator("[name=signing_date]").fill("2026-05-01")
    page.get_by_role("group", name="Thema's").get_by_label("Zoek in de lijst").fill("energie")
    page.get_by_label("energietransitie", exact=True).check()
    page.get_by_role("group", name="Dealteam").get_by_label("projectleider").check()
    j.look("new-deal-filled")
    j.submit()
    expect(page.get_by_text("Leg nu het startgesprek vast")).to_be_visible()
    j.look("start-conversation")
    deal = Deal.objects.get(name="City Deal Klimaatbestendige Wijken")
    assert deal.memberships.get().user.username == "projectleider"
    assert [t.name for t in deal.themes.all()] == ["energietransitie"]
    j.write()


def test_the_public_visitors_day(live_server, page, axe_check, day):
    deal = day["deal"]
    j = Journey(page, live_server, axe_check, "public-visitor")
    j.start(reverse("deals:portfolio"))
    j.look("portfolio")
    j.click(page.get_by_role("link", name=deal.name).first)
    j.reached("read a deal", "deal")
    j.click(page.locator(".dm-deal-tabs").get_by_role("link", name="Leren"))
    j.click(page.get_by_role("link", name=day["lesson"].title))
    j.reached("read a public lesson", "lesson")
    page.goto(live_server.url + "/deals/bestaat-niet/")
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
    j.look("not-found")
    page.goto(live_server.url + reverse("impact:indicator_create", args=[deal.slug]))
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()  # asked to sign in
    j.look("sign-in-asked")
    assert page.request.get(live_server.url + "/favicon.ico").ok
    j.write()

"""The deal team asks the performance table for the contributions per partner and per category
(issue 17, items 6 and 7): under the indicator, each partner's figure, their sum and the values
per age group, folded with their year's quarters. An axe scan, and a screenshot kept in
var/screenshots/impact/performance-contributions.png."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from dealmonitor.impact import services
from dealmonitor.impact.constants import Aggregation, IndicatorKind
from dealmonitor.impact.periods import calendar_periods

from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "impact" / "performance-contributions.png"


def test_the_deal_team_sees_the_partners_and_categories_under_an_indicator(live_server, deal, partner_org,
                                                                           other_org, team_user, browser,
                                                                           axe_check):
    indicator = services.save_indicator(
        actor=None, deal=deal, name="Deelnemers aan de cursus", kind=IndicatorKind.NUMERIC, unit="personen",
        aggregation=Aggregation.PER_PERIOD, whole_numbers=True, breakdown=[{"dimension": "leeftijd"}])
    services.set_targets(actor=None, indicator=indicator, targets=[
        {"period_start": p.start, "period_end": p.end, "label": p.label, "value": Decimal(20)}
        for p in calendar_periods(dt.date(2023, 1, 1), dt.date(2024, 12, 31), "jaar")])
    services.record_measurement(actor=None, indicator=indicator, date=dt.date(2023, 4, 1), value=12,
                                reporting_organisation=partner_org, parts=[
                                    {"dimension": "leeftijd", "category": "18-26", "value": 5},
                                    {"dimension": "leeftijd", "category": "27-66", "value": 7}])
    services.record_measurement(actor=None, indicator=indicator, date=dt.date(2023, 9, 1), value=6,
                                reporting_organisation=other_org)
    page = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800}).new_page()
    sign_in(page, live_server, "projectleider")
    page.goto(f"{live_server.url}/deals/{deal.slug}/prestaties/")
    expect(page.locator("tr.dm-iptt__part")).to_have_count(0)
    page.get_by_label("Bijdragen per partner en per categorie tonen").check()
    page.get_by_role("button", name="Filter").click()
    table = page.locator("#performance-table")
    together = table.locator("tr.dm-iptt__part", has_text="samen")
    expect(together).to_contain_text("18")  # 12 + 6, the indicator's figure for 2023
    expect(table.locator("tr.dm-iptt__part", has_text=partner_org.name)).to_contain_text("12")
    expect(table.locator("tr.dm-iptt__part", has_text="niet uitgesplitst")).to_contain_text("6")
    expect(table.locator("tr.dm-iptt__part", has_text="27-66")).to_be_visible()
    axe_check(page)
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator("main").screenshot(path=str(SHOT))

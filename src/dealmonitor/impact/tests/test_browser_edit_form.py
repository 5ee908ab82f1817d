"""The indicator edit form in a real browser (Debian's Chromium): changing only the
description keeps the dates and numbers the form shows. The Dutch page used to render
`value="11-03-2021"` in a date input; the browser showed an empty field, posted it empty and
the save erased both dates."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.impact import services
from dealmonitor.impact.models import Indicator

from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_only_the_description_keeps_the_dates(live_server, deal, team_user, numeric, page, axe_check):
    services.save_indicator(
        actor=None, deal=deal, indicator=numeric, name=numeric.name, kind=numeric.kind,
        unit=numeric.unit, direction=numeric.direction, aggregation=numeric.aggregation,
        element=numeric.element, baseline_value=Decimal("12.5"), baseline_date=dt.date(2021, 3, 11),
        target_value=Decimal(100), target_date=dt.date(2026, 12, 31),
    )
    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + reverse("impact:indicator_edit", args=[deal.slug, numeric.pk]))
    expect(page.get_by_label("Datum nulmeting")).to_have_value("2021-03-11")
    expect(page.get_by_label("Datum einddoel")).to_have_value("2026-12-31")
    expect(page.get_by_label("Nulmeting", exact=True)).to_have_value("12.5")
    page.get_by_label("Beschrijving").fill("Alleen de beschrijving is nieuw.")
    shot = Path(settings.BASE_DIR) / "var" / "screenshots" / "indicator-edit-form.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    axe_check(page)
    page.get_by_role("button", name="Indicator opslaan").click()
    expect(page.get_by_text("De indicator is opgeslagen.")).to_be_visible()

    saved = Indicator.objects.get(pk=numeric.pk)
    assert saved.description == "Alleen de beschrijving is nieuw."
    assert (saved.baseline_date, saved.target_date) == (dt.date(2021, 3, 11), dt.date(2026, 12, 31))
    assert (saved.baseline_value, saved.target_value) == (Decimal("12.5"), Decimal(100))

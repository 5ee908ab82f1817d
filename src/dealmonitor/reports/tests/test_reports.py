"""The annual report of a deal and the portfolio report, as HTML and as PDF: documents with a
title page, contents and sources, that pdftotext can read."""

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from .test_exports import filled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def pdf_text(content, tmp_path):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: `make test` installs poppler-utils"
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run([pdftotext, "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout


def test_the_deal_report_pdf_names_the_deal_and_its_indicators(client, filled, staff_user, tmp_path):
    client.force_login(staff_user)
    response = client.get(reverse("reports:deal_report_pdf", kwargs={"slug": "cd-proef"}) + "?jaar=2023")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "City Deal Proef" in text
    assert "Woningen verduurzaamd" in text and "Handreiking" in text
    for heading in ("Inhoud", "Samenvatting", "Resultaten ten opzichte van de doelen", "Knelpunten",
                    "Doorwerking en borging", "Bewijs en lacunes", "Bronnen en werkwijze"):
        assert heading in text, heading
    assert "Jaarverslag 2023" in text
    assert "Subsidieregel knelt" in text  # an open bottleneck, shown to the programme


def test_the_public_report_leaves_internal_bottlenecks_out(client, filled):
    html = client.get(reverse("reports:deal_report", kwargs={"slug": "cd-proef"})).content.decode()
    assert "Datadeling geregeld" in html and "Subsidieregel knelt" not in html


def test_the_deal_report_html_is_a_document(client, filled):
    response = client.get(reverse("reports:deal_report", kwargs={"slug": "cd-proef"}) + "?jaar=2023")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<section class="title-page"' in html and 'class="toc"' in html
    assert html.count("<h2 ") >= 10  # contents + nine sections
    assert "<svg" in html  # a chart of the numeric indicator
    # its coordinates are numbers, not Dutch-formatted decimals ("12,5" breaks the drawing)
    assert not re.search(r'\b(x|y|cx|cy|x1|y1|x2|y2)="-?\d+,\d', html)
    assert 'id="report-performance"' in html and "Woningen verduurzaamd" in html


def test_the_portfolio_report_pdf(client, filled, tmp_path):
    response = client.get(reverse("reports:portfolio_report_pdf"))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "City Deal Proef" in text
    for heading in ("City Deals en Town Deals in", "Inhoud", "Knelpunten per ministerie", "Bewijs en lacunes",
                    "De indicatoren per deal", "Prestatie-indicatoren van City Deal Proef"):
        assert heading in text, heading
    # each indicator by name, with its progress and whether its measurements carry evidence
    numeric = next(line for line in text.splitlines() if "Woningen verduurzaamd" in line)
    milestone = next(line for line in text.splitlines() if "Handreiking" in line and "gestart" in line)
    assert "42,5" in numeric and "100" in numeric and "42%" in numeric.replace(" ", "")  # reached (cumulative), target, % met
    assert "geen" in numeric  # two measurements, neither with evidence
    assert "ja, 1 van 1" in milestone


def test_the_portfolio_report_needs_the_same_queries_for_more_deals(client, staff_user, db,
                                                                   django_assert_num_queries,
                                                                   django_assert_max_num_queries):
    import datetime as dt
    from decimal import Decimal

    from django.core.cache import cache

    from dealmonitor.deals.tests.factories import DealFactory
    from dealmonitor.impact import services as impact_services

    def deals_with_indicators(n):
        for deal in DealFactory.create_batch(n):
            indicator = impact_services.save_indicator(actor=None, deal=deal, name=f"Indicator van {deal.name}",
                                                       target_value=Decimal(10))
            impact_services.record_measurement(actor=None, indicator=indicator, date=dt.date(2024, 1, 1),
                                               value=Decimal(5), evidence_url="https://example.org/bewijs")

    client.force_login(staff_user)
    deals_with_indicators(2)
    client.get(reverse("reports:portfolio_report"))
    cache.clear()  # measure the report as it is first drawn, not from the cache
    # (a bound, not a target: after the cache is cleared the first drawing also recreates the
    # data versions of the tables the programme figures count, utils/cache.py)
    with django_assert_max_num_queries(150) as few:
        response = client.get(reverse("reports:portfolio_report"))
    assert response.status_code == 200 and response.content.decode().count('class="indicators-of-deal"') == 2
    deals_with_indicators(6)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:portfolio_report"))
    assert response.content.decode().count('class="indicators-of-deal"') == 8


def test_a_deal_that_does_not_exist_has_no_report(client, db):
    assert client.get(reverse("reports:deal_report", kwargs={"slug": "cd-geen"})).status_code == 404


def test_the_reports_page_needs_the_same_queries_for_more_deals(client, db, django_assert_num_queries):
    from dealmonitor.deals.tests.factories import DealFactory

    DealFactory.create_batch(2)
    with django_assert_num_queries(1) as few:
        assert client.get(reverse("reports:index")).status_code == 200
    DealFactory.create_batch(8)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:index"))


def test_the_annual_report_in_english_names_the_milestone_statuses_in_english(client, filled):
    from django.utils import translation

    def milestone_row(address):
        html = client.get(address).content.decode()
        return re.search(r"<tr>(?:(?!</tr>).)*Handreiking(?:(?!</tr>).)*</tr>", html, re.S).group(0)

    dutch = milestone_row(reverse("reports:deal_report", kwargs={"slug": "cd-proef"}) + "?jaar=2023")
    assert "gerealiseerd" in dutch and "gestart" in dutch and "started" not in dutch
    with translation.override("en"):
        address = reverse("reports:deal_report", kwargs={"slug": "cd-proef"}) + "?jaar=2023"
    english = milestone_row(address)
    assert address.startswith("/en/")
    assert "achieved" in english and "started" in english
    assert "gerealiseerd" not in english and "gestart" not in english

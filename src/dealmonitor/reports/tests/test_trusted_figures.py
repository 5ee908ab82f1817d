"""Reports and exports of measurements people can trust (issue 17, items 1, 5, 6 and 7): a
withdrawn measurement counts in no figure but stays in the history the exports carry; the
long CSV, the reports (page, PDF, Word) can be limited to verified figures and say so; the
long CSV carries a row per category of a measurement."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import Verification

from .test_exports import filled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted(filled, numeric, partner_org, team_user):  # noqa: F811
    """Besides `filled`'s two measurements of 12,5 and 30 (self-reported): a verified one of 5
    with values per category, and a withdrawn one of 100."""
    impact_services.save_indicator(actor=None, deal=filled, indicator=numeric, name=numeric.name,
                                   breakdown=[{"dimension": "leeftijd"}])
    impact_services.record_measurement(
        actor=team_user, indicator=numeric, date=dt.date(2023, 9, 30), value=5,
        reporting_organisation=partner_org, verification=Verification.VERIFIED,
        parts=[{"dimension": "leeftijd", "category": "0-17", "value": 2},
               {"dimension": "leeftijd", "category": "67+", "value": 3}])
    wrong = impact_services.record_measurement(actor=team_user, indicator=numeric, date=dt.date(2023, 10, 31),
                                               value=100, reporting_organisation=partner_org)
    impact_services.withdraw_measurement(actor=team_user, measurement=wrong, reason="dubbel geteld")
    return filled


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_long_csv_keeps_withdrawn_measurements_marked_and_a_row_per_category(trusted, client, staff_user):
    client.force_login(staff_user)
    rows = _rows(client.get(reverse("reports:long_csv") + "?deal=cd-proef&csv=analyse"))
    numeric = [r for r in rows if r["indicator"] == "Woningen verduurzaamd"]
    assert [(r["waarde"], r["dimensie"], r["categorie"], r["ingetrokken"]) for r in numeric] == [
        ("12.5", "", "", "nee"), ("5", "", "", "nee"), ("2", "leeftijd", "0-17", "nee"),
        ("3", "leeftijd", "67+", "nee"), ("100", "", "", "ja"), ("30", "", "", "nee")]
    # a category's row names its measurement; the values per category add up to its value
    whole = next(r for r in numeric if r["waarde"] == "5")
    assert {r["meting_id"] for r in numeric if r["dimensie"]} == {whole["meting_id"]}
    assert {r["selectie"] for r in rows} == {"alle"}


def test_the_long_csv_limited_to_verified_figures_says_so_on_every_row(trusted, client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("reports:long_csv") + "?deal=cd-proef&csv=analyse&geverifieerd=1")
    assert "-geverifieerd-analyse.csv" in response["Content-Disposition"]
    rows = _rows(response)
    assert [(r["waarde"], r["categorie"]) for r in rows] == [("5", ""), ("2", "0-17"), ("3", "67+")]
    assert {(r["verificatie"], r["selectie"], r["ingetrokken"]) for r in rows} == {
        ("geverifieerd", "geverifieerd", "nee")}
    codebook = dict(csv.reader(io.StringIO(client.get(reverse("reports:codebook_csv") + "?csv=analyse")
                                           .content.decode())))
    assert "alleen metingen die het dealteam verifieerde" in codebook["selectie"]
    assert "telt niet mee" in codebook["ingetrokken"]
    page = client.get(reverse("reports:index")).content.decode()
    assert f'{reverse("reports:long_csv")}?csv=excel&amp;geverifieerd=1' in page


def test_the_deal_report_leaves_withdrawn_figures_out_and_can_count_only_verified_ones(trusted, client, staff_user):
    client.force_login(staff_user)
    url = reverse("reports:deal_report", kwargs={"slug": "cd-proef"})
    every = client.get(url + "?jaar=2023")
    table = every.context["table"]
    row = next(r for r in table.rows if r.indicator["name"] == "Woningen verduurzaamd")
    assert row.total.actual == 47.5  # 12,5 + 30 + 5; the withdrawn 100 does not count
    assert every.context["measured_in_year"] == 3  # the numeric's three (the milestone is of 2024)
    html = every.content.decode()
    assert "ingetrokken metingen tellen niet mee" in html and "1 meting uit 2023 is ingetrokken" in html
    assert f'{url}?jaar=2023&amp;geverifieerd=1' in html or '?jaar=2023&amp;geverifieerd=1' in html

    verified = client.get(url + "?jaar=2023&geverifieerd=1")
    row = next(r for r in verified.context["table"].rows if r.indicator["name"] == "Woningen verduurzaamd")
    assert row.total.actual == 5 and verified.context["measured_in_year"] == 1
    html = verified.content.decode()
    assert "alleen de metingen mee die het dealteam verifieerde" in html
    pdf_url = reverse("reports:deal_report_pdf", kwargs={"slug": "cd-proef"})
    assert f'{pdf_url}?jaar=2023&amp;geverifieerd=1' in html  # the PDF and Word keep the choice


def test_the_word_report_limited_to_verified_figures_says_so(trusted, client, staff_user):
    import docx

    client.force_login(staff_user)
    response = client.get(reverse("reports:deal_report_docx", kwargs={"slug": "cd-proef"})
                          + "?jaar=2023&geverifieerd=1")
    assert 'jaarverslag-cd-proef-2023-geverifieerd.docx' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "alleen de metingen mee die het dealteam verifieerde" in text


def test_the_portfolio_report_can_count_only_verified_figures(trusted, client, staff_user):
    client.force_login(staff_user)
    url = reverse("reports:portfolio_report")
    every = client.get(url + "?jaar=2023").context
    verified = client.get(url + "?jaar=2023&geverifieerd=1")
    assert every["measurements"] == 4 and verified.context["measurements"] == 1
    assert "alleen de metingen mee die het dealteam verifieerde" in verified.content.decode()


def test_open_data_marks_withdrawn_measurements_and_carries_their_categories(trusted, client):
    data = json.loads(client.get(reverse("reports:open_data")).content)
    deal = next(d for d in data["deals"] if d["id"] == "cd-proef")
    numeric = next(i for i in deal["indicators"] if i["name"] == "Woningen verduurzaamd")
    assert [(m["value"], m["withdrawn"]) for m in numeric["measurements"]] == [
        ("12.5", False), ("5", False), ("100", True), ("30", False)]
    assert numeric["measurements"][1]["parts"] == [
        {"dimension": "leeftijd", "category": "0-17", "value": "2"},
        {"dimension": "leeftijd", "category": "67+", "value": "3"}]
    assert "dubbel geteld" not in json.dumps(data)  # the reason is the deal's own


def test_the_portfolio_workbook_counts_only_measurements_that_count(trusted, client, staff_user):
    from openpyxl import load_workbook

    client.force_login(staff_user)
    wb = load_workbook(io.BytesIO(client.get(reverse("reports:portfolio_workbook")).content), read_only=True)
    overview = [list(r) for r in wb["Overzicht"].iter_rows(values_only=True)]
    row = next(r for r in overview if r[0] == "cd-proef")
    assert row[overview[0].index("Metingen")] == 4  # the overview is headed in the page's language


def test_the_portfolio_pdf_made_in_the_background_keeps_the_choice_of_verified_figures(
        trusted, client, staff_user, settings, tmp_path):
    """The button on a report limited to verified figures makes a PDF that is limited too and
    says so (with the immediate backend the worker runs at once)."""
    from dealmonitor.reports.models import PortfolioPdf
    from .test_reports import pdf_text

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff_user)
    page = client.get(reverse("reports:portfolio_report") + "?jaar=2023&geverifieerd=1").content.decode()
    assert 'name="geverifieerd" value="1"' in page  # the form carries the choice
    response = client.post(reverse("reports:portfolio_pdf_start"), {"jaar": 2023, "geverifieerd": "1"})
    assert response.status_code == 302
    job = PortfolioPdf.objects.get()
    assert job.verified_only and job.status == "done"
    download = client.get(reverse("reports:portfolio_pdf_download", kwargs={"uuid": job.uuid}))
    assert "portfoliorapportage-2023-geverifieerd.pdf" in download["Content-Disposition"]
    text = " ".join(pdf_text(b"".join(download.streaming_content), tmp_path).split())
    assert "alleen de metingen mee die het dealteam verifieerde" in text

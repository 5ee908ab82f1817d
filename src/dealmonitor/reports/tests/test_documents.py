"""What a reader of the reports relies on, read from the files as they receive them: dates in
their language, sources by title and address, one rule for the period, the deal report also as
a Word document with the PDF's headings, and every PDF page a page (pdftoppm images, kept in
var/test-artefacts/reports/ to look at)."""

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from dealmonitor.deals.models import Source

from .test_exports import filled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts" / "reports"
ENGLISH_MONTH_ABBREVIATIONS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
AMERICAN_DATE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|"
                           r"November|December) \d{1,2}, \d{4}")


def tool(name):
    path = shutil.which(name)
    assert path, f"{name} is missing: `make test` installs poppler-utils"
    return path


def pdf_text(content, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run([tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout


def pdf_headings(content, tmp_path):
    """The PDF's outline (its bookmarks) as (level, title), read by poppler's pdftohtml."""
    path = tmp_path / "outline.pdf"
    path.write_bytes(content)
    xml = subprocess.run([tool("pdftohtml"), "-xml", "-stdout", "-i", "-q", str(path)], check=True,
                         capture_output=True, timeout=60).stdout
    root = ET.fromstring(xml)
    out = []

    def walk(outline, level):
        for child in outline:
            if child.tag == "item":
                out.append((level, " ".join("".join(child.itertext()).split())))
            elif child.tag == "outline":
                walk(child, level + 1)

    for outline in root.findall("outline"):
        walk(outline, 0)
    return out


def docx_headings(content):
    import docx

    document = docx.Document(io.BytesIO(content))
    out = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style == "Title":
            out.append((0, paragraph.text))
        elif style.startswith("Heading "):
            out.append((int(style.split()[1]), paragraph.text))
    return out


def page_images(content, tmp_path, name, dpi=40):
    """Every page of the PDF as a PNG (pdftoppm), copied to the artefacts folder."""
    from PIL import Image

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    subprocess.run([tool("pdftoppm"), "-r", str(dpi), "-png", str(path), str(tmp_path / name)], check=True,
                   timeout=120)
    pages = sorted(tmp_path.glob(f"{name}-*.png"))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    for png in pages:
        shutil.copy(png, ARTEFACTS / png.name)
    return [Image.open(p).convert("L") for p in pages]


def ink(image):
    """The share of the page that is not (near) white."""
    histogram = image.histogram()
    return sum(histogram[:200]) / (image.width * image.height)


def a4_at(dpi):
    return round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)


@pytest.fixture
def sourced(filled):
    filled.all_sources.add(
        Source.objects.create(reference="seed:001_1d0f22ff1fa9d94e.txt"),
        Source.objects.create(reference="seed:001_1d0f22ff1fa9d94e.txt#deel-twee"),
        Source.objects.create(reference="https://agendastad.nl/citydeal/impact-ondernemen/"),
        Source.objects.create(reference="https://zoek.officielebekendmakingen.nl/stcrt-2016-15265.html"),
    )
    return filled


# Dates ------------------------------------------------------------------------------------


def test_the_deal_report_pdf_writes_dates_in_dutch(client, filled, staff_user, tmp_path):
    client.force_login(staff_user)
    url = reverse("reports:deal_report_pdf", kwargs={"slug": "cd-proef"}) + "?jaar=2023"
    text = pdf_text(client.get(url).content, tmp_path)
    assert "1 januari 2023" in text  # a bottleneck was signalled then
    assert "42,5" in text  # reached, with the Dutch decimal comma
    assert "1 maart 2022" in text  # signed
    assert not ENGLISH_MONTH_ABBREVIATIONS.search(text), ENGLISH_MONTH_ABBREVIATIONS.search(text)


def test_the_english_reports_write_one_english_date_style(client, filled, staff_user, tmp_path):
    client.force_login(staff_user)
    with translation.override("en"):
        deal_url = reverse("reports:deal_report_pdf", kwargs={"slug": "cd-proef"}) + "?jaar=2023"
        portfolio_url = reverse("reports:portfolio_report_pdf")
    assert deal_url.startswith("/en/")
    text = pdf_text(client.get(deal_url).content, tmp_path)
    assert "1 January 2023" in text and "1 March 2022" in text
    assert "Annual report 2023" in text
    assert "42.5" in text and "42,5" not in text  # reached, with the English decimal point
    portfolio = pdf_text(client.get(portfolio_url).content, tmp_path)
    for document in (text, portfolio):
        assert not AMERICAN_DATE.search(document), AMERICAN_DATE.search(document)
        assert not ENGLISH_MONTH_ABBREVIATIONS.search(document)
    drawn_up = timezone.localdate()
    assert f"{drawn_up.day} {drawn_up:%B} {drawn_up.year}" in portfolio


# Sources ----------------------------------------------------------------------------------


def test_the_report_names_sources_by_title_and_address_never_by_key(client, sourced, staff_user, tmp_path):
    client.force_login(staff_user)
    response = client.get(reverse("reports:deal_report_pdf", kwargs={"slug": "cd-proef"}) + "?jaar=2023")
    text = pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert "seed" not in text and ".txt" not in text and "1d0f22ff" not in text
    assert flat.count("Bronartikel 1 (niet openbaar)") == 1  # two parts of one article, one source
    assert "Impact ondernemen (agendastad.nl)" in flat
    assert "https://agendastad.nl/citydeal/impact-ondernemen/" in flat.replace("/ ", "/")
    assert "Staatscourant 2016, nr. 15265" in flat


def test_the_sources_on_a_page_never_show_the_internal_key(sourced):
    from django.template.loader import render_to_string

    html = render_to_string("ui/partials/sources.html", {"sources": list(sourced.all_sources.all())})
    assert "seed" not in html and ".txt" not in html
    assert "Bronartikel 1 (niet openbaar)" in html and ">agendastad.nl</a>" in html


def test_no_text_of_the_demo_data_cites_a_source_by_its_key():
    """Keys belong in the lists of sources (shown by title); a note that says "(seed000)" shows
    the key on the deal's page."""
    import json

    data = json.loads((Path(settings.BASE_DIR) / "data" / "demo" / "agenda-stad-deals.json").read_text())
    found = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("sources", "all_sources"):
                    walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")
        elif isinstance(value, str) and re.search(r"seed:|\bseed\d", value):
            found.append((path, value))

    walk(data, "")
    assert found == []


# The period -------------------------------------------------------------------------------


def test_both_reports_cover_the_last_full_calendar_year_unless_asked(client, filled, staff_user):
    client.force_login(staff_user)
    last = timezone.localdate().year - 1
    deal = client.get(reverse("reports:deal_report", kwargs={"slug": "cd-proef"})).content.decode()
    portfolio = client.get(reverse("reports:portfolio_report")).content.decode()
    assert f"<title>Jaarverslag {last} – City Deal Proef</title>" in deal
    assert f"City Deals en Town Deals in {last}" in portfolio
    for page in (deal, portfolio):  # the rule is stated on the page
        assert f"het laatste volledige kalenderjaar ({last})" in page
    index = client.get(reverse("reports:index")).content.decode()
    assert f"het laatste volledige kalenderjaar ({last})" in index
    asked = client.get(reverse("reports:deal_report", kwargs={"slug": "cd-proef"}) + "?jaar=2023")
    assert "<title>Jaarverslag 2023 – City Deal Proef</title>" in asked.content.decode()


# The Word document ------------------------------------------------------------------------


def test_the_deal_report_as_word_document_has_the_pdfs_headings_and_text(client, sourced, staff_user, tmp_path):
    import docx

    client.force_login(staff_user)
    page = client.get(reverse("reports:deal_report", kwargs={"slug": "cd-proef"}) + "?jaar=2023").content.decode()
    docx_url = reverse("reports:deal_report_docx", kwargs={"slug": "cd-proef"}) + "?jaar=2023"
    assert f'href="{docx_url.replace("&", "&amp;")}"' in page  # offered next to the PDF
    response = client.get(docx_url)
    assert response.status_code == 200
    assert response["Content-Type"] == ("application/vnd.openxmlformats-officedocument."
                                        "wordprocessingml.document")
    assert 'filename="jaarverslag-cd-proef-2023.docx"' in response["Content-Disposition"]
    pdf = client.get(reverse("reports:deal_report_pdf", kwargs={"slug": "cd-proef"}) + "?jaar=2023").content

    headings = docx_headings(response.content)
    assert headings == pdf_headings(pdf, tmp_path)
    assert (1, "4. Resultaten ten opzichte van de doelen") in headings and len(headings) > 12

    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Woningen verduurzaamd" in cells and "Subsidieregel knelt" in cells
    assert "1 februari 2023" in cells and "Bronartikel 1 (niet openbaar)" in text
    assert "https://agendastad.nl/citydeal/impact-ondernemen/" in text
    assert document.core_properties.language == "nl-NL"
    assert document.core_properties.title == "Jaarverslag 2023 – City Deal Proef"


def test_the_word_document_keeps_internal_bottlenecks_from_the_public(client, filled):
    import docx

    response = client.get(reverse("reports:deal_report_docx", kwargs={"slug": "cd-proef"}) + "?jaar=2023")
    document = docx.Document(io.BytesIO(response.content))
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Datadeling geregeld" in cells and "Subsidieregel knelt" not in cells


# Page images ------------------------------------------------------------------------------


@pytest.mark.parametrize("name,view,kwargs", [
    ("jaarverslag", "reports:deal_report_pdf", {"slug": "cd-proef"}),
    ("portfoliorapportage", "reports:portfolio_report_pdf", {}),
])
def test_every_page_of_each_report_is_an_a4_page_with_something_on_it(client, filled, staff_user, tmp_path,
                                                                       name, view, kwargs):
    client.force_login(staff_user)
    content = client.get(reverse(view, kwargs=kwargs) + "?jaar=2023").content
    images = page_images(content, tmp_path, name)
    assert len(images) >= 4  # title page, contents, sections
    width, height = a4_at(40)
    for number, image in enumerate(images, 1):
        assert abs(image.width - width) <= 1 and abs(image.height - height) <= 1, (number, image.size)
        assert ink(image) > 0.002, f"page {number} of the {name} is blank"
    # the title page carries the title in large type: more ink than a footer alone
    assert ink(images[0]) > 0.01

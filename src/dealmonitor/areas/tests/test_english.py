"""Under /en/ the area pages, the deal's area tab and the context section speak English; the
Dutch pages (the default) keep their Dutch text, and so do the importer's errors per row."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from dealmonitor.areas.importing import check_file, import_figures, period_from_text

from .conftest import KWB_TOPICS, RETRIEVED

pytestmark = pytest.mark.django_db

# Words of the Dutch interface that English pages must not show (whole words, as written):
# "Kerncijfers" in a source's title is data, not interface, and does not match \bcijfers\b; the
# kinds of area ("wijk") are left out because the test deal's name has one (its kinds are checked
# in English below).
DUTCH = ["Gebieden", "Gebied", "cijfers", "Cijfers", "Soort", "Naam", "inlezen", "Inlezen",
         "geen resultaten", "Onderwerp", "Waarde", "Bron", "Weglaten", "opgehaald", "Zoeken",
         "geen cijfer", "gekozen door het dealteam", "tabel"]


class _Text(HTMLParser):
    """What a reader sees or hears: text outside script and style, and the labels in
    aria-label, title, alt and placeholder (links' addresses are not text)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("aria-label", "title", "alt", "placeholder") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(response):
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def _dutch_words(text):
    return [w for w in DUTCH if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def figures(stadscentrum, kwb_bytes):
    import_figures(actor=None, data=kwb_bytes, topics=KWB_TOPICS, period=period_from_text("2024"),
                   source_title="Kerncijfers wijken en buurten 2024", table_id="85984NED",
                   retrieved_on=RETRIEVED)


def test_the_area_pages_and_the_deal_s_area_tab_are_english_under_en(client, deal, figures, programme_admin):
    # Dutch first (the default: no prefix): a request under /en/ leaves English active in this thread
    dutch = client.get(reverse("areas:deal", kwargs={"slug": deal.slug})).content.decode()
    assert 'aria-current="page">Gebied</a>' in dutch and "Dit zijn geen resultaten van de deal." in dutch
    pages = {
        _en("areas:list"): ["Areas and context figures", "Name or code", "Sources imported last"],
        _en("areas:detail", code="WK059901"): ["Context figures", "Topic", "Period", "Value", "Source",
                                               "district", "Lies in", "retrieved 01-12-2026"],
        _en("areas:detail", code="GM1992"): ["no figure: unknown (.)"],
        _en("areas:detail", code="GM0599"): ["Districts and neighbourhoods", "municipality"],
        _en("areas:deal", slug=deal.slug): ["Areas of the deal", "Context: figures about the area",
                                            "These are not results of the deal.", "retrieved on"],
        _en("impact:indicators", slug=deal.slug): ["Context: figures about the area",
                                                   "Areas of the deal and all context figures"],
    }
    for url, headings in pages.items():
        assert url.startswith("/en/")
        response = client.get(url)
        assert response.status_code == 200, url
        text = _visible(response)
        assert _dutch_words(text) == [], url
        for heading in headings:
            assert heading in text, (url, heading)
    # the deal's tab is called "Area" in English, "Gebied" in Dutch
    tab = client.get(_en("areas:deal", slug=deal.slug)).content.decode()
    assert 'aria-current="page">Area</a>' in tab


def test_the_upload_page_and_its_errors_are_english_under_en(client, programme_admin, kwb_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(programme_admin)
    url = _en("areas:upload")
    text = _visible(client.get(url))
    assert _dutch_words(text) == []
    assert "Import context figures" in text and "CSV file from StatLine" in text
    # Stadscentrum (WK059901) is not known: its row is the error, in English here
    response = client.post(url, {
        "topics": "AantalInwoners_5 = Inwoners | aantal", "source_title": "Kerncijfers wijken en buurten 2024",
        "retrieved_on": "2026-12-01", "period": "2024",
        "file": SimpleUploadedFile("kwb.csv", kwb_bytes, content_type="text/csv")})
    assert response.status_code == 400
    text = _visible(response)
    assert "Nothing has been imported" in text and "Row 5: area “WK059901” is not known" in text
    assert _dutch_words(text) == []


def test_an_error_per_row_is_dutch_by_default_and_english_when_asked(kwb_bytes):
    checked = check_file(kwb_bytes, topics=KWB_TOPICS, period=period_from_text("2024"))
    assert checked.errors[0].startswith("Rij 5: gebied “WK059901” is niet bekend. Gemeenten komen uit de CBS-lijst")
    with translation.override("en"):
        checked = check_file(kwb_bytes, topics=KWB_TOPICS, period=period_from_text("2024"))
    assert checked.errors[0].startswith("Row 5: area “WK059901” is not known. Municipalities come from the CBS list")

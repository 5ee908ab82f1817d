"""The workbooks in the reader's language: a date is a date cell and a number a number cell,
each with a number format, so the office program shows "12,5" and "12.500,5" with Dutch
settings and "12.5" and "12,500.5" with English ones, and the month in the language of the
page the workbook came from. The sheets for reading are named and headed in that language;
the sheets in the import format keep their Dutch names and keys (they import again).

The first tests read the file; the last opens both workbooks with LibreOffice headless (marker
`office`), each under the locale of its reader, and reads what it shows."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from .test_exports import filled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _download(client, name, language, *args):
    with translation.override(language):
        url = reverse(f"reports:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def _column(ws, key):
    header = [c.value for c in ws[1]]
    return [row[header.index(key)] for row in ws.iter_rows(min_row=2) if row[0].value]


def test_dates_and_numbers_are_cells_with_formats_and_reading_sheets_speak_the_readers_language(
        filled, client, staff_user):
    client.force_login(staff_user)
    dutch = load_workbook(io.BytesIO(_download(client, "portfolio_workbook", "nl")))
    english = load_workbook(io.BytesIO(_download(client, "portfolio_workbook", "en")))
    # the import sheets: the same names and keys in both languages, so both import again
    for wb in (dutch, english):
        dates = _column(wb["Metingen"], "datum")
        values = _column(wb["Metingen"], "waarde")
        assert {c.value.date() if isinstance(c.value, dt.datetime) else c.value for c in dates} >= {
            dt.date(2023, 6, 30), dt.date(2023, 12, 31)}
        assert {c.value for c in values} >= {12.5, 30}
        assert {c.number_format for c in values if c.value == 12.5} == {"#,##0.0#########"}
        assert {c.number_format for c in values if c.value == 30} == {"#,##0"}
        money = _column(wb["Partners"], "toezegging_euro")
        assert [c.number_format for c in money if c.value] == ["#,##0.0#########"]
    assert {c.number_format for c in _column(dutch["Metingen"], "datum")} == {"[$-413]d mmmm yyyy"}
    assert {c.number_format for c in _column(english["Metingen"], "datum")} == {"[$-809]d mmmm yyyy"}
    # the sheets for reading
    assert {"Overzicht", "Codeboek"} <= set(dutch.sheetnames)
    assert {"Overview", "Codebook"} <= set(english.sheetnames) and "Overzicht" not in english.sheetnames
    assert [c.value for c in english["Overview"][1]][:5] == ["Deal identifier", "Name", "Kind", "Status", "Phase"]
    assert [c.value for c in dutch["Overzicht"][1]][:5] == ["Deal-id", "Naam", "Soort", "Status", "Fase"]
    assert [c.value for c in english["Codebook"][1]] == ["sheet", "column", "meaning", "expected"]
    overview = {c.value for c in english["Overview"][2]}
    assert "cd-proef" in overview and "gestart" not in overview  # words, not codes


def test_an_english_workbook_still_imports(filled, client, staff_user):
    from dealmonitor.imports.checking import check_parts
    from dealmonitor.imports.jobs import workbook_parts
    from dealmonitor.imports.reading import read_spreadsheet

    client.force_login(staff_user)
    data = _download(client, "deal_workbook", "en", "cd-proef")
    parts = workbook_parts(read_spreadsheet(data, "werkmap.xlsx"))
    assert {p.kind.sheet for p in parts} >= {"Deal", "Metingen", "Partners"}
    assert not check_parts(staff_user, parts).problems


def _shown(tmp_path, content, locale, language_id):
    """Every sheet of the workbook as LibreOffice shows it (its cells as text) under `locale`."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is missing: `make test` installs it (scripts/ensure-system-packages.sh)"
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "book.xlsx").write_bytes(content)
    # comma, double quote, UTF-8, from row 1, cells as shown, every sheet (one file each)
    csv_filter = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,{language_id},false,true,true,false,false,-1"
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    csv_filter, "--outdir", str(tmp_path / "out"), str(tmp_path / "book.xlsx")],
                   check=True, capture_output=True, timeout=240,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": f"{locale}.UTF-8"})
    return {p.stem.removeprefix("book-"): p.read_text("utf-8") for p in (tmp_path / "out").glob("*.csv")}


@pytest.mark.office
def test_libreoffice_shows_dates_and_numbers_in_the_readers_language(filled, client, staff_user, tmp_path):
    client.force_login(staff_user)
    dutch = _shown(tmp_path / "nl", _download(client, "deal_workbook", "nl", "cd-proef"), "nl_NL", 1043)
    english = _shown(tmp_path / "en", _download(client, "deal_workbook", "en", "cd-proef"), "en_US", 1033)
    assert "30 juni 2023" in dutch["Metingen"] and '"12,5"' in dutch["Metingen"]
    assert "30 June 2023" in english["Metingen"] and ",12.5," in english["Metingen"]
    assert '"12.500,5"' in dutch["Partners"] and '"12,500.5"' in english["Partners"]
    assert "Codeboek" in dutch and "Codebook" in english and "Metingen" in english

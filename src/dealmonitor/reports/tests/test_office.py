"""Every export opened by a real office program: LibreOffice headless, with Dutch settings
(semicolon, decimal comma, UTF-8) for the CSV for Excel, with plain settings (comma, decimal
point) for the CSV for analysis, and the workbooks as they are. Each file is converted to
.xlsx by LibreOffice and read back: its columns and values must be what we exported, the
numbers numbers (not texts), "categorieën" unbroken.

LibreOffice starts slowly, so several files go through one call and these tests run once
(marker `office`: `make test` runs them in the SQLite run only)."""

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dealmonitor.deals.models import Deal
from dealmonitor.impact.models import Indicator

from .test_exports import filled  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.office]

DUTCH_CSV = "CSV:59,34,UTF8,1,,1043"  # semicolon, double quote, UTF-8, from row 1, Dutch (NL)
PLAIN_CSV = "CSV:44,34,UTF8,1,,1033"  # comma, double quote, UTF-8, from row 1, English (US)


def _convert(tmp_path, files, infilter=None):
    """Convert `files` ({name: bytes}) to .xlsx with LibreOffice in one call; their sheets as
    {name: {sheet: rows}}."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is missing: `make test` installs it (scripts/ensure-system-packages.sh)"
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (source / name).write_bytes(content)
    command = [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", "xlsx", "--outdir", str(out), *(str(source / n) for n in files)]
    subprocess.run(command, check=True, capture_output=True, timeout=240,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "nl_NL.UTF-8"})
    opened = {}
    for name in files:
        wb = load_workbook(out / (name.rsplit(".", 1)[0] + ".xlsx"), read_only=True)
        opened[name] = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    return opened


def _csv_rows(content, variant):
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if variant == "excel" else ","))


def _number(text, variant):
    return Decimal(text.replace(",", ".")) if variant == "excel" else Decimal(text)


def test_libreoffice_opens_every_csv_in_both_variants_with_its_columns_and_values(filled, client, staff_user,
                                                                               tmp_path):
    Indicator.objects.filter(name="Woningen verduurzaamd").update(unit="woningen in categorieën")
    client.force_login(staff_user)
    deal = Deal.objects.get(slug="cd-proef")
    files = {}
    for variant in ("excel", "analyse"):
        files[variant] = {
            f"metingen-{variant}.csv": client.get(reverse("reports:long_csv") + f"?csv={variant}").content,
            f"codeboek-{variant}.csv": client.get(reverse("reports:codebook_csv") + f"?csv={variant}").content,
            f"prestaties-{variant}.csv": client.get(
                reverse("impact:performance_export", args=[deal.slug, "csv"]) + f"?csv={variant}").content,
        }
    assert all(c.startswith(b"\xef\xbb\xbf") for c in files["excel"].values())  # Excel's cue for UTF-8
    assert not any(c.startswith(b"\xef\xbb\xbf") for c in files["analyse"].values())
    opened = {"excel": _convert(tmp_path / "nl", files["excel"], DUTCH_CSV),
              "analyse": _convert(tmp_path / "plain", files["analyse"], PLAIN_CSV)}
    for variant, by_name in files.items():
        for name, content in by_name.items():
            ours = _csv_rows(content, variant)
            theirs = next(iter(opened[variant][name].values()))
            assert theirs[0] == ours[0], (variant, name)  # the header, column by column
            assert len(theirs) == len(ours) and all(len(r) == len(ours[0]) for r in theirs), (variant, name)
            for mine, read in zip(ours[1:], theirs[1:]):
                for cell, value in zip(mine, read):
                    if isinstance(value, (int, float)):  # LibreOffice read a number: the same number
                        assert Decimal(str(value)) == _number(cell, variant), (variant, name, cell, value)
                    elif value is None:
                        assert cell == "", (variant, name, cell)
                    elif not hasattr(value, "year"):  # dates are read as dates, as they should
                        assert str(value) == cell, (variant, name, cell, value)
        measurements = opened[variant][f"metingen-{variant}.csv"]
        rows = next(iter(measurements.values()))
        header = rows[0]
        values = {r[header.index("datum")].date().isoformat(): r[header.index("waarde")] for r in rows[1:]}
        assert values["2023-06-30"] == 12.5 and values["2023-12-31"] == 30  # numbers, not texts
        assert "woningen in categorieën" in {r[header.index("eenheid")] for r in rows[1:]}


def test_libreoffice_opens_every_workbook_with_every_sheet_and_value(filled, client, staff_user, tmp_path):
    client.force_login(staff_user)
    files = {
        "deal.xlsx": client.get(reverse("reports:deal_workbook", args=["cd-proef"])).content,
        "portfolio.xlsx": client.get(reverse("reports:portfolio_workbook")).content,
        "prestaties.xlsx": client.get(reverse("impact:performance_export", args=["cd-proef", "xlsx"])).content,
    }
    opened = _convert(tmp_path, files)
    for name, content in files.items():
        wb = load_workbook(io.BytesIO(content), read_only=True)
        ours = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        theirs = opened[name]
        assert list(theirs) == list(ours), name
        for sheet, rows in ours.items():
            trimmed = [r for r in rows if any(v not in (None, "") for v in r)]
            read = [r[:len(rows[0])] for r in theirs[sheet] if any(v not in (None, "") for v in r)]
            assert [[None if v == "" else v for v in r] for r in read] == trimmed, (name, sheet)

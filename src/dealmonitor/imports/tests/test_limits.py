"""The limits on an imported spreadsheet: a small hostile file is refused with a message that
names the limit, quickly and in little memory, in the web upload and on the command line;
the parsed sheets are kept instead of parsed again; unfinished uploads are cleaned up.

The memory tests run the reader in a child process with its address space limited to 1 GB
(the reader before these limits aborted there: calamine asked for 512 GiB)."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from dealmonitor.imports import jobs
from dealmonitor.imports.models import ImportJob
from dealmonitor.imports.reading import Limits, TooLarge, UnreadableFile, check_xlsx, read_spreadsheet

from . import crafted
from .conftest import xlsx

SRC = Path(__file__).resolve().parents[3]
MEMORY_MB = 1024
CHILD = textwrap.dedent("""
    import resource, sys, time
    limit = {memory} * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import django
    django.setup()
    from django.utils import translation
    from dealmonitor.imports.reading import UnreadableFile, read_spreadsheet
    translation.activate("nl")
    data = open(sys.argv[1], "rb").read()
    start = time.monotonic()
    try:
        sheets = read_spreadsheet(data, "bestand.xlsx")
    except UnreadableFile as exc:
        print("REFUSED", exc)
    else:
        print("READ", sum(s.row_count for s in sheets))
    print("SECONDS", round(time.monotonic() - start, 2))
""")


def read_in_child(tmp_path, data):
    """Run the reader on `data` in a child process limited to MEMORY_MB of address space."""
    path = tmp_path / "bestand.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.ci", "PYTHONPATH": str(SRC),
           "RUST_BACKTRACE": "0"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", CHILD.format(memory=MEMORY_MB), str(path)],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)


needs_rlimit = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS on Linux")


@needs_rlimit
@pytest.mark.parametrize("name, data, limit", [
    # two cells, A1 and XFD1048576: 1.8 KB that asked calamine for 512 GiB
    ("far corners", crafted.far_corners(), "meer dan 200.000 rijen"),
    # the same, with a <dimension> that lies (A1:B2) and one that is left out
    ("lying dimension", crafted.far_corners("A1:B2"), "meer dan 200.000 rijen"),
    ("no dimension", crafted.far_corners(None), "meer dan 200.000 rijen"),
    # 300 KB that unpacks to 300 MB of one shared string
    ("shared strings", crafted.shared_strings_bomb(300), "groter dan 300 MB"),
    # 500 x 16,384 cells without references and without <dimension>: 0.4 MB on disk that
    # unpack more than a hundredfold
    ("wide", crafted.wide(500, 16384, dimension=False), "meer dan 100 keer zo groot"),
])
def test_a_hostile_workbook_is_refused_in_bounded_memory_and_time(tmp_path, name, data, limit):
    started = time.monotonic()
    done = read_in_child(tmp_path, data)
    assert done.returncode == 0, f"{name}: the reader died ({done.returncode}): {done.stderr[-500:]}"
    assert done.stdout.startswith("REFUSED"), done.stdout
    assert limit in done.stdout
    assert float(done.stdout.split("SECONDS")[1]) < 5
    assert time.monotonic() - started < 60


@needs_rlimit
def test_a_real_workbook_still_reads_in_the_child(tmp_path):
    rows = [["deal_id", "indicator", "datum", "waarde"]] + [
        ["cd-proef", "Woningen", dt.date(2023, 1, 1) + dt.timedelta(days=i), i] for i in range(2000)]
    done = read_in_child(tmp_path, xlsx({"Metingen": rows}))
    assert done.returncode == 0 and done.stdout.startswith("READ 2000"), done.stdout + done.stderr[-300:]


def small(**kwargs):
    values = {"max_bytes": 10**6, "max_uncompressed": 10**7, "max_ratio": 100, "max_rows": 1000,
              "max_columns": 50, "max_cells": 10_000}
    values.update(kwargs)
    return Limits(**values)


def test_each_limit_is_named_in_dutch():
    translation.activate("nl")
    sheet = xlsx({"Metingen": [["a", "b", "c"]] + [[1, 2, 3]] * 20})
    check_xlsx(sheet, small())  # within every limit
    cases = [
        (small(max_rows=10), "meer dan 10 rijen"),
        (small(max_columns=2), "meer dan 2 kolommen"),
        (small(max_cells=50), "meer dan 50 cellen"),
        (small(max_bytes=1000), "groter dan 0 MB"),
    ]
    for limits, text in cases:
        with pytest.raises(TooLarge, match=text):
            check_xlsx(sheet, limits)


def test_the_sizes_a_zip_declares_are_not_trusted():
    """A zip that says its shared strings are 100 bytes while they inflate to 50 MB."""
    translation.activate("nl")
    data = crafted.lie_about_sizes(crafted.shared_strings_bomb(50), "xl/sharedStrings.xml", 100)
    with pytest.raises(TooLarge, match="meer dan 100 keer"):
        check_xlsx(data, small(max_uncompressed=10**9))
    with pytest.raises(TooLarge, match="groter dan 9 MB"):
        check_xlsx(data, small(max_uncompressed=10**7, max_ratio=10**6))


def test_repeated_cells_count_and_declarations_are_refused():
    translation.activate("nl")
    with pytest.raises(TooLarge, match="meer dan 10.000 cellen"):
        check_xlsx(crafted.repeated_cell(20_000), small())
    with pytest.raises(UnreadableFile, match="DOCTYPE"):
        check_xlsx(crafted.with_doctype(), small())
    with pytest.raises(UnreadableFile, match="beschadigd"):
        check_xlsx(crafted.escaped_reference(), small())
    with pytest.raises(TooLarge, match="meer dan 10.000 delen"):
        check_xlsx(crafted.many_parts(10_001), small())


def test_a_csv_is_bounded_too(settings):
    translation.activate("nl")
    settings.IMPORT_MAX_ROWS = 10
    settings.IMPORT_MAX_COLUMNS = 5
    settings.IMPORT_MAX_CELLS = 30
    with pytest.raises(TooLarge, match="meer dan 10 rijen"):
        read_spreadsheet(("a;b\n" + "1;2\n" * 20).encode(), "x.csv")
    with pytest.raises(TooLarge, match="meer dan 5 kolommen"):
        read_spreadsheet((";".join("abcdefg") + "\n").encode(), "x.csv")
    with pytest.raises(TooLarge, match="meer dan 30 cellen"):
        read_spreadsheet(("a;b;c;d\n" + "1;2;3;4\n" * 8).encode(), "x.csv")
    assert read_spreadsheet(("a;b\n" + "1;2\n" * 5).encode(), "x.csv")[0].row_count == 5


# The web upload and the command line --------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.IMPORTS_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, data, name="metingen.xlsx", deal=""):
    return client.post(reverse("imports:start"), {
        "file": SimpleUploadedFile(name, data), "kind": "measurements", "deal": deal})


@pytest.mark.django_db
def test_the_upload_refuses_a_hostile_workbook_and_keeps_nothing(client, outsider, media):
    client.force_login(outsider)  # any signed-in user, even without a role
    started = time.monotonic()
    response = upload(client, crafted.far_corners())
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "meer dan 200.000 rijen, het maximum" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not any(p.is_file() for p in (media / "imports").rglob("*"))


@pytest.mark.django_db
def test_the_command_line_refuses_a_hostile_workbook(tmp_path, settings):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(crafted.shared_strings_bomb(300))
    with translation.override("nl"), pytest.raises(CommandError, match="groter dan 300 MB"):
        call_command("import", str(path))
    settings.IMPORT_MAX_BYTES = 1000
    with translation.override("nl"), pytest.raises(CommandError, match="groter dan 0 MB"):
        call_command("import", str(path))


@pytest.mark.django_db
def test_the_sheets_are_parsed_once_at_upload(client, team_user, numeric, media, monkeypatch):
    client.force_login(team_user)
    data = xlsx({"Blad1": [["Datum", "Waarde", "Indicator"],
                           [dt.datetime(2023, 3, 31), 10, "Woningen verduurzaamd"],
                           ["2023-06-30", 20.5, "Woningen verduurzaamd"]]})
    assert upload(client, data, deal="cd-proef").status_code == 302
    job = ImportJob.objects.get()

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(jobs, "read_spreadsheet", no_parsing)
    mapping = reverse("imports:mapping", kwargs={"uuid": job.uuid})
    page = client.get(mapping)
    assert page.status_code == 200 and page.context["sheet"].row_count == 2
    assert page.context["sample"][0][1][0] == dt.date(2023, 3, 31)  # a date, not its text
    client.post(mapping, {"col_datum": "0", "col_waarde": "1", "col_indicator": "2"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.problem_count == 0
    client.post(reverse("imports:run", kwargs={"uuid": job.uuid}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert sorted(numeric.measurements.values_list("value", flat=True)) == [10, 20.5]
    assert not (media / "imports" / str(job.uuid) / "sheets.json").exists()  # not kept once imported


@pytest.mark.django_db
def test_unfinished_uploads_are_cleaned_up(client, team_user, numeric, media, settings):
    client.force_login(team_user)
    data = xlsx({"Metingen": [["deal_id", "indicator", "datum", "waarde"]]})
    upload(client, data)
    upload(client, data)
    old, done = ImportJob.objects.order_by("id")
    ImportJob.objects.filter(pk=done.pk).update(status=ImportJob.Status.DONE)
    stray = media / "imports" / "no-such-job"
    stray.mkdir(parents=True)
    (stray / "x.xlsx").write_bytes(b"x")
    long_ago = time.time() - 3 * 86400
    os.utime(stray, (long_ago, long_ago))
    ImportJob.objects.update(updated_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=49))

    upload(client, data)  # a new upload cleans up first
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert not (media / "imports" / str(old.uuid)).exists() and not stray.exists()
    assert ImportJob.objects.filter(pk=done.pk).exists()  # a finished import keeps its record
    assert (media / "imports" / str(done.uuid)).exists()
    newest = ImportJob.objects.order_by("-id").first()
    ImportJob.objects.filter(pk=newest.pk).update(
        updated_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=settings.IMPORT_ORPHAN_HOURS + 1))
    call_command("clean_imports")
    assert not ImportJob.objects.filter(pk=newest.pk).exists()
    assert not (media / "imports" / str(newest.uuid)).exists()

"""A deal team imports measurements in a real browser: the sheet with errors shows each one
and writes nothing; the corrected sheet waits in the queue with a progress bar, the import can
be followed after reloading the page, and the page turns into the result by itself when a
worker has run it. Every page gets an axe scan (WCAG 2.1 AA).

The queue is Django's dummy task backend (it keeps what is queued); the test plays the worker
and runs the queued job itself (`jobs.run`, what the task does), so the page is seen waiting,
then done. The real queue and a real worker process: test_tasks.py."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from dealmonitor.impact.models import Measurement
from dealmonitor.impact.tests.test_browser import sign_in
from dealmonitor.imports import jobs
from dealmonitor.imports.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 40_000


def sheet(path, bad=False):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Mijn metingen")
    ws.append(["Peildatum", "Aantal", "Welke indicator"])
    start = dt.date(2022, 3, 1)
    for k in range(ROWS):
        value = "onbekend" if bad and k in (4, 9) else k % 50
        ws.append([start + dt.timedelta(days=k % 1000), value, "Woningen verduurzaamd"])
    wb.save(path)
    return path


def upload_and_map(page, live_server, path):
    page.goto(live_server.url + reverse("imports:start"))
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_label("Wat het tabblad bevat").select_option("measurements")
    page.get_by_label("Deal", exact=True).select_option("cd-proef")
    page.get_by_role("button", name="Uploaden en kolommen koppelen").click()
    expect(page.get_by_role("heading", name="Kolommen koppelen")).to_be_visible()
    page.get_by_label(re.compile("^waarde:")).select_option(label="Aantal")
    page.get_by_label(re.compile("^indicator:")).select_option(label="Welke indicator")


def test_import_with_errors_then_corrected_with_a_progress_bar(live_server, page, axe_check, team_user,
                                                               numeric, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def worker():  # runs what waits in the queue, as `dealmonitor db_worker` would
        for job in ImportJob.objects.filter(status__in=["checking", "importing"]):
            jobs.run(job.pk, "check" if job.status == "checking" else "import")

    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + reverse("imports:start"))
    axe_check(page)

    upload_and_map(page, live_server, sheet(tmp_path / "fout.xlsx", bad=True))
    axe_check(page)
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.locator("#import-progress-text")).to_contain_text("Wacht tot een verwerker")
    worker()
    expect(page.get_by_text("De controle vond 2 problemen")).to_be_visible(timeout=60_000)
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.first).to_contain_text("6")  # row 6 of the sheet: header + 5th row
    expect(problems.first).to_contain_text("Aantal")
    expect(problems.first).to_contain_text("'onbekend' is geen getal.")
    expect(problems.first).to_contain_text("een getal, bijvoorbeeld 1250 of 12,5")
    expect(page.get_by_role("button", name="Importeren")).to_have_count(0)
    axe_check(page)
    assert Measurement.objects.count() == 0

    upload_and_map(page, live_server, sheet(tmp_path / "goed.xlsx"))
    page.get_by_role("button", name="Bestand controleren").click()
    worker()
    expect(page.get_by_text("De controle vond geen problemen")).to_be_visible(timeout=60_000)
    expect(page.locator("#import-rows tbody tr")).to_have_count(100)
    page.get_by_role("button", name="Importeren").click()

    # The import waits for a worker in the background: the page shows its progress ...
    bar = page.locator("#import-progress-bar")
    expect(bar).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("wordt geïmporteerd")
    expect(page.locator("#import-progress-text")).to_contain_text("Wacht tot een verwerker")
    axe_check(page)
    # ... which survives a reload of the page ...
    page.reload()
    expect(page.locator("#import-status")).to_contain_text("wordt geïmporteerd")
    assert int(bar.get_attribute("value")) == 0
    # ... and turns into the result by itself when a worker has run the import.
    worker()
    expect(page.get_by_text("Het bestand is geïmporteerd.")).to_be_visible(timeout=90_000)
    axe_check(page)
    assert Measurement.objects.filter(indicator=numeric).count() == ROWS

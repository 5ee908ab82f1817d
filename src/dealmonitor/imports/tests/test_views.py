"""The import pages, with checking and importing run inside the request (the test settings'
immediate task backend; the queue and a real worker: test_queue.py, test_tasks.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dealmonitor.impact.models import Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.models import ImportJob

from .conftest import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, data, kind="measurements", deal="", name="metingen.xlsx"):
    return client.post(reverse("imports:start"), {
        "file": SimpleUploadedFile(name, data), "kind": kind, "deal": deal,
    })


@pytest.mark.parametrize("kind", list(C.KINDS))
def test_templates_have_the_columns_and_explain_them(client, kind):
    response = client.get(reverse("imports:template", kwargs={"kind": kind}))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    sheet = C.KINDS[kind]
    assert [c.value for c in wb[sheet.sheet][1]] == [c.key for c in sheet.columns]
    explained = [row[1] for row in wb["Uitleg"].iter_rows(min_row=2, values_only=True)]
    assert explained == [c.key for c in sheet.columns]


def test_the_import_pages_need_a_signed_in_user(client):
    response = client.get(reverse("imports:start"))
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_upload_map_check_preview_and_import(client, team_user, numeric):
    client.force_login(team_user)
    bad = xlsx({"Blad1": [["Datum", "Aantal", "Indicator"],
                          ["2023-03-31", "tien", "Woningen verduurzaamd"],
                          ["2023-06-30", 20, "Woningen verduurzaamd"]]})
    response = upload(client, bad, deal="cd-proef")
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:mapping", kwargs={"uuid": job.uuid})
    page = client.get(response["Location"])
    assert page.status_code == 200
    form = page.context["form"]
    assert form["col_datum"].initial == "0" and form["col_indicator"].initial == "2"
    assert form["col_waarde"].initial == ""  # 'Aantal' is not a header we know: the user maps it
    response = client.post(response["Location"], {"col_datum": "0", "col_waarde": "1", "col_indicator": "2"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "De controle vond 1 probleem" in html
    assert "&#x27;tien&#x27; is geen getal." in html and "een getal, bijvoorbeeld 1250 of 12,5" in html
    assert page.context["problems"][0]["row"] == 2 and page.context["problems"][0]["column"] == "Aantal"
    assert len(page.context["page"].object_list) == 2  # the preview shows every row
    assert client.post(reverse("imports:run", kwargs={"uuid": job.uuid})).status_code == 302
    assert Measurement.objects.count() == 0  # a file with problems is never imported

    good = xlsx({"Blad1": [["Datum", "Aantal", "Indicator"],
                           ["2023-03-31", 10, "Woningen verduurzaamd"],
                           ["2023-06-30", 20, "Woningen verduurzaamd"]]})
    upload(client, good, deal="cd-proef")
    job = ImportJob.objects.order_by("-id").first()
    client.post(reverse("imports:mapping", kwargs={"uuid": job.uuid}),
                {"col_datum": "0", "col_waarde": "1", "col_indicator": "2"})
    page = client.get(reverse("imports:job", kwargs={"uuid": job.uuid}))
    assert "De controle vond geen problemen" in page.content.decode()
    client.post(reverse("imports:run", kwargs={"uuid": job.uuid}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [10, 20]
    done = client.get(reverse("imports:job", kwargs={"uuid": job.uuid})).content.decode()
    assert "Het bestand is geïmporteerd." in done


def test_a_job_is_seen_only_by_its_owner(client, team_user, outsider, numeric):
    client.force_login(team_user)
    upload(client, xlsx({"Metingen": [["deal_id", "indicator", "datum", "waarde"]]}))
    job = ImportJob.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("imports:job", kwargs={"uuid": job.uuid})).status_code == 404
    assert client.get(reverse("imports:mapping", kwargs={"uuid": job.uuid})).status_code == 404


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, team_user):
    client.force_login(team_user)
    response = upload(client, b"PK\x03\x04 not really a workbook")
    assert response.status_code == 400
    assert "geen leesbare Excel-werkmap" in response.content.decode()
    assert upload(client, b"hallo", name="brief.docx").status_code == 400


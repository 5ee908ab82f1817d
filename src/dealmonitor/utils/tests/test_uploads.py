"""Uploaded evidence: accepted by what its bytes are, not by its name; refused when too large;
stored where no URL serves it; handed out only through the view that checks who may read it."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dealmonitor.utils.uploads import MAX_BYTES, check_upload

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF"


def xlsx():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def office_zip(first, first_content, others):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(first, first_content)
        for name in others:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = office_zip("[Content_Types].xml", "<Types/>", ["_rels/.rels", "word/document.xml"])
ODT = office_zip("mimetype", "application/vnd.oasis.opendocument.text", ["content.xml"])
ODS = office_zip("mimetype", "application/vnd.oasis.opendocument.spreadsheet", ["content.xml"])
ZIP = office_zip("data.bin", "x", ["more.bin"])


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("name, content", [
    ("rapport.pdf", PDF), ("foto.png", PNG), ("foto.jpg", JPEG), ("foto.jpeg", JPEG),
    ("cijfers.xlsx", None), ("notitie.docx", DOCX), ("notitie.odt", ODT), ("cijfers.ods", ODS),
    ("metingen.csv", "gemeente;waarde\nUtrecht;12,5\nZwolle;ë\n".encode()),
    ("toelichting.txt", "Een gewone tekst, met een é.".encode("cp1252")),
])
def test_real_files_of_each_accepted_type_pass(name, content):
    check_upload(upload(name, content if content is not None else xlsx()))


@pytest.mark.parametrize("name, content, why", [
    ("rapport.pdf", b"<html><script>alert(1)</script></html>", "a web page named .pdf"),
    ("foto.png", PDF, "a PDF named .png"),
    ("cijfers.xlsx", ZIP, "a zip that is no spreadsheet"),
    ("notitie.docx", xlsx(), "a spreadsheet named .docx"),
    ("notitie.txt", b"<!DOCTYPE html><p>hallo</p>", "HTML named .txt"),
    ("metingen.csv", b'<svg onload="alert(1)"></svg>', "SVG named .csv"),
    ("toelichting.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "a program named .txt"),
    ("plaatje.svg", b"<svg/>", "a type we do not accept"),
    ("programma.exe", b"MZ", "a type we do not accept"),
    ("zonder-extensie", PDF, "no extension"),
])
def test_a_file_is_refused_when_its_content_is_not_what_its_name_says(name, content, why):
    with pytest.raises(ValidationError):
        check_upload(upload(name, content))


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(ValidationError):
        check_upload(upload("groot.pdf", PDF + b"0" * (MAX_BYTES - len(PDF) + 1)))
    check_upload(upload("precies.pdf", PDF + b"0" * (MAX_BYTES - len(PDF))))


def test_a_refused_file_through_the_service_is_not_stored(db, settings, tmp_path):
    """The API and imports reach the service without the form: it checks too."""
    from dealmonitor.deals.tests.factories import DealFactory
    from dealmonitor.impact import services
    from dealmonitor.impact.models import Measurement

    settings.MEDIA_ROOT = tmp_path
    indicator = services.save_indicator(actor=None, deal=DealFactory(), name="Bewijs")
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=indicator, date=__import__("datetime").date(2024, 1, 1),
                                    value=1, evidence_file=upload("rapport.pdf", b"<script>x</script>"))
    assert "evidence_file" in exc.value.message_dict
    assert not Measurement.objects.exists() and not any(tmp_path.rglob("*.pdf"))


def test_uploads_live_outside_the_web_root_and_no_url_serves_them(db, client, settings):
    from pathlib import Path

    media = Path(settings.MEDIA_ROOT).resolve()
    for root in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        if root:
            assert not media.is_relative_to(Path(root).resolve())
    for path in ("/media/evidence/cd-x/1/rapport.pdf", f"{settings.MEDIA_URL}rapport.pdf"):
        assert client.get(path).status_code == 404

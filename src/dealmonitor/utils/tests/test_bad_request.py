"""A request Django will not read (too large a body, too many fields) gets 413 with what was
too large and what to do instead, in the site's layout or as JSON under /api/, in the user's
language; not Django's bare "Bad Request (400)" page. (The figures upload through the API as a
file, past the body limit: api/tests/test_areas.py.)"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_with_too_much_text_is_answered_in_words(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    browser = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check reads the form first
    response = browser.post("/inloggen/", {"username": "x" * 2000, "password": "geheim"})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Te veel tegelijk" in page and "1000 bytes" in page.replace("\xa0", " ")
    assert "Er is niets opgeslagen" in page
    assert '<html lang="nl"' in page  # the site's own page, not Django's bare one


def test_a_form_with_too_many_fields_is_answered_in_words_in_english(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = Client().post("/en/inloggen/", {f"veld_{i}": "1" for i in range(20)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "more than 10 fields" in page and "Nothing was saved" in page


def test_an_api_body_too_large_is_answered_in_json(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/api/v1/figure-imports/", {"csv": "x" * 2000}, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert "multipart/form-data" in response.json()["detail"]


def test_another_bad_request_keeps_django_s_answer(settings):
    settings.ALLOWED_HOSTS = ["dealmonitor.example"]
    response = Client().get("/", HTTP_HOST="aanvaller.example")
    assert response.status_code == 400

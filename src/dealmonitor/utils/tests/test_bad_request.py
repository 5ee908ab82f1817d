"""A request Django will not read (too large a body, too many fields) gets 413 with what was
too large and what to do instead, in the site's layout or as JSON under /api/, in the user's
language; not Django's bare "Bad Request (400)" page. (The figures upload through the API as a
file, past the body limit: api/tests/test_areas.py.)"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_form_with_too_much_text_is_answered_in_words(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    browser = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check reads the form first
    response = browser.post(reverse("accounts:login"), {"username": "x" * 2000, "password": "geheim"})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Te veel tegelijk" in page and "1000 bytes" in page.replace("\xa0", " ")
    assert "Er is niets opgeslagen" in page
    assert '<html lang="nl"' in page  # the site's own page, not Django's bare one


def test_a_form_with_too_many_fields_is_answered_in_words_in_english(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    with translation.override("en"):
        login = reverse("accounts:login")
    response = Client().post(login, {f"veld_{i}": "1" for i in range(20)})
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_for_too_much_at_once_in_a_browser(live_server, page, axe_check, settings):
    """In Chromium: a form with more text than the server takes gives the site's page with
    what to do (WCAG 2.1 AA by axe), and the browser's Back button finds the form again."""
    from pathlib import Path

    from playwright.sync_api import expect

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # less than the form sends with its CSRF token
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill("projectleider")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Te veel tegelijk", level=1)).to_be_visible()
    expect(page.get_by_text("Er is niets opgeslagen")).to_be_visible()
    axe_check(page)
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "too-much-at-once.png"), full_page=True)
    page.go_back()
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()

"""Headers, cookies, password rules and secrets: what the production settings and every page
promise (docs/configuration.md#security)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2]  # src/dealmonitor


def test_every_page_sends_the_security_headers(client):
    response = client.get(reverse("deals:portfolio"))
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp.split("style-src-attr")[0]  # no inline script or <style>
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_not_for_scripts_or_other_sites(client, staff_user):
    login = client.get(reverse("accounts:login"))
    assert login.cookies["csrftoken"]["samesite"] == "Lax"
    response = client.post(reverse("accounts:login"),
                           {"username": "beheerder", "password": "een-lang-wachtwoord-42"})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"


PRODUCTION_SCRIPT = """
import django, json
django.setup()
from django.conf import settings
# Production serves collected, hashed static files; this check runs without collectstatic.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
from django.test import Client
client = Client()
plain = client.get("/account/inloggen/")
secure = client.get("/account/inloggen/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csrf_cookie": secure.cookies["csrftoken"].output(),
    "session_secure": settings.SESSION_COOKIE_SECURE, "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE, "debug": settings.DEBUG,
}))
"""


def _production(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DJANGO_SETTINGS_MODULE": "dealmonitor.conf.production",
                "SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "testserver", **extra})
    return env


def test_production_serves_only_https_with_secure_cookies(tmp_path):
    result = subprocess.run([sys.executable, "-c", PRODUCTION_SCRIPT], capture_output=True,
                            text=True, env=_production(VAR_DIR=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["hsts"].startswith("max-age=31536000") and "includeSubDomains" in seen["hsts"]
    assert "Secure" in seen["csrf_cookie"] and "SameSite=Lax" in seen["csrf_cookie"]
    assert seen["session_secure"] and seen["session_httponly"] and seen["csrf_secure"]
    assert seen["debug"] is False


def test_production_refuses_to_start_without_a_secret_key_from_the_environment():
    env = _production()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            capture_output=True, text=True, env=env)
    assert result.returncode != 0 and "Set SECRET_KEY in the environment" in result.stderr


def test_no_secret_is_written_in_the_code():
    """Settings read secrets from the environment only; no key or password in the sources."""
    assignment = re.compile(
        r"^\s*(?:[A-Z]+_)*(?:SECRET|PASSWORD|PASSWD|TOKEN|(?:API|PRIVATE|ACCESS|SIGNING)_KEY)"
        r"(?:_[A-Z]+)*\s*=\s*['\"][^'\"]+['\"]",
        re.MULTILINE,
    )
    private_key = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
    offenders = []
    for path in SRC.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        text = path.read_text(encoding="utf-8")
        if assignment.search(text) or private_key.search(text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
    # the one default, for development, is refused by the production settings (test above)
    assert settings.SECRET_KEY.startswith("insecure") or "SECRET_KEY" in os.environ


@pytest.mark.parametrize("password", [
    "kort-1",  # too short
    "123456789012345",  # only digits
    "wachtwoord",  # short and common
    "password1234",  # common
    "projectleider-2024",  # too much like the user name
])
def test_weak_passwords_are_refused(password, django_user_model):
    user = django_user_model(username="projectleider", email="pl@gemeente.example")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted(django_user_model):
    validate_password("fietsen langs de Vecht in de lente", django_user_model(username="x"))

"""Sign-in is rate limited, and the production settings pass Django's deployment check."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_from_that_address(client, staff_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt(client, "beheerder", "fout-wachtwoord").status_code == 200  # the form again
    locked = attempt(client, "beheerder", "fout-wachtwoord")
    assert locked.status_code == 429
    assert "15 minuten" in locked.content.decode()
    # Even the right password is refused now…
    right = attempt(client, "beheerder", "een-lang-wachtwoord-42")
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_a_lockout_does_not_block_other_users(client, staff_user, django_user_model):
    django_user_model.objects.create_user(username="projectleider", password="een-lang-wachtwoord-42")
    for _ in range(5):
        attempt(client, "beheerder", "fout-wachtwoord")
    ok = attempt(client, "projectleider", "een-lang-wachtwoord-42")
    assert ok.status_code == 302 and client.session["_auth_user_id"]


def test_a_success_resets_the_count(client, staff_user):
    for _ in range(4):
        attempt(client, "beheerder", "fout-wachtwoord")
    assert attempt(client, "beheerder", "een-lang-wachtwoord-42").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "beheerder", "fout-wachtwoord").status_code == 200


def test_production_settings_pass_the_deployment_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.production",
        "SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-0123456789",
        "ALLOWED_HOSTS": "dealmonitor.example.nl",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in production
    result = subprocess.run(
        [sys.executable, "-m", "dealmonitor.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

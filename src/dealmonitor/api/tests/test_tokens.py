"""API tokens (POST /api/v1/token/, then `Authorization: Token <key>`): stored only as a hash,
valid for a limited time, and revoked when the password changes or the account is
deactivated. A token someone copied from a database dump, a log or an old laptop must not work
for ever, and must stop working the moment the owner changes the password."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-42"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="koppeling", password=PASSWORD)


def _token(username="koppeling", password=PASSWORD):
    response = APIClient().post(reverse("v1:token"), {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def _works(token):
    """Whether the token signs a request in (a write without credentials answers 401)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/deals/").status_code == 200 and client.post(
        "/api/v1/targets/", {}, format="json").status_code != 401


def test_a_token_is_not_stored_in_plain_text(user):
    token = _token()["token"]
    assert _works(token)
    holding = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                if model._default_manager.filter(**{field.name: token}).exists():
                    holding.append(f"{model._meta.label}.{field.name}")
    assert not holding, f"the token is stored as it is in {holding}"


def test_a_token_expires_after_the_configured_time(user, monkeypatch):
    answer = _token()
    assert _works(answer["token"])
    expiry = dt.datetime.fromisoformat(answer["expiry"])
    assert dt.timedelta(days=29) < expiry - timezone.now() <= dt.timedelta(days=30)
    now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now() + dt.timedelta(days=30, minutes=1))
    assert not _works(answer["token"])


def test_changing_the_password_revokes_every_token(user):
    tokens = [_token()["token"], _token()["token"]]
    assert all(_works(t) for t in tokens)
    user.set_password("een-ander-lang-wachtwoord-43")
    user.save()
    assert not any(_works(t) for t in tokens)
    assert _works(_token(password="een-ander-lang-wachtwoord-43")["token"])  # a new one works


def test_deactivating_the_account_revokes_its_tokens_for_good(user):
    token = _token()["token"]
    user.is_active = False
    user.save()
    assert not _works(token)
    user.is_active = True  # back again: the old token stays dead
    user.save()
    assert not _works(token)


def test_other_saves_of_the_user_leave_tokens_alone(user, settings):
    token = _token()["token"]
    user.first_name = "Koppeling"
    user.save()
    # signing in again stores a stronger hash of the same password (Django's re-hashing):
    # not a change of password
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 *settings.PASSWORD_HASHERS]
    signed_in = Client().post(reverse("accounts:login"), {"username": "koppeling", "password": PASSWORD})
    assert signed_in.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")
    assert _works(token)

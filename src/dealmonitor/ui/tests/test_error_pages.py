"""Refusals and errors answer in the site's own layout and the user's language, say why and
offer the way back (issue 16, item 6)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from dealmonitor.deals.tests.factories import DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user(username="buiten", password="een-lang-wachtwoord-42")


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_refusal_is_a_page_of_the_site_in_dutch_with_the_way_back(stranger):
    deal = DealFactory()
    response = _signed_in(stranger).post(
        reverse("deals:change_phase", args=[deal.slug]), {"phase": "uitvoering"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "403 Forbidden" not in html
    assert 'class="dm-header"' in html  # the site's header and navigation
    assert "Geen toegang" in html
    assert "geen rol in deze deal" in html  # why
    assert f'href="{deal.get_absolute_url()}">Terug naar de deal' in html  # the way back
    assert 'href="/mijn-deals/">Naar Mijn deals' in html


def test_a_refusal_in_english_under_en(stranger):
    deal = DealFactory()
    response = _signed_in(stranger).post(
        f"/en/deals/{deal.slug}/fase/", {"phase": "uitvoering"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "No access" in html
    assert 'lang="en"' in html
    assert f'href="/en/deals/{deal.slug}/">Back to the deal' in html


def test_an_unknown_address_is_a_404_page_of_the_site():
    response = Client().get("/deals/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="dm-header"' in html
    assert "Pagina niet gevonden" in html
    assert "Inloggen" in html  # an unpublished deal may exist for those who sign in


def test_an_unknown_api_address_stays_json():
    response = Client().get("/api/v1/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_server_error_is_a_page_of_the_site():
    request = RequestFactory().get("/")
    handler = get_resolver().resolve_error_handler(500)
    try:
        raise RuntimeError("kapot")
    except RuntimeError:
        response = handler(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "dm-header" in html
    assert "Er ging iets mis" in html
    assert "kapot" not in html  # no detail of the error for the visitor


def test_a_csrf_failure_says_why_in_the_users_language(stranger):
    deal = DealFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(stranger)
    response = client.post(reverse("deals:change_phase", args=[deal.slug]), {"phase": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="dm-header"' in html
    assert "verlopen" in html  # the form expired: reload and try again
    assert "CSRF verification failed" not in html


def test_an_anonymous_refusal_offers_sign_in():
    """A refusal that is not about a deal (PermissionDenied raised for anonymous users
    outside the gateway) still offers to sign in."""
    from django.core.exceptions import PermissionDenied

    request = RequestFactory().get("/iets/")
    from django.contrib.auth.models import AnonymousUser
    request.user = AnonymousUser()
    response = get_resolver().resolve_error_handler(403)(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Inloggen" in html


def test_the_favicon_answers():
    response = Client().get("/favicon.ico", follow=True)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_names_its_icon():
    html = Client().get("/").content.decode()
    assert 'rel="icon"' in html

"""The pages: who may upload figures, who sees a deal's context figures and who chooses its
areas; the section says plainly that the figures are context, not the deal's result."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dealmonitor.areas import services
from dealmonitor.areas.importing import import_figures, period_from_text
from dealmonitor.areas.models import Area, DealArea, Figure

from .conftest import KWB_TOPICS, RETRIEVED

pytestmark = pytest.mark.django_db

TOPICS_TEXT = "AantalInwoners_5 = Inwoners | aantal\nHuishoudensMetEenLaagInkomen_86 = Huishoudens met laag inkomen | %"


def _login(client, user):
    client.force_login(user)
    return client


def _post_upload(client, data, follow=False, **extra):
    fields = {"topics": TOPICS_TEXT, "source_title": "Kerncijfers wijken en buurten 2024",
              "table_id": "85984NED", "retrieved_on": "2026-12-01", "period": "2024",
              "file": SimpleUploadedFile("kwb.csv", data, content_type="text/csv"), **extra}
    return client.post(reverse("areas:upload"), fields, follow=follow)


@pytest.fixture
def figures(stadscentrum, kwb_bytes):
    import_figures(actor=None, data=kwb_bytes, topics=KWB_TOPICS, period=period_from_text("2024"),
                   source_title="Kerncijfers wijken en buurten 2024", table_id="85984NED",
                   retrieved_on=RETRIEVED)


def test_the_upload_page_is_for_programme_staff(client, team_user, programme_admin):
    url = reverse("areas:upload")
    assert client.get(url).status_code == 302  # the sign-in page
    assert _login(client, team_user).get(url).status_code == 403
    client.logout()
    page = _login(client, programme_admin).get(url)
    assert page.status_code == 200 and "Contextcijfers inlezen" in page.content.decode()


def test_a_good_upload_is_read_and_reported(client, programme_admin, stadscentrum, kwb_bytes):
    response = _post_upload(_login(client, programme_admin), kwb_bytes, follow=True)
    text = response.content.decode()
    assert "8 cijfers toegevoegd en 0 bijgewerkt voor 4 gebieden (1 zonder waarde" in text
    assert Figure.objects.count() == 8


def test_a_bad_upload_shows_an_error_per_row_and_writes_nothing(client, programme_admin, kwb_bytes):
    # Stadscentrum (WK059901) is not known here: its row is the error
    response = _post_upload(_login(client, programme_admin), kwb_bytes)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Er is niets ingelezen" in text and "Rij 5: gebied “WK059901” is niet bekend" in text
    assert not Figure.objects.exists()


def test_the_form_refuses_a_big_file_a_wrong_type_and_bad_topics(client, programme_admin, kwb_bytes, monkeypatch):
    _login(client, programme_admin)
    response = client.post(reverse("areas:upload"), {
        "topics": "Inwoners", "source_title": "X", "retrieved_on": "2026-12-01",
        "file": SimpleUploadedFile("kwb.xlsx", kwb_bytes)})
    text = response.content.decode()
    assert response.status_code == 400 and "Kies een CSV-bestand" in text and "schrijf kolom = naam" in text
    from dealmonitor.areas import forms
    monkeypatch.setattr(forms, "MAX_BYTES", 10)
    response = _post_upload(client, kwb_bytes)
    assert "Het bestand is groter dan" in response.content.decode()
    assert not Figure.objects.exists()


def test_the_deal_page_shows_the_figures_as_context_with_their_source(client, deal, figures):
    page = client.get(reverse("areas:deal", kwargs={"slug": deal.slug}))  # a published deal
    text = page.content.decode()
    assert page.status_code == 200
    assert "Context: cijfers over het gebied" in text
    assert "Dit zijn geen resultaten van de deal." in text
    assert "Kerncijfers wijken en buurten 2024 – CBS, tabel 85984NED, opgehaald op 1 december 2026" in text
    assert "566.000" in text and "geen cijfer: onbekend (.)" in text  # Voorne aan Zee's "."
    # Rotterdam's district is no area of this deal until the team chooses it
    assert "Stadscentrum" not in text


def test_the_indicators_page_includes_the_context_beside_the_population_indicators(client, deal, figures):
    text = client.get(reverse("impact:indicators", kwargs={"slug": deal.slug})).content.decode()
    population = text.index("Populatie-indicatoren (context)")
    context = text.index("Context: cijfers over het gebied")
    assert population < context and "Dit zijn geen resultaten van de deal." in text
    assert reverse("areas:deal", kwargs={"slug": deal.slug}) in text


def test_an_unpublished_deal_s_areas_do_not_exist_for_the_public(client, deal):
    deal.is_published = False
    deal.save()
    assert client.get(reverse("areas:deal", kwargs={"slug": deal.slug})).status_code == 404


def test_the_team_chooses_an_area_on_the_page(client, deal, team_user, partner_user, stadscentrum):
    url = reverse("areas:deal", kwargs={"slug": deal.slug})
    assert "Een gebied toevoegen" not in _login(client, partner_user).get(url).content.decode()
    assert client.post(url, {"code": "WK059901"}).status_code == 403
    client.logout()
    _login(client, team_user)
    response = client.post(url, {"code": "wk059901", "note": "pilotwijk"}, follow=True)
    assert "Stadscentrum (WK059901) hoort nu bij de gebieden van de deal." in response.content.decode()
    assert client.post(url, {"code": "GM9999"}).status_code == 400
    client.post(url, {"leave_out": "GM0518"})
    assert DealArea.objects.get(area__code="GM0518").included is False
    assert "Weggelaten partnergemeenten: &#x27;s-Gravenhage (GM0518)" in client.get(url).content.decode()


def test_the_area_pages_are_public(client, figures):
    text = client.get(reverse("areas:list") + "?q=voorne").content.decode()
    assert "Voorne aan Zee" in text and "GM1992" in text
    detail = client.get(reverse("areas:detail", kwargs={"code": "GM0501"})).content.decode()
    assert "Brielle" in detail and "opgegaan in" in detail and "Voorne aan Zee" in detail
    assert client.get(reverse("areas:detail", kwargs={"code": "GM0000"})).status_code == 404


def test_the_deal_section_costs_the_same_queries_for_two_or_twelve_areas(
        client, deal, figures, team_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("areas:deal", kwargs={"slug": deal.slug})
    _login(client, team_user)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for area in Area.objects.filter(kind="gemeente", valid_to__isnull=True).order_by("code")[:10]:
        if not DealArea.objects.filter(deal=deal, area=area).exists() and area.code not in ("GM0518", "GM0599", "GM1992"):
            services.choose_area(actor=team_user, deal=deal, area=area)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    from dealmonitor.areas import selectors

    with django_assert_max_num_queries(4):
        selectors.deal_context(deal)


def test_the_deal_s_change_log_shows_the_choice_of_an_area(client, deal, team_user, stadscentrum):
    services.choose_area(actor=team_user, deal=deal, area=stadscentrum, reason="pilotwijk gekozen")
    page = _login(client, team_user).get(reverse("deals:change_log", kwargs={"slug": deal.slug}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Stadscentrum" in text and "pilotwijk gekozen" in text

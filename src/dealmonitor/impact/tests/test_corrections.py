"""Correcting and withdrawing a measurement (issue 17, item 1) and verifying or sending it back
(item 5): by its author or the deal team, with a reason; a withdrawn measurement no longer
counts but stays in the list and the history; the API and the import follow the same rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from dealmonitor.accounts.models import DealMembership
from dealmonitor.impact import selectors, services
from dealmonitor.impact.constants import Verification
from dealmonitor.impact.models import Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(deal, partner_org, django_user_model):
    """Another member of the same partner organisation."""
    user = django_user_model.objects.create_user(username="collega", password="een-lang-wachtwoord-42")
    DealMembership.objects.create(user=user, deal=deal, role="partner", organisation=partner_org)
    return user


@pytest.fixture
def figure(numeric, partner_user, partner_org):
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2022, 6, 30), value=5)
    return services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 6, 30),
                                       value=10, reporting_organisation=partner_org)


def _total(deal, **kwargs):
    return selectors.performance_table(deal, **kwargs).rows[0].total.actual


def test_the_author_corrects_with_a_reason_and_the_history_keeps_both(figure, partner_user):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.update_measurement(actor=partner_user, measurement=figure, value=12)
    assert exc.value.message_dict == {"reason": ["Zeg waarom het cijfer wordt gecorrigeerd."]}
    services.update_measurement(actor=partner_user, measurement=figure, value=12, reason="typfout")
    assert [h.value for h in figure.history.order_by("history_date")] == [10, 12]
    assert figure.history.first().history_change_reason == "typfout"


def test_a_colleague_of_the_author_may_not_correct_or_withdraw(figure, colleague, team_user):
    with pytest.raises(PermissionDenied):
        services.update_measurement(actor=colleague, measurement=figure, value=12, reason="x")
    with pytest.raises(PermissionDenied):
        services.withdraw_measurement(actor=colleague, measurement=figure, reason="dubbel")
    services.update_measurement(actor=team_user, measurement=figure, value=11, reason="controle")


def test_a_withdrawn_measurement_leaves_the_figures_but_stays_in_the_history(deal, figure, partner_user):
    assert _total(deal) == 15
    with pytest.raises(ValidationError):
        services.withdraw_measurement(actor=partner_user, measurement=figure, reason=" ")
    services.withdraw_measurement(actor=partner_user, measurement=figure, reason="dubbel ingevoerd")
    figure.refresh_from_db()
    assert figure.withdrawn and figure.withdrawn_by == partner_user and figure.withdrawn_reason == "dubbel ingevoerd"
    assert _total(deal) == 5
    assert Measurement.objects.filter(pk=figure.pk).exists()
    assert figure.history.first().withdrawn and figure.history.count() == 2
    with pytest.raises(ValidationError):  # not corrected afterwards: enter a new one
        services.update_measurement(actor=partner_user, measurement=figure, value=3, reason="x")


def test_the_interface_corrects_and_withdraws(client, deal, numeric, figure, partner_user):
    client.force_login(partner_user)
    base = f"/deals/{deal.slug}/indicatoren/{numeric.pk}/metingen/{figure.pk}"
    page = client.get(f"/deals/{deal.slug}/indicatoren/{numeric.pk}/").content.decode()
    assert f"{base}/corrigeren/" in page and f"{base}/intrekken/" in page
    assert "/verifieren/" not in page  # the partner does not verify
    refused = client.post(f"{base}/corrigeren/", {"date": "2023-06-30", "value": "12",
                                                  "reporting_organisation": figure.reporting_organisation_id},
                          HTTP_ACCEPT_LANGUAGE="nl")
    assert refused.status_code == 400 and "Zeg waarom het cijfer wordt gecorrigeerd." in refused.content.decode()
    done = client.post(f"{base}/corrigeren/", {
        "date": "2023-06-30", "value": "12", "reporting_organisation": figure.reporting_organisation_id,
        "change_reason": "correctie", "change_reason_text": "typfout"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert done.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 12 and figure.history.first().history_change_reason == "correctie: typfout"
    assert client.post(f"{base}/intrekken/", {"reason": ""}).status_code == 400
    assert client.post(f"{base}/intrekken/", {"reason": "dubbel"}).status_code == 302
    page = client.get(f"/deals/{deal.slug}/indicatoren/{numeric.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "ingetrokken" in page and "dubbel" in page and f"{base}/corrigeren/" not in page


def test_a_colleague_gets_no_correction_page(client, deal, numeric, figure, colleague):
    client.force_login(colleague)
    base = f"/deals/{deal.slug}/indicatoren/{numeric.pk}/metingen/{figure.pk}"
    assert client.get(f"{base}/corrigeren/").status_code == 403
    assert client.post(f"{base}/intrekken/", {"reason": "x"}).status_code == 403


def test_the_api_withdraws_on_delete_with_a_reason_and_corrects_with_one(figure, partner_user, colleague):
    api = APIClient()
    api.force_authenticate(colleague)
    assert api.delete(f"/api/v1/measurements/{figure.pk}/", HTTP_X_CHANGE_REASON="dubbel").status_code == 403
    api.force_authenticate(partner_user)
    answer = api.patch(f"/api/v1/measurements/{figure.pk}/", {"value": "12"}, format="json",
                       HTTP_ACCEPT_LANGUAGE="nl")
    assert answer.status_code == 400 and answer.json() == {"reason": ["Zeg waarom het cijfer wordt gecorrigeerd."]}
    assert api.patch(f"/api/v1/measurements/{figure.pk}/", {"value": "12"}, format="json",
                     HTTP_X_CHANGE_REASON="correctie; typfout").status_code == 200
    assert api.delete(f"/api/v1/measurements/{figure.pk}/").status_code == 400  # no reason
    assert api.delete(f"/api/v1/measurements/{figure.pk}/", HTTP_X_CHANGE_REASON="dubbel").status_code == 204
    row = api.get(f"/api/v1/measurements/{figure.pk}/").json()
    assert row["withdrawn"] is True and row["withdrawn_reason"] == "dubbel"


# Verification ----------------------------------------------------------------------------

def test_the_deal_team_sends_back_with_a_note_and_a_correction_makes_it_self_reported(figure, team_user,
                                                                                    partner_user):
    with pytest.raises(PermissionDenied):
        services.send_back_measurement(actor=partner_user, measurement=figure, note="klopt dit?")
    with pytest.raises(ValidationError):
        services.send_back_measurement(actor=team_user, measurement=figure, note="")
    services.send_back_measurement(actor=team_user, measurement=figure, note="Bron ontbreekt")
    figure.refresh_from_db()
    assert (figure.verification, figure.verification_note) == (Verification.SENT_BACK, "Bron ontbreekt")
    services.update_measurement(actor=partner_user, measurement=figure, value=9, reason="bron erbij")
    figure.refresh_from_db()
    assert (figure.verification, figure.verification_note) == (Verification.SELF_REPORTED, "")


def test_nobody_sets_sent_back_without_a_note(numeric, team_user, partner_user, partner_org):
    with pytest.raises(ValidationError):
        services.record_measurement(actor=team_user, indicator=numeric, date=dt.date(2023, 1, 31), value=1,
                                    verification=Verification.SENT_BACK)


def test_the_verify_button_and_the_send_back_page(client, deal, numeric, figure, team_user):
    client.force_login(team_user)
    page = client.get(f"/deals/{deal.slug}/indicatoren/{numeric.pk}/").content.decode()
    base = f"/deals/{deal.slug}/indicatoren/{numeric.pk}/metingen/{figure.pk}"
    assert f'action="{base}/verifieren/"' in page
    assert client.post(f"{base}/verifieren/").status_code == 302
    figure.refresh_from_db()
    assert figure.verification == Verification.VERIFIED
    assert client.post(f"{base}/terugsturen/", {"note": "Graag de bron"}).status_code == 302
    figure.refresh_from_db()
    assert figure.verification == Verification.SENT_BACK


def test_a_partner_cannot_verify_through_the_button(client, deal, numeric, figure, partner_user):
    client.force_login(partner_user)
    base = f"/deals/{deal.slug}/indicatoren/{numeric.pk}/metingen/{figure.pk}"
    assert client.post(f"{base}/verifieren/").status_code == 403
    assert client.post(f"{base}/terugsturen/", {"note": "x"}).status_code == 403
    figure.refresh_from_db()
    assert figure.verification == Verification.SELF_REPORTED


def test_the_table_and_the_export_can_count_only_verified_figures_and_say_so(client, deal, figure,
                                                                             team_user):
    services.verify_measurement(actor=team_user, measurement=figure)
    assert _total(deal) == 15 and _total(deal, verified_only=True) == 10
    client.force_login(team_user)
    page = client.get(f"/deals/{deal.slug}/prestaties/?geverifieerd=1", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Alleen metingen die het dealteam verifieerde, tellen mee." in page.content.decode()
    import csv as csvlib
    import io

    rows = list(csvlib.DictReader(io.StringIO(
        client.get(f"/deals/{deal.slug}/prestaties.csv?geverifieerd=1&csv=analyse").content.decode())))
    total = next(r for r in rows if r["periode"] == "totaal" and not r["organisatie"])
    assert (total["gerealiseerd"], total["geteld"]) == ("10", "geverifieerd")


def test_the_api_sends_back_for_the_deal_team_only(figure, team_user, partner_user):
    api = APIClient()
    api.force_authenticate(partner_user)
    body = {"verification": "teruggestuurd", "verification_note": "bron?"}
    assert api.patch(f"/api/v1/measurements/{figure.pk}/", body, format="json").status_code == 403
    api.force_authenticate(team_user)
    answer = api.patch(f"/api/v1/measurements/{figure.pk}/", body, format="json")
    assert answer.status_code == 200 and answer.json()["verification"] == "teruggestuurd"
    assert answer.json()["verification_note"] == "bron?"


def test_the_import_does_not_bring_back_a_withdrawn_figure(numeric, figure, partner_user, team_user):
    """A withdrawn measurement stays in the database: importing the same row again is skipped
    as already present, so the figure does not come back by the back door."""
    from dealmonitor.imports import columns as C
    from dealmonitor.imports.checking import Part, check_parts, guess_mapping
    from dealmonitor.imports.reading import read_spreadsheet
    from dealmonitor.imports.tests.conftest import xlsx

    services.withdraw_measurement(actor=partner_user, measurement=figure, reason="dubbel")
    sheet = read_spreadsheet(xlsx({"Metingen": [
        ["deal_id", "indicator", "datum", "waarde", "organisatie_id"],
        ["cd-proef", numeric.name, "2023-06-30", 10, figure.reporting_organisation.slug],
    ]}), "f.xlsx")[0]
    kind = C.KINDS["measurements"]
    result = check_parts(team_user, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])
    assert not result.problems and result.plan.skipped == 1 and not result.plan.measurements


def test_a_figure_corrected_after_the_page_was_read_is_not_verified_unseen(
        client, deal, numeric, figure, team_user, partner_user):
    """The deal team verifies the figure it saw: when the reporting organisation corrects it
    between reading the list and clicking "Verifiëren", the click verifies nothing and says
    so; the new figure is shown, and verifying it then works."""
    import re

    client.force_login(team_user)
    indicator_page = f"/deals/{deal.slug}/indicatoren/{numeric.pk}/"
    base = f"{indicator_page}metingen/{figure.pk}"

    def seen_version(page):
        form = page[page.index(f'action="{base}/verifieren/"'):]
        return re.search(r'name="figure_version" value="([^"]+)"', form[:form.index("</form>")]).group(1)

    seen = seen_version(client.get(indicator_page).content.decode())
    services.update_measurement(actor=partner_user, measurement=figure, value=100, reason="nieuwe telling")
    response = client.post(f"{base}/verifieren/", {"figure_version": seen}, follow=True)
    figure.refresh_from_db()
    assert figure.verification == Verification.SELF_REPORTED
    page = response.content.decode()
    assert "gewijzigd sinds u de lijst opende" in page and "niet geverifieerd" in page
    # the page now shows the new figure and carries its version: verifying that works
    again = seen_version(page)
    assert again != seen
    client.post(f"{base}/verifieren/", {"figure_version": again})
    figure.refresh_from_db()
    assert (figure.value, figure.verification) == (100, Verification.VERIFIED)
    # a change that is not the figure (a note) does not stop a verification
    figure2 = services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 9, 30),
                                          value=3, reporting_organisation=figure.reporting_organisation)
    base = f"{indicator_page}metingen/{figure2.pk}"
    seen = seen_version(client.get(indicator_page).content.decode())
    services.update_measurement(actor=partner_user, measurement=figure2, note="toelichting erbij")
    client.post(f"{base}/verifieren/", {"figure_version": seen})
    figure2.refresh_from_db()
    assert figure2.verification == Verification.VERIFIED


def test_a_figure_whose_categories_changed_is_not_verified_unseen(deal, team_user, partner_org):
    """The values per category are part of the figure (a correction of them withdraws a
    verification), so a change to them after the list was read stops the verification too;
    a new piece of evidence does not (it keeps a verification as well)."""
    from dealmonitor.impact.constants import Aggregation, IndicatorKind

    indicator = services.save_indicator(
        actor=None, deal=deal, name="Deelnemers", kind=IndicatorKind.NUMERIC, whole_numbers=True,
        aggregation=Aggregation.PER_PERIOD, breakdown=[{"dimension": "leeftijd"}])
    figure = services.record_measurement(actor=None, indicator=indicator, date=dt.date(2023, 3, 1), value=4,
                                         reporting_organisation=partner_org,
                                         parts=[{"dimension": "leeftijd", "category": "0-17", "value": 4}])
    seen = services.figure_version(figure)
    services.update_measurement(actor=team_user, measurement=figure, reason="andere leeftijdsgroep",
                                parts=[{"dimension": "leeftijd", "category": "18-26", "value": 4}])
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.verify_measurement(actor=team_user, measurement=figure, seen=seen)
    assert "gewijzigd sinds u de lijst opende" in str(exc.value)
    seen = services.figure_version(Measurement.objects.get(pk=figure.pk))
    services.update_measurement(actor=team_user, measurement=figure, evidence_url="https://example.org/telling")
    services.verify_measurement(actor=team_user, measurement=figure, seen=seen)
    figure.refresh_from_db()
    assert figure.verification == Verification.VERIFIED and figure.evidence_url

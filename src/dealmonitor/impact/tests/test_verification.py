"""Verification of measurements (docs/impact.md#verification): only the deal team verifies a
figure, never the organisation that reported it; the history says who verified; a change to
a verified figure withdraws the verification until the deal team verifies it again. The rule
is the service's, so the form, the API and the import obey it alike."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from dealmonitor.impact import services
from dealmonitor.impact.constants import Verification
from dealmonitor.impact.models import Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.tests.conftest import xlsx

pytestmark = pytest.mark.django_db

REFUSAL = ("Alleen het dealteam verifieert een meting; de rapporterende organisatie kan haar "
           "eigen cijfer niet als geverifieerd markeren.")


@pytest.fixture
def own_figure(numeric, partner_user, partner_org):
    return services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 6, 30),
                                       value=10, reporting_organisation=partner_org)


def test_a_partner_member_cannot_mark_its_own_figure_verified(numeric, partner_user, partner_org):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=partner_user, indicator=numeric, date=dt.date(2023, 6, 30),
                                    value=10, reporting_organisation=partner_org,
                                    verification=Verification.VERIFIED)
    assert exc.value.message_dict == {"verification": [REFUSAL]}
    assert not Measurement.objects.exists()


def test_the_deal_team_verifies_and_the_history_and_change_log_say_who(own_figure, team_user, client):
    services.verify_measurement(actor=team_user, measurement=own_figure)
    own_figure.refresh_from_db()
    assert own_figure.verification == Verification.VERIFIED
    entry = own_figure.history.first()
    assert entry.history_user == team_user and entry.verification == Verification.VERIFIED
    assert entry.history_change_reason.startswith("verificatie")
    client.force_login(team_user)
    log = client.get(f"/deals/{own_figure.indicator.deal.slug}/wijzigingen/").content.decode()
    assert "projectleider" in log and "geverifieerd" in log


def test_a_partner_members_change_withdraws_the_verification(own_figure, team_user, partner_user):
    services.verify_measurement(actor=team_user, measurement=own_figure)
    services.update_measurement(actor=partner_user, measurement=own_figure, note="toelichting")
    assert own_figure.verification == Verification.VERIFIED  # not the figure: still verified
    services.update_measurement(actor=partner_user, measurement=own_figure, value=12, reason="typfout")
    own_figure.refresh_from_db()
    assert (own_figure.value, own_figure.verification) == (12, Verification.SELF_REPORTED)
    with pytest.raises(ValidationError):
        services.update_measurement(actor=partner_user, measurement=own_figure, value=13,
                                    verification=Verification.VERIFIED, reason="typfout")
    # the deal team may change and verify again in one go
    services.update_measurement(actor=team_user, measurement=own_figure, value=13,
                                verification=Verification.VERIFIED, reason="typfout")
    own_figure.refresh_from_db()
    assert (own_figure.value, own_figure.verification) == (13, Verification.VERIFIED)


def test_the_api_refuses_a_partner_members_verification_with_a_message(own_figure, partner_user, partner_org,
                                                                       team_user):
    api = APIClient()
    api.force_authenticate(partner_user)
    body = {"indicator": own_figure.indicator.pk, "date": "2023-07-31", "value": "4",
            "reporting_organisation": partner_org.slug, "verification": "geverifieerd"}
    created = api.post("/api/v1/measurements/", body, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert created.status_code == 400 and created.json() == {"verification": [REFUSAL]}
    patched = api.patch(f"/api/v1/measurements/{own_figure.pk}/", {"verification": "geverifieerd"},
                        format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert patched.status_code == 400 and patched.json() == {"verification": [REFUSAL]}
    api.force_authenticate(team_user)
    verified = api.patch(f"/api/v1/measurements/{own_figure.pk}/", {"verification": "geverifieerd"},
                         format="json")
    assert verified.status_code == 200 and verified.json()["verification"] == "geverifieerd"
    assert own_figure.history.first().history_user == team_user


def test_the_form_offers_no_verification_to_a_partner_member(numeric, partner_user, partner_org, client):
    client.force_login(partner_user)
    url = f"/deals/{numeric.deal.slug}/indicatoren/{numeric.pk}/meting/"
    assert 'name="verification"' not in client.get(url).content.decode()
    client.post(url, {"date": "2023-06-30", "value": "3", "reporting_organisation": partner_org.pk,
                      "verification": "geverifieerd"})
    assert Measurement.objects.get().verification == Verification.SELF_REPORTED


def test_the_import_refuses_a_partner_members_verification(numeric, partner_user, partner_org):
    sheet = read_spreadsheet(xlsx({"Metingen": [
        ["deal_id", "indicator", "datum", "waarde", "organisatie_id", "verificatie"],
        ["cd-proef", numeric.name, "2023-03-31", 1, partner_org.slug, "geverifieerd"],
        ["cd-proef", numeric.name, "2023-04-30", 1, partner_org.slug, "zelfgerapporteerd"],
    ]}), "f.xlsx")[0]
    kind = C.KINDS["measurements"]
    result = check_parts(partner_user, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])
    assert [(p.row, p.column, p.message) for p in result.problems] == [(2, "verificatie", REFUSAL)]

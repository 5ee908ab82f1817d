"""One check for web addresses, used by the forms, the API and the import alike: only http and
https, so no javascript:, data: or vbscript: link reaches a page through any of them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from dealmonitor.impact.forms import MeasurementForm
from dealmonitor.impact.forms_pathway import EvidenceForm
from dealmonitor.impact.models import Measurement
from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    elements,
    numeric,
    pathway,
    reference_data,
    team_user,
)
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import Sheet
from dealmonitor.learning.forms import DeliverableForm, UptakeForm
from dealmonitor.utils.web_addresses import validate_web_address

HOSTILE = [
    "javascript:alert(1)//",
    "JaVaScRiPt:alert(document.cookie)",
    "  javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "javascript://example.org/%0aalert(1)",
]
GOOD = ["https://example.org/verslag", "http://example.org/a?b=c#d"]


@pytest.mark.parametrize("address", HOSTILE)
def test_the_check_refuses_scripts(address):
    with pytest.raises(ValidationError):
        validate_web_address(address)


@pytest.mark.parametrize("address", GOOD)
def test_the_check_accepts_web_addresses(address):
    validate_web_address(address)


@pytest.mark.django_db
@pytest.mark.parametrize("address", HOSTILE)
def test_the_forms_refuse_scripts(address, numeric):
    form = MeasurementForm({"date": "2023-06-30", "value": "1", "evidence_url": address,
                            "verification": "zelfgerapporteerd"}, indicator=numeric)
    assert not form.is_valid() and "evidence_url" in form.errors
    uptake = UptakeForm({"kind": "overname", "title": "x", "evidence_url": address}, deal=numeric.deal)
    assert not uptake.is_valid() and "evidence_url" in uptake.errors
    deliverable = DeliverableForm({"name": "x", "kind": "handreiking", "url": address})
    assert not deliverable.is_valid() and "url" in deliverable.errors
    evidence = EvidenceForm({"date": "2023-01-01", "stance": "voor", "text": "x", "url": address})
    assert not evidence.is_valid() and "url" in evidence.errors


@pytest.mark.django_db
def test_the_forms_the_api_and_the_import_use_the_same_check(numeric):
    from dealmonitor.api.generic import FIELD_MAPPING
    from django.db import models

    assert validate_web_address in MeasurementForm(indicator=numeric).fields["evidence_url"].validators
    assert validate_web_address in DeliverableForm().fields["url"].validators
    assert validate_web_address in EvidenceForm().fields["url"].validators
    assert validate_web_address in FIELD_MAPPING[models.URLField]().validators
    assert C.MEASUREMENTS.by_key["bewijs_url"].type == C.URL and C.EVIDENCE.by_key["url"].type == C.URL


@pytest.mark.django_db
@pytest.mark.parametrize("address", HOSTILE)
def test_the_api_refuses_scripts(address, numeric, team_user):
    api = APIClient()
    api.force_authenticate(team_user)
    response = api.post("/api/v1/measurements/", {"indicator": numeric.pk, "date": "2023-06-30",
                                                  "value": "1", "evidence_url": address}, format="json")
    assert response.status_code == 400 and "evidence_url" in response.json()
    assert not Measurement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("address", HOSTILE)
def test_the_import_refuses_scripts(address, numeric, team_user):
    headers = ["deal_id", "indicator", "datum", "waarde", "bewijs_url"]
    sheet = Sheet("Metingen", headers, [(2, ("cd-proef", numeric.name, dt.date(2023, 6, 30), 1, address))])
    result = check_parts(team_user, [Part(C.MEASUREMENTS, sheet, guess_mapping(C.MEASUREMENTS, headers))])
    assert [p.column for p in result.problems] == ["bewijs_url"], result.problems
    assert not result.plan.measurements


@pytest.mark.django_db
def test_the_import_takes_a_web_address(numeric, team_user):
    headers = ["deal_id", "indicator", "datum", "waarde", "bewijs_url"]
    sheet = Sheet("Metingen", headers, [(2, ("cd-proef", numeric.name, dt.date(2023, 6, 30), 1, GOOD[0]))])
    result = check_parts(team_user, [Part(C.MEASUREMENTS, sheet, guess_mapping(C.MEASUREMENTS, headers))])
    assert result.ok and result.plan.measurements[0]["fields"]["evidence_url"] == GOOD[0]

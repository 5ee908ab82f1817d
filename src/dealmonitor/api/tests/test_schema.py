"""The OpenAPI document is generated, committed (docs/api/openapi.yaml) and checked for drift;
schemathesis sends generated requests to the app and checks that none fails with a server
error and that every response conforms to the document (status code, content type, body).

- Reads: every GET operation, anonymous, a few examples each.
- Valid writes: every POST, PUT, PATCH and DELETE (47 operations; not the token exchange), as a
  programme administrator with a token, the examples and fuzzing phases plus schemathesis'
  coverage phase (boundary values of every field); the generated ids and references are
  pointed at rows of one deal (`write_data`, `meaningful`), so most writes reach the services
  and succeed (about two thirds; the rest are refused by a service's rule, 400).
- Invalid writes: every write operation, negative mode (wrong types, missing fields): a
  documented 4xx, never accepted, never a server error.
- Writes without rights: every write operation, a few valid requests each: anonymous 401, a
  member of another deal's team 403 (or 400/404), never a change.

All runs are derandomized with a fixed number of examples, so they are bounded and the same
every time; they call the app in the test's thread and transaction (schemathesis' WSGI
transport), so no table is emptied per operation. About 2,500 requests in all; on the
development machine 30 s (SQLite) and 45 s (PostgreSQL).

Regenerate the document after changing the API:
    dealmonitor spectacular --api-version v1 --lang en --file docs/api/openapi.yaml --validate
"""

import re
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from hypothesis import settings as hypothesis_settings

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


def generated():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    with translation.override("en"):
        schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
        return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def test_the_committed_openapi_document_matches_the_code():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == generated(), (
        "docs/api/openapi.yaml is out of date: regenerate it (see this module's docstring)"
    )


schema = schemathesis.openapi.from_path(SCHEMA_FILE)
# Valid requests only (what a client following the document sends), the same ones every run:
# no example database, derandomized, a fixed number per operation.
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], database="none",
                                deterministic=True)


@pytest.fixture
def app(db):
    """The application called in the test's own thread (schemathesis' WSGI transport), inside
    the test's transaction: no live server, and no emptying of every table after each of the
    ~50 write operations (slow on PostgreSQL). As Django's test client does, a request does
    not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db):
    """A few deals with partners, so list and detail operations have something to return."""
    from dealmonitor.deals.tests.factories import DealFactory, ParticipationFactory

    for deal in DealFactory.create_batch(3):
        ParticipationFactory(deal=deal)


# What the issue asks of every response: no server error, and a status code, content type and
# body as the document says.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@schema.include(method="GET").parametrize()
@hypothesis_settings(max_examples=4, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_document(case, app, api_data):
    case.call_and_validate(app=app, checks=CHECKS)


# ------------------------------------------------------------------------------------------
# Writes


@pytest.fixture
def write_data(db, deal, elements, numeric, partner_org, staff_user):
    """One row of every entity a write can name, on one deal, and a programme administrator's
    token: generated requests name these (see `meaningful`), so they reach the services
    instead of stopping at "no such deal"."""
    import datetime as dt

    from knox.models import AuthToken

    from dealmonitor.deals.models import Ambition, Theme
    from dealmonitor.deals.tests.factories import OrganisationFactory
    from dealmonitor.impact import services as impact
    from dealmonitor.impact.constants import Level
    from dealmonitor.impact.models import ReferenceItem
    from dealmonitor.ecosystem.services import save_post
    from dealmonitor.learning import services as learning

    day = dt.date(2023, 3, 1)
    # no start or end: a measurement of any date belongs to the deal
    type(deal).objects.filter(pk=deal.pk).update(signing_date=None, end_date=None)
    cause, effect = elements[Level.ACTIVITEITEN], elements[Level.OUTPUT]
    link = impact.add_link(actor=None, cause=cause, effect=effect)
    assumption = impact.add_assumption(actor=None, link=link, text="Bewoners doen mee")
    bottleneck = learning.report_bottleneck(actor=None, deal=deal, title="Regel", kind="regelgeving",
                                            signalled_on=day)
    lesson = learning.save_lesson(actor=None, deal=deal, title="Les", text="Tekst", kind="inzicht",
                                  learned_on=day)
    deliverable = learning.save_deliverable(actor=None, deal=deal, name="Handreiking", kind="handreiking")
    impact.set_targets(actor=None, indicator=numeric, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023",
         "value": 50, "status": ""}])
    ministry = OrganisationFactory(name="Ministerie van BZK", slug="ministerie-bzk")
    newcomer = OrganisationFactory(name="Provincie Nieuw", slug="provincie-nieuw")  # not in the deal yet
    first_review = dt.date(1999, 12, 31)  # a revisit may not be older than the last one
    # a need and an offer that fit (same kind, two partners of the deal), and a decision on them
    from dealmonitor.deals.models import Participation
    from dealmonitor.ecosystem.services import mark_match

    supplier = OrganisationFactory(name="Wijkdata BV", slug="wijkdata-bv")
    Participation.objects.create(deal=deal, organisation=supplier)
    need = save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag", kind="kennis",
                     title="Kennis gezocht", text="Over wijkdata.")
    offer = save_post(actor=None, deal=deal, organisation=supplier, direction="aanbod", kind="kennis",
                      title="Kennis aangeboden", text="Over wijkdata.")
    mark = mark_match(actor=None, need=need, offer=offer, status="gecontacteerd")
    ids = {
        "need": need.pk, "offer": offer.pk,
        "deal": deal.slug,
        "organisation": newcomer.slug, "reporting_organisation": partner_org.slug,
        "ministry": ministry.slug,
        "element": effect.pk, "cause": cause.pk, "effect": elements[Level.OUTCOME].pk,
        "ambition": Ambition.objects.create(deal=deal, text="100 woningen").pk,
        "indicator": numeric.pk, "link": link.pk, "bottleneck": bottleneck.pk,
        "lesson": lesson.pk, "deliverable": deliverable.pk,
        "themes": [Theme.objects.get_or_create(name="Wonen")[0].name],
        "tags": list(ReferenceItem.objects.values_list("pk", flat=True)[:2]),
        "indicators": [numeric.pk], "bottlenecks": [bottleneck.pk],
    }
    rows = {
        "assumptions": assumption.pk, "bottlenecks": bottleneck.pk, "deliverables": deliverable.pk,
        "effects": impact.save_effect(actor=None, deal=deal, description="Minder uitstoot",
                                      valence="positief", dimension="sociaal").pk,
        "elements": elements[Level.OUTCOME].pk, "experiments": learning.save_experiment(
            actor=None, deal=deal, title="Proef").pk,
        "indicators": numeric.pk, "lessons": lesson.pk, "links": link.pk,
        "measurements": impact.record_measurement(actor=None, indicator=numeric, date=day,
                                                  value=10).pk,
        "milestones": learning.save_milestone(actor=None, deal=deal, title="Start").pk,
        "participations": deal.participations.get(organisation=partner_org).pk,
        "match-marks": mark.pk,
        "posts": save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag",
                           kind="data", title="Wijkdata gezocht", text="Voor de monitor.").pk,
        "scaling-plans": learning.save_scaling_plan(actor=None, deal=deal, route="opschalen",
                                                    reviewed_on=first_review).pk,
        "start-conversations": learning.save_start_conversation(actor=None, deal=deal,
                                                                reviewed_on=first_review).pk,
        "targets": numeric.targets.get().pk,
        "uptake": learning.save_uptake(actor=None, deal=deal, kind="beleidsprogramma", title="Beleid").pk,
    }
    token = AuthToken.objects.create(user=staff_user)[1]
    return {"ids": ids, "rows": rows, "headers": {"Authorization": f"Token {token}"}}


def meaningful(case, data, body=True):
    """Point the generated request at existing rows: the path's id at a row of the entity and
    every reference in the body at a row of the same deal (nulls, and values of another type
    than the reference, stay as generated)."""
    path = case.path_parameters or {}
    if re.fullmatch(r"-?\d+", str(path.get("id"))):  # an integer (not an invalid id of a negative run)
        path["id"] = data["rows"][case.path.split("/")[3]]
    if body and isinstance(case.body, dict):
        for name, value in data["ids"].items():
            given = case.body.get(name)
            if given is not None and isinstance(given, list) == isinstance(value, list):
                case.body[name] = value


def write_schema(mode, phases):
    loaded = schemathesis.openapi.from_path(SCHEMA_FILE)
    loaded.config.generation.update(modes=[mode], database="none", deterministic=True)
    loaded.config.phases.update(phases=phases)
    return loaded.include(method=["POST", "PUT", "PATCH", "DELETE"]).exclude(path="/api/v1/token/")


# Valid writes: the fuzzing examples and schemathesis' coverage phase (boundary values of every
# field: empty, longest, null, each enum value), the same ones every run.
VALID_WRITES = write_schema(schemathesis.GenerationMode.POSITIVE, ["examples", "coverage", "fuzzing"])
# Invalid writes (wrong types, missing fields, values outside the document): a few each.
INVALID_WRITES = write_schema(schemathesis.GenerationMode.NEGATIVE, ["examples", "fuzzing"])
# Writes by who may not make them: a few valid ones each.
SAMPLE_WRITES = write_schema(schemathesis.GenerationMode.POSITIVE, ["examples", "fuzzing"])


@pytest.mark.fuzz
@VALID_WRITES.parametrize()
@hypothesis_settings(max_examples=4, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_writes_conform_to_the_document(case, app, write_data):
    """A programme administrator's valid writes: answered as documented, never a server error
    (a service may still refuse one, 400, e.g. a date outside the deal)."""
    meaningful(case, write_data)
    case.call_and_validate(app=app, headers=write_data["headers"], checks=CHECKS)


@pytest.mark.fuzz
@INVALID_WRITES.parametrize()
@hypothesis_settings(max_examples=4, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_invalid_writes_are_refused(case, app, write_data):
    """Data outside the document is refused with a documented 4xx (400 for the body), never
    accepted and never a server error."""
    meaningful(case, write_data, body=False)
    case.call_and_validate(app=app, headers=write_data["headers"],
                           checks=[*CHECKS, negative_data_rejection])


@pytest.mark.fuzz
@SAMPLE_WRITES.parametrize()
@hypothesis_settings(max_examples=2, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_writes_without_rights_are_refused(case, app, write_data, outsider):
    """Nobody writes without rights: anonymous 401; signed in to another deal's team 403 (404
    for a row internal to the deal, 400 where the body is refused before the rules are
    asked), never a change."""
    from knox.models import AuthToken

    meaningful(case, write_data)
    anonymous = case.call(app=app)
    assert anonymous.status_code == 401, anonymous.text
    token = AuthToken.objects.create(user=outsider)[1]
    refused = case.call(app=app, headers={"Authorization": f"Token {token}"})
    expected = {403, 404} if case.method in ("DELETE", "PATCH") and not case.body else {400, 403, 404}
    assert refused.status_code in expected, refused.text

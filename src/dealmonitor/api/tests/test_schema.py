"""The OpenAPI document is generated, committed (docs/api/openapi.yaml) and checked for drift;
schemathesis sends generated requests to the live app and checks that none fails with a
server error and that every response conforms to the document. It reads (GET, every
operation, a few examples each, derandomized, so the run is bounded and the same every time);
writes, which need a signed-in user, are tested in test_resources.py and the permission
matrix.

Regenerate the document after changing the API:
    dealmonitor spectacular --api-version v1 --lang en --file docs/api/openapi.yaml --validate
"""

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
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
def api_data(db):
    """A few deals with partners, so list and detail operations have something to return."""
    from dealmonitor.deals.tests.factories import DealFactory, ParticipationFactory

    for deal in DealFactory.create_batch(3):
        ParticipationFactory(deal=deal)


# What the issue asks of every response: no server error, and a status code, content type and
# body as the document says.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.django_db(transaction=True)
@schema.include(method="GET").parametrize()
@hypothesis_settings(max_examples=4, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_document(case, live_server, api_data):
    case.call_and_validate(base_url=live_server.url, checks=CHECKS)

"""What every page costs before it reads a row (issue 20, item 2): the empty page of the
benchmark (ops/bench_urls.py) reads the session and the user and writes nothing, templates
are compiled once per process, and no context processor queries."""

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_templates_are_compiled_once_per_process():
    loader = engines["django"].engine.template_loaders[0]
    assert type(loader).__module__ == "django.template.loaders.cached"


def test_a_signed_in_request_for_an_empty_page_reads_session_and_user_and_writes_nothing(
        client, django_user_model, settings):
    settings.ROOT_URLCONF = "dealmonitor.ops.bench_urls"
    client.force_login(django_user_model.objects.create_user("leeg", is_staff=True))
    client.get("/bench/leeg/")  # the first request after signing in
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/bench/leeg/").status_code == 200
        statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
        assert statements == ["SELECT", "SELECT"], queries.captured_queries  # session, user

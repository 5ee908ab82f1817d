"""Nothing cut silently: every text column of the import has a documented maximum, the same as
the model's, and a text one character too long is refused with the same Dutch message by the
form, the API and the import (never cut)."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from dealmonitor.impact.models import Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.kinds import MODULES
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.learning.forms import LessonForm
from dealmonitor.learning.models import Lesson
from dealmonitor.utils.text_limits import LONG_TEXT

pytestmark = pytest.mark.django_db


def test_every_text_column_has_a_documented_maximum():
    for kind in C.KINDS.values():
        for column in kind.columns:
            if column.type in (C.TEXT, C.URL):
                assert column.max_length, f"{kind.sheet}.{column.key} has no maximum"
                with translation.override("en"):
                    assert f"at most {column.max_length} characters" in column.expected() or column.type == C.URL
    assert C.LESSONS.by_key["les"].max_length == Lesson._meta.get_field("text").max_length == LONG_TEXT
    assert C.MEASUREMENTS.by_key["toelichting"].max_length == Measurement._meta.get_field("note").max_length
    assert len(MODULES) == 9  # with the needs and offers and their match decisions (ecosystem)


def test_a_text_too_long_gets_the_same_dutch_message_from_form_api_and_import(deal, numeric, staff_user):
    too_long = "x" * (LONG_TEXT + 1)
    with translation.override("nl"):
        form = LessonForm(data={"title": "Te lang", "kind": "inzicht", "text": too_long,
                                "visibility": "programma", "learned_on": "2023-05-01"}, deal=deal)
        assert not form.is_valid()
        from_form = form.errors["text"][0]
        csv = f"deal_id,indicator,datum,waarde,toelichting\ncd-proef,{numeric.name},2023-06-30,5,{too_long}\n"
        result = check_parts(staff_user, workbook_parts(read_spreadsheet(csv.encode(), "metingen.csv")))
        from_import = [p.message for p in result.problems if p.column == "toelichting"]
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.post("/api/v1/measurements/", {"indicator": numeric.pk, "date": "2023-06-30", "value": "5",
                                                  "note": too_long}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400, response.content
    from_api = response.json()["note"][0]
    assert "tekens" in from_form  # Dutch, and it says how long the text is and what fits
    assert f"{LONG_TEXT + 1}" in from_form.replace(".", "") and f"{LONG_TEXT}" in from_form.replace(".", "")
    assert from_import == [from_form]
    assert from_api == from_form
    assert not Measurement.objects.exists()  # refused, never cut


def test_every_free_text_of_the_domain_has_a_maximum():
    """Every TextField of every Dealmonitor app (the history copies included) has a maximum;
    only texts the software writes itself, never typed by a person, are exempt."""
    from django.apps import apps
    from django.db import models

    derived = {
        ("learning", "Lesson", "search_stems"),  # computed from the lesson
        ("connections", "SimilarityFeature", "label"),  # written by the related-deals engine
        ("imports", "ImportJob", "error"),  # the traceback of a failed background import
        ("reports", "PortfolioPdf", "error"),  # the traceback of a failed portfolio PDF
    }
    ours = [c for c in apps.get_app_configs() if c.name.startswith("dealmonitor.")]
    assert {"deals", "impact", "learning", "organisations", "connections", "workday", "accounts",
            "ecosystem"} <= {c.label for c in ours}
    missing = [
        f"{m._meta.app_label}.{m.__name__}.{f.name}"
        for config in ours
        for m in config.get_models()
        for f in m._meta.concrete_fields
        if isinstance(f, models.TextField) and f.max_length is None
        and (m._meta.app_label, m.__name__.removeprefix("Historical"), f.name) not in derived
    ]
    assert not missing


@pytest.mark.parametrize("form_name, data", [
    ("ConfirmForm", {"kind": "kennisdeling", "note": "x" * (LONG_TEXT + 1)}),
    ("DismissForm", {"reason": "x" * (LONG_TEXT + 1)}),
])
def test_connection_texts_are_refused_when_too_long_never_cut(form_name, data):
    from dealmonitor.connections import forms
    from dealmonitor.connections.constants import LinkKind
    from dealmonitor.connections.models import Connection, EventLesson

    data = {**data, "kind": LinkKind.values[0]} if "kind" in data else data
    form = getattr(forms, form_name)(data=data)
    assert not form.is_valid()
    assert Connection._meta.get_field("note").max_length == LONG_TEXT
    assert EventLesson._meta.get_field("text").max_length == LONG_TEXT
    with translation.override("nl"):
        assert "tekens" in next(iter(form.errors.values()))[0]

"""Prepared queries (utils/prepared.py): the rows Django's queryset gives, in its SQL, compiled
once; and rows kept as a related list that reads no more and filters as a related manager."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import F
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.db import connection

from dealmonitor.deals.models import Ambition, Participation, PhaseChange, Track
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.organisations.models import Person
from dealmonitor.utils.prepared import Prepared, keep

pytestmark = pytest.mark.django_db


def _phases(deal_id):
    return PhaseChange.objects.filter(deal_id=deal_id).order_by(
        F("started_on").asc(nulls_first=True), "recorded_at")


def test_the_same_rows_in_the_same_sql_as_the_queryset():
    deal, other = DealFactory(), DealFactory()
    for day in (dt.date(2023, 5, 1), None, dt.date(2021, 1, 1)):
        PhaseChange.objects.create(deal=deal, phase="leren", started_on=day)
    PhaseChange.objects.create(deal=other, phase="borgen", started_on=dt.date(2020, 1, 1))
    prepared = Prepared(_phases)
    with CaptureQueriesContext(connection) as ours:
        got = prepared(deal.pk)
    with CaptureQueriesContext(connection) as django:
        wanted = list(_phases(deal.pk))
    assert [(p.pk, p.started_on, p.phase) for p in got] == [
        (p.pk, p.started_on, p.phase) for p in wanted]
    assert got[0].started_on is None and isinstance(got[1].started_on, dt.date)  # converted
    assert ours.captured_queries[0]["sql"] == django.captured_queries[0]["sql"]
    assert prepared(other.pk)[0].phase == "borgen"  # the same SQL, another deal
    assert prepared(DealFactory().pk) == []


def test_compiled_on_the_first_call_only():
    deal = DealFactory()
    ParticipationFactory(deal=deal)
    prepared = Prepared(lambda d: Participation.objects.filter(deal_id=d).select_related(
        "organisation").order_by("organisation__name"))
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True,
                           side_effect=SQLCompiler.as_sql) as compiled:
        prepared(deal.pk)
        assert compiled.call_count >= 1
        compiled.reset_mock()
        rows = prepared(deal.pk)
        assert compiled.call_count == 0
    assert rows[0].deal_id == deal.pk


def test_select_related_and_decimals_as_django_makes_them(django_assert_num_queries):
    deal = DealFactory()
    lead = OrganisationFactory(name="Gemeente Zwolle")
    person = Person.objects.create(slug="p-1", name="P. Eén")
    Track.objects.create(deal=deal, name="B-spoor")
    Track.objects.create(deal=deal, name="A-spoor", lead_organisation=lead, lead_person=person)
    Ambition.objects.create(deal=deal, text="Minder CO2", target_value=Decimal("12.50"))
    tracks = Prepared(lambda d: Track.objects.filter(deal_id=d).select_related(
        "lead_person", "lead_organisation").order_by("name"))(deal.pk)
    with django_assert_num_queries(0):
        assert [(t.name, t.lead_organisation and t.lead_organisation.name,
                 t.lead_person and t.lead_person.name) for t in tracks] == [
            ("A-spoor", "Gemeente Zwolle", "P. Eén"), ("B-spoor", None, None)]
    ambition, = Prepared(lambda d: Ambition.objects.filter(deal_id=d))(deal.pk)
    assert ambition.target_value == Decimal("12.50") and isinstance(ambition.target_value, Decimal)


def test_a_query_it_cannot_prepare_is_refused():
    with pytest.raises(ValueError, match="once"):
        Prepared(lambda d: PhaseChange.objects.all())(1)  # the value is not in the SQL
    with pytest.raises(ValueError, match="instances"):
        Prepared(lambda d: PhaseChange.objects.filter(deal_id=d).values("phase"))(1)
    with pytest.raises(TypeError):
        Prepared(_phases)(1, 2)


def test_kept_rows_read_nothing_more_and_filter_within_their_own_deal(django_assert_num_queries):
    deal, other = DealFactory(), DealFactory()
    mine = ParticipationFactory(deal=deal)
    ParticipationFactory(deal=other, organisation=mine.organisation)
    rows = list(Participation.objects.filter(deal=deal))
    keep(deal, "participations", rows)
    with django_assert_num_queries(0):
        assert list(deal.participations.all()) == [mine]
        assert deal.participations.count() == 1 and deal.participations.exists()
        assert rows[0].deal is deal  # the way back, as after prefetch_related
    # a new query starts from the deal's own rows, not from every deal's
    assert list(deal.participations.filter(organisation=mine.organisation)) == [mine]
    assert list(deal.participations.values_list("deal_id", flat=True)) == [deal.pk]
    keep(deal, "phase_changes", [])
    with django_assert_num_queries(0):
        assert list(deal.phase_changes.all()) == []


def test_a_key_of_a_history_table_as_a_parameter():
    """A history table's copy of a key is a big integer field, which Django gives psycopg as
    its Int8 on PostgreSQL (not an int): it is a parameter all the same."""
    from dealmonitor.deals.models import Deal

    deal, other = DealFactory(name="Een"), DealFactory(name="Twee")
    prepared = Prepared(lambda pk: Deal.history.model.objects.filter(id=pk).order_by("history_id"))
    assert [row.name for row in prepared(deal.pk)] == ["Een"]
    assert [row.name for row in prepared(other.pk)] == ["Twee"]


def test_queries_run_together_give_what_each_gives_alone_and_are_each_counted():
    """`run_together` (on PostgreSQL one pipeline, elsewhere one by one): the instances of each
    prepared query and the rows of a written-out statement, in order, each query seen by
    Django's query log."""
    from dealmonitor.utils.prepared import run_together

    deal, other = DealFactory(), DealFactory()
    for day in (dt.date(2023, 5, 1), None):
        PhaseChange.objects.create(deal=deal, phase="leren", started_on=day)
    ParticipationFactory(deal=deal), ParticipationFactory(deal=other)
    phases = Prepared(_phases)
    partners = Prepared(lambda deal_id: Participation.objects.filter(deal_id=deal_id)
                        .select_related("organisation").order_by("organisation__name"))
    alone = [phases(deal.pk), partners(deal.pk), partners(other.pk)]
    connection.ensure_connection()
    pipelines = []
    if connection.vendor == "postgresql":  # sent in one pipeline, entered once
        pipeline = connection.connection.pipeline
        mock.patch.object(connection.connection, "pipeline",
                          side_effect=lambda: pipelines.append(1) or pipeline()).start()
    try:
        with CaptureQueriesContext(connection) as log:
            *together, extra = run_together(
                [(phases, (deal.pk,)), (partners, (deal.pk,)), (partners, (other.pk,))],
                extra=[("SELECT %s + 1", [41])])
    finally:
        mock.patch.stopall()
    assert len(pipelines) == (1 if connection.vendor == "postgresql" else 0)
    assert [[(row.pk, type(row)) for row in rows] for rows in together] == [
        [(row.pk, type(row)) for row in rows] for rows in alone]
    assert together[1][0].organisation.name == alone[1][0].organisation.name  # select_related
    assert [tuple(row) for row in extra] == [(42,)]
    assert len(log.captured_queries) == 4


def test_an_error_in_queries_run_together_is_djangos_and_leaves_the_connection_usable():
    from django.db import DatabaseError, transaction

    from dealmonitor.utils.prepared import together

    with pytest.raises(DatabaseError), transaction.atomic():
        together([("SELECT 1", []), ("SELECT * FROM no_such_table", []), ("SELECT 2", [])])
    assert together([("SELECT 3", []), ("SELECT 4", [])]) == [[(3,)], [(4,)]]


def test_without_pipeline_mode_the_statements_run_one_by_one(monkeypatch):
    """A psycopg whose libpq is older than 14 has no pipeline mode: the same rows, read one
    statement at a time."""
    from dealmonitor.utils import prepared

    monkeypatch.setattr(prepared, "_can_pipeline", lambda: False)
    with CaptureQueriesContext(connection) as log:
        assert prepared.together([("SELECT 3", []), ("SELECT 4", [])]) == [[(3,)], [(4,)]]
    assert len(log.captured_queries) == 2

"""An imported measurement has its own history, as one entered in the form has: an auditor
opens a measurement and sees who brought it in, when and why; the deal's change log lists it
with the importer. The bulk write (utils/bulk.py) writes that history row itself, and the
history table has indexes only where those readers look (impact/models.py), so both are
checked here."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from dealmonitor.deals.history import change_log
from dealmonitor.impact.models import Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked

from .conftest import xlsx

pytestmark = pytest.mark.django_db


def _import(actor, rows):
    sheet = read_spreadsheet(xlsx({"Metingen": [
        ["deal_id", "indicator", "datum", "waarde", "bron", "organisatie_id"], *rows]}), "m.xlsx")[0]
    kind = C.KINDS["measurements"]
    result = check_parts(actor, [Part(kind, sheet, guess_mapping(kind, sheet.headers))],
                         previews=False)
    assert result.ok, [str(p) for p in result.problems]
    import_checked(actor=actor, result=result)


def test_every_imported_measurement_shows_in_its_own_history_with_the_importer(
        numeric, team_user, partner_org):
    _import(team_user, [
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 3, 31), 10, "telling", partner_org.slug],
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 6, 30), "12,5", "", ""],
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 9, 30), 4, "enquête", partner_org.slug],
    ])
    measurements = list(Measurement.objects.order_by("date"))
    assert [m.value for m in measurements] == [Decimal(10), Decimal("12.5"), Decimal(4)]
    for m in measurements:
        history = list(m.history.all())  # what a measurement's own history shows
        assert len(history) == 1, m
        entry = history[0]
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
            "+", team_user, "import")
        # the entry holds the measurement as it was written
        assert (entry.id, entry.indicator_id, entry.date, entry.value, entry.source,
                entry.reporting_organisation_id, entry.reported_by_id) == (
            m.pk, numeric.pk, m.date, m.value, m.source, m.reporting_organisation_id, team_user.pk)
        assert entry.prev_record is None and entry.instance == m


def test_the_deals_change_log_lists_each_imported_measurement_with_the_importer(
        deal, numeric, team_user):
    _import(team_user, [
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 3, 31), 10, "telling", ""],
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 6, 30), 11, "telling", ""],
    ])
    entries, _has_next = change_log(deal, part="measurements")
    imported = [e for e in entries if e.label == "impact.measurement"]
    assert sorted(e.record.id for e in imported) == sorted(Measurement.objects.values_list("pk", flat=True))
    assert {(e.kind, e.who, e.record.history_change_reason) for e in imported} == {
        ("created", team_user, "import")}


def _indexed(table):
    """The columns of `table` that lead an index, and those indexed alone."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexes = [c["columns"] for c in constraints.values() if c["index"] or c["primary_key"]]
    return {columns[0] for columns in indexes}, {columns[0] for columns in indexes if len(columns) == 1}


def test_the_measurement_history_is_indexed_where_it_is_read_and_nowhere_else():
    history = Measurement.history.model._meta.db_table
    leading, alone = _indexed(history)
    # a measurement's own history (id), a deal's change log (indicator, newest first),
    # the deletion of a user (history_user), an entry by its key (history_id)
    assert {"history_id", "id", "indicator_id", "history_date", "history_user_id"} <= alone
    # nothing reads the history by these: an index would only slow every imported row
    assert not {"reported_by_id", "reporting_organisation_id", "withdrawn_by_id"} & leading
    # the measurements themselves: every lookup by indicator is served by (indicator, date),
    # so the indicator has no index of its own
    leading, alone = _indexed(Measurement._meta.db_table)
    assert "indicator_id" in leading and "indicator_id" not in alone

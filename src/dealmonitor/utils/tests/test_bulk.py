"""utils/bulk.py: after a large load, fresh planner statistics (and on PostgreSQL, outside a
transaction, a VACUUM so that counts can read indexes alone). The browser test of the import
reached the PostgreSQL branch before the browser tests ran on SQLite only."""

import pytest
from django.db import connection

from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.utils import bulk


@pytest.mark.django_db(transaction=True)
def test_analyze_refreshes_the_statistics_after_a_load():
    DealFactory.create_batch(3)
    bulk.analyze()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT last_vacuum, last_analyze FROM pg_stat_user_tables "
                           "WHERE relname = 'deals_deal'")
            vacuumed, analysed = cursor.fetchone()
            assert vacuumed is not None and analysed is not None
        else:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'deals_deal'")
            assert cursor.fetchone()[0] >= 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table statistics")
@pytest.mark.django_db(transaction=True)
def test_the_bench_refreshes_statistics_that_autovacuum_would_have_refreshed():
    """A benchmark server may run without autovacuum: the tables changed by more than 10% since
    their last ANALYZE are analyzed before the pages are timed, the others are left alone."""
    DealFactory.create_batch(60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # the counters are flushed at the end of a statement
        cursor.execute("SELECT pg_stat_clear_snapshot()")
    stale = bulk.analyze_stale()
    assert "deals_deal" in stale and "impact_measurement" not in stale
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
    assert "deals_deal" not in bulk.analyze_stale()


# insert_with_history: every row with its history row, holding the row's values ----------------

def _history_as_rows(model, pks):
    history = model.history.model
    tracked = [f.attname for f in history._meta.concrete_fields if not f.attname.startswith("history_")]
    return {h["id"]: h for h in history.objects.filter(id__in=pks).values(
        *tracked, "history_type", "history_change_reason", "history_user_id", "history_date")}


@pytest.mark.django_db
@pytest.mark.parametrize("keys", ["consecutive", "with gaps", "out of order"])
def test_insert_with_history_gives_every_row_a_history_row_with_its_values(keys, monkeypatch, staff_user):
    """The history rows are copied from the rows by the database; with consecutive keys (as
    SQLite always gives, and PostgreSQL's sequence nearly always) by their range, else by the
    list of keys (another writer took keys in between)."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction

    from dealmonitor.deals.tests.factories import OrganisationFactory
    from dealmonitor.impact import services as impact_services
    from dealmonitor.impact.models import Measurement

    indicator = impact_services.save_indicator(actor=None, deal=DealFactory(), name="Woningen", unit="stuks")
    org = OrganisationFactory()
    if keys == "with gaps":
        given = bulk._new_ids

        def spaced(table, n):
            return [pk + 10 * k for k, pk in enumerate(given(table, n * 10)[:n])]
        monkeypatch.setattr(bulk, "_new_ids", spaced)
    if keys == "out of order":  # a batch of three: a, a+3, a+2 (first to last spans three keys)
        given = bulk._new_ids

        def shuffled(table, n):
            ids = given(table, n + 1)
            return [ids[0], *reversed(ids[2:n + 1])]
        monkeypatch.setattr(bulk, "_new_ids", shuffled)
    rows = [Measurement(indicator=indicator, date=dt.date(2023, 1, 1) + dt.timedelta(days=k),
                        value=Decimal(k) / 4, source=f"bron\t{k}\n", note="één; \\ twee" if k % 2 else "",
                        reporting_organisation=org if k % 3 else None, reported_by=staff_user,
                        status="", verification="zelfgerapporteerd")
            for k in range(7)]
    with transaction.atomic():
        bulk.insert_with_history(rows, user=staff_user, reason="import", batch_size=3)
    pks = [m.pk for m in rows]
    assert len(set(pks)) == 7 and (keys == "consecutive") == (pks == list(range(pks[0], pks[0] + 7)))
    stored = {m["id"]: m for m in Measurement.objects.filter(pk__in=pks).values()}
    history = _history_as_rows(Measurement, pks)
    assert sorted(history) == sorted(pks)  # one each, and none of another row
    for pk in pks:
        entry = history[pk]
        assert (entry["history_type"], entry["history_change_reason"], entry["history_user_id"]) == (
            "+", "import", staff_user.pk)
        assert {k: v for k, v in entry.items() if not k.startswith("history_")} == stored[pk]
    assert len({h["history_date"] for h in history.values()}) == 1  # one moment for the import
    # history entries in the order of the rows, as a measurement's own history is read
    order = list(Measurement.history.filter(id__in=pks).order_by("history_id").values_list("id", flat=True))
    assert order == sorted(pks)

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

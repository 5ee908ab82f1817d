"""The database cache writes many keys in one statement (utils/dbcache.py) and otherwise
behaves as Django's: values read back, overwritten, expired, culled; a failed write is
dropped without spoiling the transaction around it."""

import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction

from dealmonitor.utils.dbcache import DatabaseCache
from dealmonitor.utils.queries import count_queries

pytestmark = pytest.mark.django_db


def _writes(statements):
    return [s for s in statements if "INSERT" in s.upper() or "UPDATE" in s.upper()]


def test_the_default_cache_is_the_one_that_writes_many_keys_at_once():
    assert isinstance(caches["default"], DatabaseCache)


def test_many_keys_are_written_by_one_statement_and_read_back():
    small = DatabaseCache("dealmonitor_cache", {"OPTIONS": {"MAX_ENTRIES": 100}})  # counts at every write
    data = {f"figure-{i}": {"count": i, "rows": list(range(i))} for i in range(6)}
    with count_queries() as counted:
        assert small.set_many(data, 60) == []
    assert len(_writes(counted.statements)) == 1
    # PostgreSQL counts the table for culling in the same statement, SQLite in a second one
    # (the savepoint is the test's transaction: a request writes outside one)
    statements = [s for s in counted.statements if "SAVEPOINT" not in s.upper()]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 2)
    assert small.get_many(list(data)) == data


def test_a_large_cache_is_not_counted_at_each_write():
    """Counting a table of 200,000 entries at every write would cost more than the write:
    PostgreSQL takes the planner's estimate of its size instead (SQLite, for a small site,
    counts)."""
    large = DatabaseCache("dealmonitor_cache", {"OPTIONS": {"MAX_ENTRIES": 200_000}})
    with count_queries() as counted:
        large.set_many({f"row-{i}": i for i in range(300)}, 60)
    assert len(_writes(counted.statements)) == 1
    counts = [s for s in counted.statements if "COUNT(*)" in s]
    assert len(counts) == (0 if connection.vendor == "postgresql" else 1)
    assert large.get_many(["row-7", "row-299"]) == {"row-7": 7, "row-299": 299}


def test_a_key_written_again_takes_the_new_value_and_timeout():
    cache.set("figure", 1, 60)
    cache.set_many({"figure": 2, "other": 3}, 60)
    assert cache.get("figure") == 2
    cache.set("figure", 4, 60)
    assert cache.get_many(["figure", "other"]) == {"figure": 4, "other": 3}
    cache.set("figure", 5, -1)  # already expired: gone
    assert cache.get("figure", "gone") == "gone"
    cache.set("forever", 6, None)
    assert cache.get("forever") == 6
    assert cache.add("forever", 7) is False and cache.get("forever") == 6  # Django's add


def test_entries_above_the_maximum_are_culled():
    small = DatabaseCache("dealmonitor_cache", {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    small.clear()
    for i in range(4):
        small.set_many({f"k{i}-{j}": j for j in range(5)}, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM dealmonitor_cache")
        left = cursor.fetchone()[0]
    assert left <= 15  # never far above the maximum, where 20 were written


def test_a_cull_keeps_the_entries_that_never_expire():
    """The data versions (utils/cache.py) never expire and their keys sort first: a cull
    must not drop them, or every figure kept would be counted again."""
    small = DatabaseCache("dealmonitor_cache", {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    small.clear()
    small.set_many({"a-version": 1, "b-version": 2}, None)
    for i in range(4):
        small.set_many({f"figure-{i}-{j}": j for j in range(5)}, 60)
    assert small.get_many(["a-version", "b-version"]) == {"a-version": 1, "b-version": 2}
    assert small.get("figure-3-4") == 4  # the newest figures are kept too


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_is_dropped_and_the_transaction_goes_on():
    broken = DatabaseCache("no_such_cache_table", {})
    with transaction.atomic():
        assert sorted(broken.set_many({"a": 1, "b": 2}, 60)) == ["a", "b"]
        cache.set("after", "still written", 60)  # the transaction was not spoiled
    assert cache.get("after") == "still written"
    assert broken.set_many({"a": 1}, 60) == ["a"]  # outside a transaction too



@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL table's persistence")
def test_the_cache_table_is_not_written_to_the_write_ahead_log():
    """A request that keeps figures does not wait for the disk at its commit (migration
    utils 0002); after a crash the table is emptied, which a cache may be."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'dealmonitor_cache'")
        assert cursor.fetchone()[0] == "u"

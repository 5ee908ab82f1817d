"""The database cache (CACHE_URL=dbcache://…, the default) writing many keys at once.

Django's DatabaseCache writes one key at a time: a count of the table, then a transaction
that looks the key up and inserts or updates it. The programme view counted afresh keeps six
figures (utils/cache.py, `cached_parts`), so it paid six transactions, six commits each
waiting for the write-ahead log on disk, and some 20 statements: at scale L about as long
as the figures' own queries. Here `set_many` writes every key in one statement (an upsert,
which PostgreSQL and SQLite 3.24+ both know), which is one transaction of its own outside an
atomic block, and `set` is a `set_many` of one key. `get_many` asks whether each entry is
still valid in its query (no expiry read into Python). On PostgreSQL the keys read and the
entries written go as one JSON parameter (the performance table page reads 400 keys at once
and may write 200). Adding, touching and deleting are Django's; culling is Django's but for
what it drops first (`_cull`) and that on PostgreSQL a large table (more than COUNTED_UP_TO
entries allowed) is not counted but estimated.

Keys are written in sorted order, so two processes writing overlapping keys at once lock
them in the same order and cannot deadlock. A failed write is dropped, as Django's backend
does: a cache is allowed to forget.
"""

import base64
import json
import pickle
from contextlib import nullcontext
from datetime import datetime, timezone

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


COUNTED_UP_TO = 10_000  # a cache of at most this many entries is counted at each write


class DatabaseCache(DjangoDatabaseCache):
    def get_many(self, keys, version=None):
        """As Django's, with whether each entry is still valid asked of the database rather
        than its expiry read into Python (expired entries are left to the culling), and the
        keys not checked for memcached (a check of every character of every key, which warns
        only): the performance table page reads 400 keys at once (impact/performance_html.py)."""
        if not keys:
            return {}
        made = {self.make_key(key, version=version): key for key in keys}
        db = router.db_for_read(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = connection.ops.adapt_datetimefield_value(tz_now())
        # Whether an entry is still valid is asked as a column, not a condition: as a condition
        # PostgreSQL may read every valid entry through the index on the expiry instead of
        # the few asked for by their keys.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # the keys as one JSON parameter, not 400 (as an array psycopg checks each for
                # quoting in Python: 1.9 ms against 1.6 for 400 keys)
                cursor.execute(f"SELECT cache_key, value, expires >= %s FROM {table} WHERE cache_key "
                               "= ANY(ARRAY(SELECT json_array_elements_text(%s::json)))",
                               [now, json.dumps(list(made))])
            else:
                cursor.execute(f"SELECT cache_key, value, expires >= %s FROM {table} WHERE cache_key IN "
                               f"({', '.join(['%s'] * len(made))})", [now, *made])
            rows = cursor.fetchall()
        process, loads, decode = connection.ops.process_clob, pickle.loads, base64.b64decode
        return {made[key]: loads(decode(process(value).encode())) for key, value, valid in rows if valid}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Write every key in one statement; the keys not written (all or none). The keys are
        not checked for memcached, as in `get_many` (a check of every character that only
        warns: a tenth of writing 200 rows of the performance table)."""
        if not data:
            return []
        rows = sorted((self.make_key(key, version=version), key, value) for key, value in data.items())
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=timezone.utc if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        keys = [made for made, _key, _value in rows]
        values = [base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
                  for _made, _key, value in rows]
        on_conflict = ("ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, "
                       "expires = excluded.expires")
        if connection.vendor == "postgresql":
            # The entries as one JSON parameter: psycopg splits a statement of 600 placeholders
            # in Python at every call (a long one is not cached), 5 ms for 200 entries; 200
            # entries took 2.6 ms this way, 3.5 to 4.3 with VALUES and 6.3 with two arrays.
            upsert = (f"INSERT INTO {table} (cache_key, value, expires) SELECT k, v, %s "
                      f"FROM json_to_recordset(%s::json) AS entry(k text, v text) {on_conflict}")
            params = [expires, json.dumps([{"k": k, "v": v} for k, v in zip(keys, values)])]
        else:
            upsert = (f"INSERT INTO {table} (cache_key, value, expires) VALUES "
                      f"{', '.join(['(%s, %s, %s)'] * len(rows))} {on_conflict}")
            params = [p for key, value in zip(keys, values) for p in (key, value, expires)]
        try:
            # Inside a transaction a savepoint keeps a failed write from spoiling it.
            with (transaction.atomic(using=db) if connection.in_atomic_block else nullcontext()), \
                    connection.cursor() as cursor:
                if connection.vendor != "postgresql":
                    cursor.execute(upsert, params)
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                elif self._max_entries <= COUNTED_UP_TO:
                    # the entries before this write, counted by the same statement
                    cursor.execute(f"WITH written AS ({upsert}) SELECT COUNT(*) FROM {table}",
                                   params)
                else:
                    # Counting a table of 200,000 entries (the default) would cost more than
                    # the write: the planner's estimate of its size, which autovacuum keeps,
                    # is good enough to cull by.
                    cursor.execute(f"WITH written AS ({upsert}) SELECT GREATEST(reltuples, 0)::bigint "
                                   "FROM pg_class WHERE oid = %s::regclass", [*params, table])
                entries = cursor.fetchone()[0]
                if entries > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), entries)
        except DatabaseError:
            return [key for _made, key, _value in rows]
        return []

    def _cull(self, db, cursor, now, num):
        """Past MAX_ENTRIES: the expired entries go, then a share of those that expire first.
        (Django's culls the first keys in alphabetical order, which are the data versions,
        "dealmonitor:data-…": every figure kept would be counted again after a cull. The
        versions never expire, so here they go last.)"""
        if self._cull_frequency == 0:
            self.clear()
            return
        table = connections[db].ops.quote_name(self._table)
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s",
                       [connections[db].ops.adapt_datetimefield_value(now)])
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(f"DELETE FROM {table} WHERE cache_key IN (SELECT cache_key FROM {table} "
                           "ORDER BY expires, cache_key LIMIT %s)",
                           [remaining // self._cull_frequency])

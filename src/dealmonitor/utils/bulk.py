"""Fast loading of many rows: COPY on PostgreSQL, one `executemany` on SQLite.

`Table`/`write` serve the synthetic portfolio generator (`dealmonitor generate`), whose rows are test
data built in code, not user input: they skip the services, their permission checks and their
history on purpose, the way a database restore would. Django's `bulk_create` builds a model
instance per row and a statement per batch; at 5 million measurements that alone takes
minutes, while COPY streams plain tuples.

The caller gives the primary keys itself (`id` first in `columns`), so rows can point at each
other without reading keys back; `reset_sequences` then moves PostgreSQL's sequences past them.
Columns left out get the field's default (`auto_now` fields: now).

`insert_with_history` serves the other use: new rows a user brings in (the spreadsheet import),
written fast but each with its history row. Django's `bulk_create` spends most of its time compiling each value through the ORM (and on
SQLite it may send only 999 values per statement); for the 100,000 rows of a large import
that is half a minute. `insert_with_history` writes the same rows with one prepared
statement per table (`executemany`; on PostgreSQL its COPY), giving each row its id first;
the django-simple-history row of each (type '+', the acting user and the reason) the database
copies from the rows just written (INSERT … SELECT), so those values are not formatted, sent
and parsed twice. It must run inside a transaction: the caller's, so it is all or nothing.
"""

import contextlib
import gc
import json
import operator
import threading

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from dealmonitor.utils.cache import data_changed


def _sqlite_converter(field):
    kind = field.get_internal_type()
    if kind == "DateField":
        return lambda v: v.isoformat() if v is not None else None
    if kind == "DateTimeField":
        return lambda v: connection.ops.adapt_datetimefield_value(v)
    if kind == "DecimalField":
        return lambda v: str(v) if v is not None else None
    if kind == "JSONField":
        return json.dumps
    return None


def _postgres_converter(field):
    if field.get_internal_type() == "JSONField":
        return json.dumps
    return None


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


class Table:
    """One model's table: `write(rows)` takes tuples in the order of `columns`."""

    def __init__(self, model, columns):
        self.model = model
        self.columns = list(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [f for name, f in fields.items() if name not in self.columns and not f.primary_key]
        now = timezone.now()
        self.defaults = tuple(_default(f, now) for f in missing)
        self.all_fields = [fields[c] for c in self.columns] + missing
        pick = _postgres_converter if connection.vendor == "postgresql" else _sqlite_converter
        self.converters = [pick(f) for f in self.all_fields]
        self.needs_conversion = any(self.converters)
        self.count = 0

    def _prepared(self, rows):
        defaults = self.defaults
        if not self.needs_conversion:
            for row in rows:
                yield tuple(row) + defaults
            return
        conv = list(enumerate(self.converters))
        conv = [(i, c) for i, c in conv if c]
        for row in rows:
            values = list(row) + list(defaults)
            for i, c in conv:
                values[i] = c(values[i])
            yield values

    def write(self, rows):
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in self.all_fields)
        prepared = self._prepared(rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
                        self.count += 1
            else:
                marks = ", ".join(["%s"] * len(self.all_fields))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                batch = []
                for row in prepared:
                    batch.append(row)
                    if len(batch) >= 20_000:
                        cursor.executemany(sql, batch)
                        self.count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    self.count += len(batch)
        return self.count


def write(model, columns, rows):
    """Insert `rows` (tuples in the order of `columns`) into `model`'s table; the row count."""
    return Table(model, columns).write(rows)


def reset_sequences(models):
    """Move the id sequences past the ids the generator gave (PostgreSQL; SQLite does this
    itself for AUTOINCREMENT keys)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze():
    """Fresh planner statistics after a large load; on PostgreSQL also the visibility map
    (VACUUM), so that counts can read indexes alone."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def analyze_stale():
    """ANALYZE the tables whose statistics autovacuum would refresh (more than 50 rows plus 10%
    changed since the last ANALYZE), as a production server does on its own. Benchmark and test
    servers may run without autovacuum; a plan made without statistics is not the page's fault.
    PostgreSQL only; returns the tables analyzed."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND n_mod_since_analyze > 50 + 0.1 * n_live_tup ORDER BY relname")
        stale = [name for (name,) in cursor.fetchall()]
        for name in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return stale


# Rows a user brings in, each with its history row ------------------------------




_BASE_DECIMAL = BaseDatabaseOperations.adapt_decimalfield_value


def _converter(field):
    """How a value of `field` is handed to the database driver, or None where the value goes
    as it is (PostgreSQL takes dates, datetimes and decimals as they are)."""
    ops = connection.ops
    kind = field.get_internal_type()
    postgres = connection.vendor == "postgresql"
    if kind == "DateField" and not postgres:
        return ops.adapt_datefield_value
    if kind == "DateTimeField" and not postgres:
        return ops.adapt_datetimefield_value
    if kind == "DecimalField" and type(ops).adapt_decimalfield_value is not _BASE_DECIMAL:
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if kind == "FileField":
        return lambda v: (v.name if hasattr(v, "name") else v) or ""
    if kind == "JSONField":
        return lambda v: json.dumps(v)
    return None


def _new_ids(table, n):
    """`n` new primary keys of `table`: on PostgreSQL from its sequence (one query, one row),
    so concurrent writers never get the same key; elsewhere after the highest key (SQLite
    holds one writer at a time)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the sequence's name looked up once, not once per key (7 ms instead of 45 for
            # 5,000 keys): a materialised CTE is evaluated once
            cursor.execute("WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
                           "SELECT array_agg(nextval(s.seq)) FROM s, generate_series(1, %s)", [table, n])
            return cursor.fetchone()[0]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 (our table)
        start = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + n + 1))


def _insert(model, rows, fields):
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":  # COPY: PostgreSQL's own bulk load
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})",
                           rows)


def _copy_history(model, history, pks, pairs, constants):
    """The history rows of the rows just inserted with the keys `pks`, copied by the database
    from those rows (INSERT … SELECT): the values a history row holds are the row's own, so
    they need not be formatted, sent and parsed a second time. `pairs`: (column of the
    model, column of the history) of the tracked fields; `constants`: (history column, its
    database type, value) of the history's own fields (date, reason, type, user)."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    target = ", ".join([quote(h) for _m, h in pairs] + [quote(c) for c, _t, _v in constants])
    # PostgreSQL is told each constant's type; SQLite takes a value as it comes (its CAST to
    # "datetime" would make a number of a time stamp)
    typed = "CAST(%s AS {})" if connection.vendor == "postgresql" else "%s"
    select = ", ".join([quote(m) for m, _h in pairs] + [typed.format(t) for _c, t, _v in constants])
    params = [v for _c, _t, v in constants]
    low, high = min(pks), max(pks)
    if high - low == len(pks) - 1 and len(set(pks)) == len(pks):
        # consecutive keys (always on SQLite, nearly always on PostgreSQL), in whatever order
        # they came: every key in the range is one of these rows
        where, params = f"{pk} BETWEEN %s AND %s", [*params, low, high]
    elif connection.vendor == "postgresql":
        where, params = f"{pk} = ANY(%s)", [*params, list(pks)]
    else:
        where, params = f"{pk} IN ({', '.join(['%s'] * len(pks))})", [*params, *pks]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(history._meta.db_table)} ({target}) "  # noqa: S608 (our tables)
                       f"SELECT {select} FROM {quote(model._meta.db_table)} WHERE {where} ORDER BY {pk}",
                       params)


def insert_with_history(objs, *, user=None, reason="", batch_size=5000, progress=None):
    """Insert unsaved instances `objs` (all of one model with HistoricalRecords) and their
    history rows. Sets each instance's pk. `progress(done)` after each batch.

    Queries: three per batch (new keys; the rows, by COPY on PostgreSQL; their history rows,
    copied from them by the database), whatever the batch's size; a row costs a tuple, not a
    statement."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("insert_with_history must run inside transaction.atomic()")
    if not objs:
        return objs
    model = type(objs[0])
    history = model.history.model
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    attnames = [f.attname for f in fields]
    stamped = [f.attname for f in fields
               if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
    for obj in objs:
        for attname in stamped:
            setattr(obj, attname, now)
    converters = [(i, conv) for i, conv in enumerate(_converter(f) for f in fields) if conv]
    # A time stamp is the same in every row: converted once.
    same = {attnames.index(a): _converter(fields[attnames.index(a)]) for a in stamped}
    same = {i: (conv(now) if conv else now) for i, conv in same.items()}
    converters = [(i, conv) for i, conv in converters if i not in same]
    pick = operator.itemgetter(*attnames)

    def values(obj):
        # From the instance's dict: a file field's descriptor would make a FieldFile per row;
        # an attribute the instance lacks (a deferred one) is read the ordinary way.
        own = obj.__dict__
        try:
            row = list(pick(own))
        except KeyError:
            row = [own[a] if a in own else getattr(obj, a) for a in attnames]
        for i, conv in converters:
            v = row[i]
            if v is not None:
                row[i] = conv(v)
        for i, v in same.items():
            row[i] = v
        return row

    columns = {f.attname: f.column for f in fields}
    history_fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(now),
        "history_change_reason": reason or None,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    # A history row: the tracked values of the row, then the history's own (the same for all).
    pairs = [(columns[f.attname], f.column) for f in history_fields if f.attname in columns]
    constants = [(f.column, f.cast_db_type(connection), extra[f.attname])
                 for f in history_fields if f.attname not in columns]
    done = 0
    for start in range(0, len(objs), batch_size):
        batch = objs[start:start + batch_size]
        pks = _new_ids(model._meta.db_table, len(batch))
        for obj, pk in zip(batch, pks):
            obj.pk = pk
        _insert(model, [values(obj) for obj in batch], fields)
        _copy_history(model, history, pks, pairs, constants)
        done += len(batch)
        if progress:
            progress(done)
    data_changed(sender=model, rows=objs)  # no save() ran, so no signal: kept figures must go
    return objs


# The garbage collector during a large load --------------------------------------------------

_paused = 0  # blocks running now
_enabled_before = True  # whether the collector ran before the first of them
_paused_lock = threading.Lock()


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection while the block runs (reference counting still frees
    everything that is not a cycle). Checking and writing 100,000 rows makes a million small
    objects that all stay alive until the end; the collector walks them again and again
    (each full collection every object of the process) without finding anything to free:
    a third of the CPU time of the check and of the write. Nested and concurrent blocks (two
    imports in two threads) are counted; the collector runs again when the last one ends."""
    global _paused, _enabled_before
    with _paused_lock:
        if _paused == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _enabled_before:
                gc.enable()

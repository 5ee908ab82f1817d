"""Writing many new rows fast, with their history.

Django's `bulk_create` spends most of its time compiling each value through the ORM (and on
SQLite it may send only 999 values per statement); for the 100,000 rows of a large import
that is half a minute. `insert_with_history` writes the same rows with one prepared
statement per table (`executemany`; on PostgreSQL its COPY), giving each row its id first, and writes the
django-simple-history row of each (type '+', the acting user and the reason) the same way.
It must run inside a transaction: the caller's, so it is all or nothing.
"""

import json

from django.db import connection, transaction
from django.utils import timezone


def _converter(field):
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if kind == "FileField":
        return lambda v: (v.name if hasattr(v, "name") else v) or ""
    if kind == "JSONField":
        return lambda v: json.dumps(v)
    return None


def _new_ids(table, n):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, n])
            return [row[0] for row in cursor.fetchall()]
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


def insert_with_history(objs, *, user=None, reason="", batch_size=5000, progress=None):
    """Insert unsaved instances `objs` (all of one model with HistoricalRecords) and their
    history rows. Sets each instance's pk. `progress(done)` after each batch."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("insert_with_history must run inside transaction.atomic()")
    if not objs:
        return objs
    model = type(objs[0])
    history = model.history.model
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields]
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    convert = [(f.attname, _converter(f)) for f in fields]

    def values(obj):
        out = []
        for attname, conv in convert:
            v = getattr(obj, attname)
            out.append(conv(v) if conv and v is not None else v)
        return out

    tracked = {f.attname for f in fields}
    history_fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(now),
        "history_change_reason": reason or None,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    order = [(f.attname, f.attname in tracked) for f in history_fields]
    index = {attname: i for i, (attname, _c) in enumerate(convert)}
    done = 0
    for start in range(0, len(objs), batch_size):
        batch = objs[start:start + batch_size]
        for obj, pk in zip(batch, _new_ids(model._meta.db_table, len(batch))):
            obj.pk = pk
        rows = [values(obj) for obj in batch]
        _insert(model, rows, fields)
        _insert(history, [
            [row[index[attname]] if own else extra[attname] for attname, own in order]
            for row in rows
        ], history_fields)
        done += len(batch)
        if progress:
            progress(done)
    return objs

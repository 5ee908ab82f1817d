"""Fast loading of many generated rows: COPY on PostgreSQL, one `executemany` on SQLite.

Used only by the synthetic portfolio generator (`dealmonitor generate`), whose rows are test
data built in code, not user input: they skip the services, their permission checks and their
history on purpose, the way a database restore would. Django's `bulk_create` builds a model
instance per row and a statement per batch; at 5 million measurements that alone takes
minutes, while COPY streams plain tuples.

The caller gives the primary keys itself (`id` first in `columns`), so rows can point at each
other without reading keys back; `reset_sequences` then moves PostgreSQL's sequences past them.
Columns left out get the field's default (`auto_now` fields: now).
"""

import json

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone


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

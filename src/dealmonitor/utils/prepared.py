"""Queries whose SQL Django compiles once per process, and rows kept as a related list.

Django turns a queryset into SQL anew on every run. On the deal page a dozen small queries,
each keyed by the deal, spent more time being compiled (5 ms of a 17 ms selector at scale L)
than the database spent answering them (issue 20, item 2). A `Prepared` query is built and
compiled on its first run per database, with a stand-in number for each parameter. Every
later run puts its own numbers where the stand-ins were, in the same SQL, and turns the
rows into model instances the way the compiler described them the first time: its select
list (select_related included), annotations and the fields' converters.

What a prepared query may be, checked on its first run (a `ValueError` otherwise): its
parameters are integers (keys), each stand-in is exactly one of the SQL's parameters, and
it reads model instances (not values()) without prefetch_related. The SQL stays whatever
Django writes for the queryset; only the work of writing it is saved.

`run_together` runs several prepared queries (and written-out statements) at once: on
PostgreSQL in one pipeline (psycopg's pipeline mode), so a page that reads a dozen small
lists waits for the database once rather than a dozen times (`together`).

No maintained library of the Django world does this for Django 5 (django-prepared-queries
was written for Django 1.x and is no longer released), hence this small module; it leans on
the compiler's `select`/`klass_info` description, as Django's own ModelIterable does.
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import ForeignKey
from django.db.models.query import ModelIterable, QuerySet, get_related_populators

# Stand-ins for the parameters: inside a 32-bit integer, because Django leaves a lookup with
# a number out of its field's range out of the SQL altogether.
STAND_IN = 1_987_654_301


class _Compiled:
    """The SQL of one prepared query on one database, and how its rows become instances."""

    def __init__(self, queryset, count):
        if queryset._prefetch_related_lookups or queryset._iterable_class is not ModelIterable:
            raise ValueError("A prepared query reads model instances, without prefetch_related.")
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(using=self.alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions = []
        for n in range(count):
            # an int, or on PostgreSQL psycopg's Int8 (which Django gives a big integer field)
            where = [i for i, p in enumerate(self.params)
                     if isinstance(p, int) and not isinstance(p, bool) and p == STAND_IN + n]
            if len(where) != 1:
                raise ValueError(f"Parameter {n} of a prepared query must occur once in its SQL.")
            self.positions.append(where[0])
        select = compiler.select
        info = compiler.klass_info
        self.model = info["model"]
        fields = info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.names = [column[0].target.attname for column in select[self.start:self.end]]
        self.related = get_related_populators(info, select, self.alias)
        self.annotations = list((compiler.annotation_col_map or {}).items())
        self.convert = _converting([
            (position, expression, functions) for position, (functions, expression) in
            compiler.get_converters([column[0] for column in select[:compiler.col_count]]).items()
        ], connections[self.alias])

    def statement(self, values):
        """(SQL, parameters) of a run with `values`."""
        params = list(self.params)
        for position, value in zip(self.positions, values):
            params[position] = type(params[position])(int(value))  # as Django typed the stand-in
        return self.sql, params

    def rows(self, values):
        return self.converted(together([self.statement(values)], using=self.alias)[0])

    def converted(self, rows):
        return [self.convert(row) for row in rows] if self.convert else rows

    def instances(self, values):
        return self.instances_of(self.rows(values))

    def instances_of(self, rows):
        """Model instances of `rows` (converted already)."""
        made = self.model.from_db
        alias, names, start, end = self.alias, self.names, self.start, self.end
        found = []
        for row in rows:
            obj = made(alias, names, row[start:end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def together(statements, using=DEFAULT_DB_ALIAS):
    """The rows of each of `statements` ([(SQL, parameters)]), as lists, in order. On
    PostgreSQL they are sent in one pipeline (psycopg's pipeline mode): the database answers
    them one after another as usual, but the application waits for the network once for all of
    them rather than once each (the deal page's eleven lists: 1.9 against 1.2 ms at scale L).
    Elsewhere (SQLite) they run one by one. Each still goes through Django's cursor, so
    query counts and logging see every one."""
    connection = connections[using]
    if len(statements) < 2 or connection.vendor != "postgresql" or not _can_pipeline():
        found = []
        for sql, params in statements:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found.append(cursor.fetchall())
        return found
    connection.ensure_connection()
    cursors = []
    try:
        # an error surfaces when the results are read: as Django's, as from a plain execute
        with connection.wrap_database_errors, connection.connection.pipeline():
            for sql, params in statements:
                cursor = connection.cursor()
                cursors.append(cursor)
                cursor.execute(sql, params)
            return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def _can_pipeline():
    """Whether psycopg's libpq has pipeline mode (libpq 14 or later; psycopg-binary brings
    its own, a system libpq may be older): without it the statements run one by one."""
    import psycopg

    return psycopg.Pipeline.is_supported()


def run_together(calls, extra=(), using=None):
    """`Prepared` queries run `together`: [(prepared, values)] -> [their instances], in
    order, followed by the rows of the written-out statements `extra` ([(SQL, parameters)])
    sent with them (all on one database)."""
    compiled = [prepared._for(using) for prepared, _values in calls]
    alias = compiled[0].alias if compiled else (using or DEFAULT_DB_ALIAS)
    rows = together([c.statement(values) for c, (_p, values) in zip(compiled, calls)]
                    + list(extra), using=alias)
    return ([c.instances_of(c.converted(found)) for c, found in zip(compiled, rows)]
            + rows[len(compiled):])


def row_converter(fields, using=DEFAULT_DB_ALIAS):
    """For a written-out query: a function turning a row whose values are those of `fields`
    (None for a computed column), as the database gives them, into what the ORM makes of them
    (the backend's and the fields' converters: dates, decimals and flags on SQLite, JSON
    everywhere), as a tuple; None when no value needs converting."""
    connection = connections[using]
    steps = []
    for position, field in enumerate(fields):
        if field is None:
            continue
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            steps.append((position, column, functions))
    return _converting(steps, connection)


def _converting(steps, connection):
    """A function applying `steps` ((position, expression, converters)) to a row, or None."""
    if not steps:
        return None

    def convert(row):
        row = list(row)
        for position, expression, functions in steps:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return tuple(row)

    return convert


class Prepared:
    """`Prepared(lambda deal_id: Track.objects.filter(deal_id=deal_id).order_by("name"))`:
    calling it with a deal's key returns that deal's tracks, as a list, in the SQL Django
    wrote for the queryset on the first call."""

    def __init__(self, build):
        self._build = build
        self._count = build.__code__.co_argcount
        self._compiled = {}
        self._model = None
        self._lock = threading.Lock()

    def _stand_ins(self):
        return self._build(*(STAND_IN + n for n in range(self._count)))

    def _for(self, alias):
        if alias is None:  # where Django would read the queryset's model from
            if self._model is None:
                self._model = self._stand_ins().model
            alias = router.db_for_read(self._model)
        # per database and kind of database: a test run may point an alias elsewhere
        key = (alias, connections[alias].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    compiled = _Compiled(self._stand_ins().using(alias), self._count)
                    self._compiled[key] = compiled
        return compiled

    def __call__(self, *values, using=None):
        if len(values) != self._count:
            raise TypeError(f"This prepared query takes {self._count} values.")
        return self._for(using).instances(values)


class KeptRows(QuerySet):
    """The rows of `instance.<name>` read already (by a prepared query), kept where Django
    keeps prefetched rows, so that `instance.<name>.all()` reads no more. Iterating, len(),
    bool(), count() and exists() use the rows; anything that would build a new query
    (filter, order_by, values…) starts from the related manager's own rows, exactly as
    after prefetch_related."""

    def _clone(self):
        manager = getattr(self._kept_instance, self._kept_name)
        base = super(type(manager), manager).get_queryset()
        return manager._apply_rel_filters(base)._clone()


def keep(instance, name, rows):
    """Keep `rows` as `instance.<name>.all()` (a reverse foreign key or a many-to-many whose
    related name is `name`); each row of a reverse foreign key knows `instance` as its own
    (`track.deal` reads nothing), as after prefetch_related."""
    manager = getattr(instance, name)
    field = getattr(manager, "field", None)
    if isinstance(field, ForeignKey):
        for row in rows:
            field.set_cached_value(row, instance)
    kept = KeptRows(model=manager.model, using=instance._state.db)
    kept._result_cache = rows
    kept._prefetch_done = True
    kept._kept_instance = instance
    kept._kept_name = name
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = kept
    return rows

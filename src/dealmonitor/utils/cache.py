"""Whole-portfolio figures kept in the cache until the data they count changes.

Some figures read the whole portfolio (the programme view counts 250,000 participations by
organisation type at scale L: a quarter of a second of SQL alone). They are computed once and
kept in Django's cache under *data versions*:

- one version per table of domain data (deals, organisations, impact, learning,
  connections), set anew by every committed change to a row of that table;
- the *data version* of all domain data, set anew by every such change as well (`cached`
  without tables uses it: any change counts);
- an *epoch*, set anew by `bump()`, for writes that send no signals (the generator's COPY,
  a restore, a data migration: `migrate` bumps it): it invalidates everything.

`cached(name, compute, tables=[...])` keeps a figure until one of the tables it reads
changes: a new measurement does not throw away the counts of deals by phase.

A *scope* narrows a table to the rows of one deal: `scope_with(resolver)` (the deals app sets
it) names, for a written row, version labels of its own ("deal:17": that deal's rows of every
app; "deal:any" for a write that names no row, such as a bulk insert, or whose deal is not
found). A figure of one deal that lists "deal:17" and "deal:any" instead of the tables is
kept while other deals change (the performance table page, impact/performance_html.py). A reader never
sees figures older than the last committed change to what they count.

The versions are values in the same cache (the database cache by default, so every app
server process sees the same ones; see docs/configuration.md, CACHE_URL). They are set, not
incremented, so two writers at once cannot lose a change. A figure is kept under the
versions it was computed under and used only while they are current. A version is set
straight away and once more when the transaction commits: a reader that computed from the
old data between the two keeps its figures under a version that is no longer current. Within one transaction each
table is marked once however many rows are written (an import of 100,000 rows sets two
versions, not 100,000).
"""

import time

from django.apps import apps as global_apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import SET_NULL
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from simple_history.models import HistoricalChanges

VERSION_KEY = "dealmonitor:data-version"
EPOCH_KEY = "dealmonitor:data-epoch"
TABLE_KEY = "dealmonitor:table-version:{}"
DOMAIN_APPS = {"deals", "organisations", "impact", "learning", "connections"}
TIMEOUT = 24 * 3600  # figures of an old version are dropped after a day at the latest


def _create_missing(keys, found):
    """Give the version keys of `keys` not in `found` a value now (one cache write), in `found`
    too. Setting, not adding, is safe: a reader computes from the data after its versions are
    set, and a writer marks once more when it commits."""
    missing = [k for k in keys if k not in found]
    if missing:
        now = time.time_ns()
        created = {key: now for key in missing}
        cache.set_many(created, None)
        found.update(created)


def label(model):
    """The version name of a model or a table: 'deals.participation', 'deals.deal_themes'."""
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


def bump():
    """Mark all data as changed (after writes that send no signals): nothing kept is used
    again."""
    now = time.time_ns()
    cache.set_many({VERSION_KEY: now, EPOCH_KEY: now}, None)


def cached(name, compute, tables=None):
    """`compute()`, kept under `name` until the data changes: any domain data, or only the
    `tables` named (models or 'app.model' labels; a many-to-many table by its through
    model, e.g. Deal.themes.through)."""
    return cached_parts({name: (tables, compute)})[name]


def cached_parts(parts):
    """Several figures at once, each kept until its own tables change: {name: (tables or
    None, compute)} -> {name: value}. Two cache reads however many parts (the versions, then
    the figures); only the parts whose tables changed are computed again."""
    return cached_many({name: tables for name, (tables, _compute) in parts.items()},
                       lambda names: {name: parts[name][1]() for name in names})


def cached_many(tables, compute, *, together=False):
    """Many figures computed together: {name: tables or None} -> {name: value}, each kept
    until its own tables change; `compute(names)` gives {name: value} of those not kept, in one
    call (the rows of a table, say, computed by one query for all of them). At most two cache
    reads and two writes, however many names.

    A figure is kept under the versions it was computed under (read before its data) and used
    only while they are the current ones. By default the versions are read first and the
    figures under their key (the versions in it): a figure out of date is not read at all,
    which matters for large figures that change together (the programme view's). With
    `together`, the figures are kept with their versions under a fixed key and read with the
    versions by one statement: one read instead of two where most figures stay valid and few
    change (an indicator's rows of the performance table), at the cost of reading those out
    of date as well."""
    made = {}  # a table's version key, made once (the names often share tables)

    def version_key(table):
        key = made.get(table)
        if key is None:
            key = made[table] = TABLE_KEY.format(label(table))
        return key

    wanted = {name: (VERSION_KEY,) if named is None else (EPOCH_KEY, *sorted(map(version_key, named)))
              for name, named in tables.items()}
    version_keys = sorted({k for ks in wanted.values() for k in ks})
    fixed = {name: f"dealmonitor:{name}" for name in wanted} if together else {}
    found = cache.get_many(version_keys + list(fixed.values()))
    _create_missing(version_keys, found)
    version = found.__getitem__
    stamps = {name: tuple(map(version, ks)) for name, ks in wanted.items()}
    if together:  # (stamps, value) under the fixed key, read above
        value_keys = fixed
        kept = {name: found[key] for name, key in fixed.items() if key in found}
        out = {name: entry[1] for name, entry in kept.items() if entry[0] == stamps[name]}
    else:  # the value under a key that holds its stamps
        value_keys = {name: f"dealmonitor:{name}:" + "-".join(map(str, stamps[name])) for name in wanted}
        kept = cache.get_many(list(value_keys.values()))
        out = {name: kept[key] for name, key in value_keys.items() if key in kept}
    missing = [name for name in value_keys if name not in out]
    if missing:
        fresh = compute(missing)
        cache.set_many({value_keys[name]: (stamps[name], fresh[name]) if together else fresh[name]
                        for name in missing}, TIMEOUT)
        out.update(fresh)
    return out


class _Changed:
    """The tables one transaction changed; marked again when it commits."""

    def __init__(self):
        self.tables = set()

    def mark(self, tables):
        new = tables - self.tables
        if new:
            self.tables |= new
            mark_changed(new)

    def __call__(self):
        mark_changed(self.tables)


def mark_changed(tables):
    """Give `tables` (labels such as "learning.lesson") and all data a new version."""
    now = time.time_ns()
    values = {TABLE_KEY.format(t): now for t in tables}
    values[VERSION_KEY] = now
    cache.set_many(values, None)


_resolver = None  # (model, instance or None, deleting) -> the scopes' labels of a written row
_many_resolver = None  # (model, rows) -> the labels of many rows written at once


def scope_with(resolver, many=None):
    """Have every write also mark the labels `resolver(model, instance, deleting)` returns
    (an iterable; instance None for a write that names no row), and a bulk write that names
    its rows (`data_changed(sender=model, rows=…)`) those of `many(model, rows)`."""
    global _resolver, _many_resolver
    _resolver, _many_resolver = resolver, many


def data_changed(sender=None, rows=None, **kwargs):
    """A row of domain data was written: its table, its scopes (`scope_with`) and all data get
    a new version now and at commit, once per transaction (or savepoint: each service call in
    a test's transaction counts). A bulk write calls it itself, with the `rows` it wrote
    where it has them (their scopes, not every deal's, are marked)."""
    if sender is None:
        bump()
        return
    if sender._meta.app_label not in DOMAIN_APPS or sender._meta.apps is not global_apps:
        return  # not domain data, or a migration's historical model
    tables = {label(sender)}
    if rows is not None and _many_resolver is not None:
        tables.update(_many_resolver(sender, rows))
    elif _resolver is not None:
        tables.update(_resolver(sender, kwargs.get("instance"), kwargs.get("signal") is post_delete))
    if not connection.in_atomic_block:
        mark_changed(tables)
        return
    here = set(connection.savepoint_ids)
    for item in connection.run_on_commit:
        if isinstance(item[1], _Changed) and item[0] == here:
            item[1].mark(tables)
            return
    changed = _Changed()
    changed.mark(tables)
    transaction.on_commit(changed)


NULLED_NAMED_UP_TO = 10_000  # rows losing a reference named one by one; past this, every deal


def nulled_on_delete(sender, instance, **kwargs):
    """Before a row is deleted: the rows of domain data whose reference to it the database
    empties (SET_NULL: Django's deletion updates them in bulk, with no signal per row) are
    named, as a bulk write names its rows, so the figures kept from them count again (a
    deleted organisation leaves its measurements without a reporting organisation, which
    changes a level's figure: impact/performance_html.py `row_tables`)."""
    if sender._meta.app_label not in DOMAIN_APPS or sender._meta.apps is not global_apps:
        return  # not domain data (a user: only history rows name them), or a migration's model
    # every reference to the model, those without a reverse name ("+") too, as Django's
    # deletion finds them; not the history rows, which no figure counts
    for relation in sender._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete
                and (relation.one_to_many or relation.one_to_one)):
            continue
        model = relation.related_model
        if (relation.on_delete is not SET_NULL or model._meta.app_label not in DOMAIN_APPS
                or issubclass(model, HistoricalChanges)):
            continue
        keys = [f.attname for f in model._meta.concrete_fields if f.is_relation]
        rows = list(model._base_manager.filter(**{relation.field.name: instance})
                    .only(*keys)[:NULLED_NAMED_UP_TO + 1])
        if len(rows) > NULLED_NAMED_UP_TO:
            data_changed(sender=model, rows=None)  # names no row: every deal
        elif rows:
            data_changed(sender=model, rows=rows)


def after_migrate(app_config=None, **kwargs):
    """After `migrate` nothing kept counts: a data migration writes without signals (and the
    cache table, created by a migration, exists by then). Once per run: the signal is sent for
    each app with models, in order, and the last one bumps."""
    last = [a for a in global_apps.get_app_configs() if a.models_module is not None][-1]
    if app_config is not None and app_config.label == last.label:
        bump()


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(data_changed, dispatch_uid=f"dealmonitor-data-version-{signal}")
    pre_delete.connect(nulled_on_delete, dispatch_uid="dealmonitor-data-version-nulled")
    post_migrate.connect(after_migrate, dispatch_uid="dealmonitor-data-version-migrate")

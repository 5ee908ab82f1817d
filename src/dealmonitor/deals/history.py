"""A deal's change log: every history entry (django-simple-history) of the deal and of
everything that belongs to it, newest first, each with who, when, what changed from what to
what, and why.

`TRACKED` (registered by each app, deals/registry.py) says, per model, how its rows belong to a deal: directly (`deal`) or through a
parent (a measurement through its indicator). The rows are found through the history tables
themselves, so a row that has since been deleted (and its deletion) stays in the log.

Many-to-many links (a deal's themes, a lesson's themes, indicators, assumptions and
bottlenecks, an effect's tags) are kept by simple-history with every entry of their row
(`HistoricalRecords(m2m_fields=...)`): the log compares the links of an entry with those of
the entry before it and shows what was added and removed. Services change links through
`set_relations`, which leaves one entry for all of them (docs/development.md, "Links in the
history").

The page reads a fixed number of queries whatever the size of the history: one per model for
the entries, one per model for the entries they are compared with, one per kept relation for
their links, one per kind of related row for the names shown.
"""

import datetime as dt
import functools
import heapq
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from dealmonitor.utils.change_reason import reason_parts
from dealmonitor.utils.prepared import Prepared

from .registry import NAMED_BY, NOT_RESTORABLE, PART_OF, TRACKED  # noqa: F401 (used by others)

# Parts of a deal, for grouping and filtering the log.
PARTS = {
    "deal": _("the deal"),
    "partners": _("partners"),
    "roles": _("roles in Dealmonitor"),
    "pathway": _("impact pathway and effects"),
    "indicators": _("indicators and targets"),
    "measurements": _("measurements"),
    "bottlenecks": _("bottlenecks"),
    "assessments": _("self-assessments"),
    "learning": _("lessons, uptake and plans"),
    "connections": _("connections"),
}

# Which rows belong to a deal, per model (TRACKED, PART_OF), the field naming a row (NAMED_BY)
# and what is not put back (NOT_RESTORABLE) are registered by each app in its
# AppConfig.ready() (deals/registry.py; the deals app's own in deals/apps.py).

# Fields that are not shown and not restored: bookkeeping, and values that change only through
# a service that keeps its own history (the phase with its phase changes, a bottleneck's status
# with its status changes), or files that may be gone.
NOT_SHOWN = {"id", "created_at", "updated_at", "recorded_at", "search_stems"}


def model(label):
    return apps.get_model(label)


@functools.cache
def history_model(label):
    """The model's history model. Kept: `Model.history` builds a new manager class at every
    access (django-simple-history's descriptor, through `from_queryset`), and the change log
    asked for some fifty of them per page, a third of its time."""
    return model(label).history.model


@functools.cache
def fields_of(label):
    """The concrete fields a history entry of the model shows, in model order (a tuple: the
    log asks for them once per entry)."""
    history_names = {f.name for f in history_model(label)._meta.fields}
    return tuple(
        f for f in model(label)._meta.concrete_fields
        if f.name in history_names and f.name not in NOT_SHOWN
    )


@functools.cache
def relations_of(label):
    """The many-to-many fields whose links the model's history keeps, in model order."""
    kept = {f.name for f in getattr(history_model(label), "_history_m2m_fields", ())}
    return tuple(f for f in model(label)._meta.many_to_many if f.name in kept)


def links_of(label, records):
    """{(history_id, field name): frozenset of the linked ids} for the history rows, one
    query per kept relation. A row without links has empty sets."""
    ids = [r.history_id for r in records if r is not None]
    out = {(hid, f.name): frozenset() for hid in ids for f in relations_of(label)}
    if not ids:
        return out
    for f in relations_of(label):
        kept = getattr(history_model(label), f.name).model
        target = f"{f.m2m_reverse_field_name()}_id"
        found = {}
        for hid, target_id in kept.objects.filter(history_id__in=ids).values_list(
                "history_id", target):
            found.setdefault(hid, set()).add(target_id)
        for hid, targets in found.items():
            out[(hid, f.name)] = frozenset(targets)
    return out


def set_relations(instance, *, actor, reason="", record=True, **relations):
    """Set many-to-many links of a saved row (a relation given as None is left alone) and
    leave ONE history entry for all of them, by the actor with the reason. simple-history
    writes an entry for every add and every remove, and `set()` does both; here the links
    change without entries and the row is then saved once, which records them all. With
    `record=False` the caller saves the row itself (its entry then records the links).
    Returns the names of the relations that changed."""
    changed = []
    with transaction.atomic():
        instance.skip_history_when_saving = True
        try:
            for name, values in relations.items():
                if values is None:
                    continue
                manager = getattr(instance, name)
                wanted = {getattr(v, "pk", v) for v in values}
                if wanted != set(manager.values_list("pk", flat=True)):
                    manager.set(wanted)
                    changed.append(name)
        finally:
            del instance.skip_history_when_saving
        if changed and record:
            instance._history_user = actor
            instance._change_reason = reason
            instance.save()
    return changed


def rows_of_deal(label, deal_id, *more_ids):
    """The history rows of `label` that belong to the deal (a queryset), found through the
    history tables so deleted rows and deleted parents still count. A model with two deal
    fields (a connection's two deals) compares the second with `more_ids[0]` when given (the
    same deal: a prepared query takes each of its parameters once)."""
    spec = next(t for t in TRACKED if t[0] == label)
    _, _, parent_field, parent_label = spec
    qs = history_model(label).objects.all()
    if parent_field is None:
        return qs.filter(id=deal_id)
    if isinstance(parent_field, tuple):
        keys = [deal_id, *more_ids]
        keys += [deal_id] * (len(parent_field) - len(keys))  # the same deal where none is given
        condition = Q()
        for name, key in zip(parent_field, keys):
            condition |= Q(**{f"{name}_id": key})
        return qs.filter(condition)
    if parent_label is None:
        return qs.filter(**{f"{parent_field}_id": deal_id})
    parents = rows_of_deal(parent_label, deal_id).values("id")
    return qs.filter(**{f"{parent_field}_id__in": parents})


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str
    # For many-to-many links: the names added and removed (before and after stay empty).
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def is_links(self):
        return bool(self.added or self.removed)


@dataclass
class Entry:
    label: str  # model label
    record: object  # the history row
    previous: object | None
    part: str
    kind: str  # created, changed, deleted
    what: str
    object_label: str
    changes: list = field(default_factory=list)
    reason_label: str | None = None
    reason_text: str = ""
    restorable: bool = False

    @property
    def key(self):
        return f"{self.label}-{self.record.history_id}"

    @property
    def when(self):
        return self.record.history_date

    @property
    def who(self):
        return self.record.history_user


KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _merged(querysets, count):
    """The newest `count` rows over several querysets ordered newest first."""
    def stream(label, qs):
        for row in qs[:count]:
            yield row.history_date, row.history_id, label, row

    streams = [stream(label, qs) for label, qs in querysets]
    merged = heapq.merge(*streams, key=lambda item: (item[0], item[1]), reverse=True)
    return [(label, row) for _, _, label, row in merged][:count]


def _previous(label, rows):
    """{history_id: the row before it of the same object}."""
    if not rows:
        return {}
    H = history_model(label)
    before = H.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    ).order_by("-history_date", "-history_id").values("history_id")[:1]
    pairs = dict(
        H.objects.filter(history_id__in=[r.history_id for r in rows])
        .annotate(previous_id=Subquery(before)).values_list("history_id", "previous_id")
    )
    previous = {p.history_id: p for p in H.objects.filter(
        history_id__in=[pid for pid in pairs.values() if pid])}
    return {hid: previous.get(pid) for hid, pid in pairs.items()}


@functools.cache
def _choices(field):
    """{value: label} of a field with choices (the labels translated when shown)."""
    return dict(field.flatchoices)


def _display(field, value, names):
    if value is None or value == "":
        return "–"
    if field.is_relation:
        return names.get((field.related_model._meta.label_lower, value), f"#{value}")
    if field.choices:
        return str(_choices(field).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):  # in the site's time, as the change's own time is shown
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                                   "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        # 3.5000 as 3,5 and 100.0000 as 100 (normalize alone would give 1E+2)
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        return formats.number_format(value)
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _names(entries, links):
    """Names of the related rows the entries point to: {(label, pk): str}, one query per model."""
    wanted = {}
    for label, record, previous in entries:
        for f in relations_of(label):
            for row in (record, previous):
                if row is not None:
                    wanted.setdefault(f.related_model, set()).update(
                        links[label].get((row.history_id, f.name), ()))
        for f in fields_of(label):
            if not f.is_relation:
                continue
            for row in (record, previous):
                value = getattr(row, f.attname, None) if row is not None else None
                if value is not None:
                    wanted.setdefault(f.related_model, set()).add(value)
    names = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=ids):
            names[(related._meta.label_lower, obj.pk)] = _short(obj)
    return names


def _short(obj):
    """A name without queries to other rows (no __str__ that follows foreign keys)."""
    for attr in ("name", "title", "username", "text", "reference", "slug"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)[:80]
    return f"#{obj.pk}"


def _object_label(label, record, names):
    name = NAMED_BY.get(label)
    if name is None:
        name = next((n for n in ("name", "title", "text", "description")
                     if hasattr(record, n) and getattr(record, n)), None)
    if name is None:
        return f"#{record.id}"
    f = model(label)._meta.get_field(name)
    return _display(f, getattr(record, f.attname), names)[:80]


def _link_changes(label, record, previous, kind, names, links):
    """What changed in the kept many-to-many links: added and removed names, sorted."""
    out = []
    if kind != "changed":
        # A row is created before it can have links (they follow in the next entry), so links
        # on a creation entry can only come from the baseline of history_baseline.py; the
        # links of a deleted row go with it (the entry before shows them).
        return out
    links = links.get(label, {})
    for f in relations_of(label):
        after = links.get((record.history_id, f.name), frozenset())
        before = (links.get((previous.history_id, f.name), frozenset())
                  if previous is not None else frozenset())
        if after == before:
            continue
        related = f.related_model._meta.label_lower

        def named(ids, related=related):
            return sorted((names.get((related, i), f"#{i}") for i in ids), key=str.lower)

        out.append(Change(f.name, str(f.verbose_name), "", "", added=named(after - before),
                          removed=named(before - after)))
    return out


def _changes(label, record, previous, kind, names):
    out = []
    for f in fields_of(label):
        after = getattr(record, f.attname)
        before = getattr(previous, f.attname) if previous is not None else None
        if kind == "changed" and before == after:
            continue
        if kind == "created" and after in (None, "", [], {}):
            continue
        if kind == "deleted":
            before, after = after, None
            if before in (None, "", [], {}):
                continue
        out.append(Change(f.name, str(f.verbose_name), _display(f, before, names),
                          _display(f, after, names)))
    return out


def restorable_fields(label, record, previous):
    """The fields a change can be undone for: those it changed, minus NOT_RESTORABLE."""
    skip = NOT_RESTORABLE.get(label, set())
    return [
        f for f in fields_of(label)
        if f.name not in skip and previous is not None
        and getattr(previous, f.attname) != getattr(record, f.attname)
    ]


def restorable_relations(label, record, previous, links=None):
    """{field name: the linked ids before the change} for the kept many-to-many relations the
    change altered (`links` as from `links_of`; read when not given)."""
    if previous is None:
        return {}
    if links is None:
        links = links_of(label, [record, previous])
    out = {}
    for f in relations_of(label):
        before = links.get((previous.history_id, f.name), frozenset())
        if before != links.get((record.history_id, f.name), frozenset()):
            out[f.name] = before
    return out


PREPARED_UP_TO = 501  # rows read per table for the first ten pages of 50: prepared
_PREPARED = {}  # (label, rows read) -> Prepared


def _newest(label, deal_id, count):
    """The deal's newest `count` history rows of `label`, newest first, with their users."""
    def build(deal_id, *more_ids):
        return (rows_of_deal(label, deal_id, *more_ids).select_related("history_user")
                .order_by("-history_date", "-history_id")[:count])

    if count > PREPARED_UP_TO:
        return list(build(deal_id))
    # Django compiled the thirty-odd queries of a page anew at every view, more time than the
    # database took to answer them: each is compiled once per process (utils/prepared.py)
    two = isinstance(next(t for t in TRACKED if t[0] == label)[2], tuple)  # a connection's deals
    query = _PREPARED.get((label, count))
    if query is None:
        if two:
            query = Prepared(lambda deal_id, other_id: build(deal_id, other_id))
        else:
            query = Prepared(lambda deal_id: build(deal_id))
        query = _PREPARED.setdefault((label, count), query)
    return query(deal_id, deal_id) if two else query(deal_id)


def change_log(deal, *, part=None, page=1, per_page=50):
    """One page of the deal's log: (entries, has_next)."""
    labels = [label for label, p, _, _ in TRACKED if part in (None, "", p)]
    count = page * per_page + 1
    querysets = [(label, _newest(label, deal.pk, count)) for label in labels]
    rows = _merged(querysets, count)
    has_next = len(rows) > page * per_page
    rows = rows[(page - 1) * per_page: page * per_page]
    by_label = {}
    for label, row in rows:
        by_label.setdefault(label, []).append(row)
    previous = {}
    for label, label_rows in by_label.items():
        previous.update({(label, hid): p for hid, p in _previous(label, label_rows).items()})
    triples = [(label, row, previous.get((label, row.history_id))) for label, row in rows]
    links = {  # {label: {(history_id, field name): linked ids}}
        label: links_of(label, [*label_rows, *(previous.get((label, r.history_id))
                                               for r in label_rows)])
        for label, label_rows in by_label.items() if relations_of(label)
    }
    names = _names(triples, links)
    entries = []
    for label, row, prev in triples:
        kind = KINDS.get(row.history_type, "changed")
        reason_label, reason_text = reason_parts(row.history_change_reason)
        entry = Entry(
            label=label, record=row, previous=prev, part=PART_OF[label], kind=kind,
            what=str(model(label)._meta.verbose_name), object_label=_object_label(label, row, names),
            changes=[*_changes(label, row, prev, kind, names),
                     *_link_changes(label, row, prev, kind, names, links)],
            reason_label=reason_label, reason_text=reason_text,
        )
        entry.restorable = (
            (kind == "changed" and bool(restorable_fields(label, row, prev) or restorable_relations(
                label, row, prev, links.get(label, {}))))
            or kind == "deleted"
        )
        entries.append(entry)
    return entries, has_next


def find_entry(deal, label, history_id):
    """The history row `history_id` of model `label` if it belongs to the deal, with the row
    before it; raises LookupError otherwise."""
    if label not in PART_OF:
        raise LookupError(label)
    record = rows_of_deal(label, deal.pk).filter(history_id=history_id).first()
    if record is None:
        raise LookupError(history_id)
    return record, _previous(label, [record]).get(record.history_id)

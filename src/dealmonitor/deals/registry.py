"""What the deals app needs to know of the rows other apps keep for a deal, told by those apps
themselves: each app registers its models in its `AppConfig.ready()`, so `deals` names no
other app's model (docs/architecture.md).

- `track(label, part, parent_field, parent_label)`: the model's rows belong to a deal, directly
  (`parent_field="deal"`, `parent_label=None`) or through a parent row; the deal's change log
  shows them under `part` (deals/history.py). Options: `named_by` (the field that names a row
  in the log), `not_restorable` (fields the log shows but does not put back).
  `scopes(model, instance)` walks those parents up to the deal: the version labels the cache
  gives a written row (utils/cache.py, `scope_with`). With `versioned=True` each row of the
  model has a version label of its own as well (`row_scope`), marked by every write of it or
  of a row under it (an indicator's, by its targets, measurements and their parts): what is
  kept of one such row (the performance table's row of an indicator) lasts until it changes.
  With `per_deal=True` a write of the model also marks its deal's version of that model
  (`deal_scope(id, label)`): what is kept of one deal's rows of a few models (the performance
  table's layout: its indicators, elements and targets) lasts while other rows change.
- `internal(label, fields=..., whole=False)`: fields, or the whole model, that only those who may
  see the deal's internals see (deals/internal.py).
- `shared_texts(reader)`: texts an app keeps about a deal that the whole programme may read
  (lessons, bottlenecks), for apps on the same floor that may not import it (the related-deals
  engine in `connections` reads the lessons of `learning` this way). `reader(deal_ids)` yields
  `(deal_id, texts, regulation)`: a tuple of texts and the rule a bottleneck names, or "";
  `deal_ids=None` means every deal. Examples and invented demo rows are left out by the reader.
"""

# (model label, part, field pointing to the parent, parent label); the parent None is the deal.
TRACKED = []
PARENT = {}  # model label -> (field pointing to the parent, parent label)
VERSIONED = set()  # model labels whose rows have a version label of their own (`row_scope`)
PER_DEAL = set()  # model labels whose writes mark their deal's version of the model
ANY_DEAL = "deal:any"  # the cache's label of a write whose deal is not known
PART_OF = {}
NOT_RESTORABLE = {}
NAMED_BY = {}
INTERNAL_FIELDS = {}
INTERNAL_MODELS = set()
SHARED_TEXTS = {}  # app label -> reader(deal_ids) of texts the whole programme may read


def track(label, part, parent_field, parent_label=None, *, named_by=None, not_restorable=(),
          versioned=False, per_deal=False):
    label = label.lower()
    if versioned:
        VERSIONED.add(label)
    if per_deal:
        PER_DEAL.add(label)
    if label in PART_OF:
        return  # registered already (ready() may run more than once in tests)
    TRACKED.append((label, part, parent_field, parent_label))
    PARENT[label] = (parent_field, parent_label)
    PART_OF[label] = part
    if named_by:
        NAMED_BY[label] = named_by
    if not_restorable:
        NOT_RESTORABLE[label] = set(not_restorable)


def internal(label, fields=(), *, whole=False):
    label = label.lower()
    if whole:
        INTERNAL_MODELS.add(label)
    if fields:
        INTERNAL_FIELDS[label] = tuple(fields)


def shared_texts(app_label, reader):
    SHARED_TEXTS[app_label] = reader


def deal_scope(deal_id, model=None):
    """The cache's version label of one deal's rows (utils/cache.py); with `model` (a model or
    its label, registered `per_deal`), of its rows of that model only."""
    if model is None:
        return f"deal:{int(deal_id)}"
    label = model if isinstance(model, str) else model._meta.label_lower
    return f"deal:{int(deal_id)}:{label.lower()}"


def row_scope(model, pk):
    """The cache's version label of one row of a `versioned` model (a model or its label)."""
    label = model if isinstance(model, str) else model._meta.label_lower
    return f"{label.lower()}:{int(pk)}"


MANY_READS = 200  # parents a bulk write's rows may read for their labels before it marks every deal


class _TooMany(Exception):
    pass


def scopes(model, instance, deleting=False, seen=None, reads=None):
    """The cache's version labels of a written row of `model`: its deal's (along the parents
    `track` names; both deals of a row that has two) and those of the `versioned` rows on the
    way (the row itself included), ANY_DEAL when the row is not named (a
    bulk write) or its deal is not found; nothing for a model that belongs to no deal. A
    parent not loaded with the row is read (one query a level), except while `deleting`: a
    cascade deletes many rows whose parents are not loaded, and a query per row would double
    the delete's queries, so they mark every deal. With `seen` (a set, for many rows of one
    write: `scopes_of_rows`) the walk stops at a parent an earlier row passed."""
    from django.core.exceptions import ObjectDoesNotExist

    label = own = model._meta.label_lower
    if label not in PARENT:
        return ()
    if instance is None:
        return (ANY_DEAL,)

    def deal_labels(ids):
        if own in PER_DEAL:
            return tuple(scope for i in ids for scope in (deal_scope(i), deal_scope(i, own)))
        return tuple(deal_scope(i) for i in ids)

    obj = instance
    rows = ()  # the versioned rows passed on the way up
    try:
        while True:
            if seen is not None and obj is not instance:
                key = (label, obj.pk if obj.pk is not None else id(obj))
                if key in seen:
                    return rows  # what lies above was marked for an earlier row
                seen.add(key)
            if label in VERSIONED and obj.pk is not None:
                rows += (row_scope(label, obj.pk),)
            field, parent = PARENT[label]
            if field is None:  # the deal itself
                return rows + (deal_labels([obj.pk]) if obj.pk is not None else (ANY_DEAL,))
            if parent is None:  # the deal's own field(s)
                fields = field if isinstance(field, tuple) else (field,)
                ids = [getattr(obj, obj._meta.get_field(f).attname) for f in fields]
                if None in ids:
                    return (ANY_DEAL,)
                return rows + deal_labels(ids)
            if not obj._meta.get_field(field).is_cached(obj):
                if deleting:
                    return (ANY_DEAL,)
                if reads is not None:
                    reads.append(label)
                    if len(reads) > MANY_READS:
                        raise _TooMany
            obj = getattr(obj, field)
            if obj is None:
                return (ANY_DEAL,)
            label = parent
    except ObjectDoesNotExist:  # a parent deleted before its row's signal
        return (ANY_DEAL,)


def scopes_of_rows(model, rows):
    """The labels of many rows of `model` written at once (a bulk insert sends no signal per
    row): those `scopes` gives each, walking up only to the first parent an earlier row passed
    (the 100,000 measurements of a spreadsheet share a few hundred indicators). ANY_DEAL when
    the rows' parents are not loaded and more than MANY_READS would be read."""
    seen, reads, found = set(), [], set()
    try:
        for row in rows:
            found.update(scopes(model, row, seen=seen, reads=reads))
    except _TooMany:
        return (ANY_DEAL,)
    return tuple(sorted(found))

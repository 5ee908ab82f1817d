"""What the deals app needs to know of the rows other apps keep for a deal, told by those apps
themselves: each app registers its models in its `AppConfig.ready()`, so `deals` names no
other app's model (docs/architecture.md).

- `track(label, part, parent_field, parent_label)`: the model's rows belong to a deal, directly
  (`parent_field="deal"`, `parent_label=None`) or through a parent row; the deal's change log
  shows them under `part` (deals/history.py). Options: `named_by` (the field that names a row
  in the log), `not_restorable` (fields the log shows but does not put back).
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
PART_OF = {}
NOT_RESTORABLE = {}
NAMED_BY = {}
INTERNAL_FIELDS = {}
INTERNAL_MODELS = set()
SHARED_TEXTS = {}  # app label -> reader(deal_ids) of texts the whole programme may read


def track(label, part, parent_field, parent_label=None, *, named_by=None, not_restorable=()):
    label = label.lower()
    if label in PART_OF:
        return  # registered already (ready() may run more than once in tests)
    TRACKED.append((label, part, parent_field, parent_label))
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

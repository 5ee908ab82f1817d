"""The stored similarity index (`SimilarityFeature`): each deal's vectors, stems, regulations
and the mentions its texts make, as the last rebuild or one-deal update computed them. The
one-deal update (`incremental.py`) reads the other deals from here instead of loading the
whole portfolio; the rebuild writes it whole."""

import contextlib
from collections import Counter

from django.db import connection
from django.db.models import F

from dealmonitor.utils import bulk

from .models import SimilarityFeature, StemCount

ORG, THEME, STEM, WORD, REGULATION, MENTION = "o", "t", "s", "w", "r", "m"
COLUMNS = ["deal_id", "kind", "key", "weight", "label"]
MAX_KEY = 400


def rows_of(portfolio, pk, made=None):
    """The index rows of one deal of a portfolio (`scoring.Portfolio` or the partial one);
    `made`: the mentions it makes, if already grouped by source (`mentions_by_source`)."""
    p = portfolio.profiles[pk]
    out = []
    for key, weight in portfolio.org_vec[pk].items():
        out.append((pk, ORG, str(key), weight, ""))
    for key, weight in portfolio.theme_vec[pk].items():
        out.append((pk, THEME, str(key), weight, ""))
    for key, weight in portfolio.term_vec[pk].items():
        out.append((pk, STEM, key, weight, portfolio.surface.get(key, key)))
    for key, count in p.terms.items():
        if len(key) <= MAX_KEY:
            # The readable spelling, when it is not the stem itself: a stem that becomes
            # shared later is named in the reasons as the rebuild names it.
            out.append((pk, WORD, key, float(count), _label(portfolio.surface.get(key, key), key)))
    for key, label in p.regulations:
        if len(key) <= MAX_KEY:
            out.append((pk, REGULATION, key, 0.0, label))
    if made is None:
        made = mentions_by_source(portfolio).get(pk, ())
    for target, mention in made:
        out.append((pk, MENTION, str(target), 1.0 if mention.follow_up else 0.0,
                    f"{mention.field}\n{mention.snippet}"))
    return out


def _label(spelling, key):
    return "" if spelling == key else spelling[:MAX_KEY]


def mentions_by_source(portfolio):
    """{source: [(target, Mention)]}: grouped once, not scanned once per deal (at 10,000
    deals a scan of every mention per deal took minutes of the rebuild)."""
    out = {}
    for (source, target), mention in portfolio.stated.mentions.items():
        out.setdefault(source, []).append((target, mention))
    return out


def _empty(model):
    if connection.vendor == "postgresql":
        # Neither table has a foreign-key constraint, so no checks are pending on it.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(model._meta.db_table)}")
    else:
        model.objects.all().delete()


def write_all(portfolio):
    """Replace the whole index with the portfolio's (on PostgreSQL the table is emptied with
    TRUNCATE: deleting a million rows one by one takes longer than writing them), and the
    count of deals of every stem (`StemCount`)."""
    _empty(SimilarityFeature)
    _empty(StemCount)
    stems = Counter(key for p in portfolio.profiles.values() for key in p.terms
                    if len(key) <= MAX_KEY)
    bulk.write(StemCount, ["key", "deals", "label"], (
        (key, deals, _label(portfolio.surface.get(key, key), key))
        for key, deals in stems.items()))
    made = mentions_by_source(portfolio)
    rows = (row for pk in portfolio.profiles for row in rows_of(portfolio, pk, made.get(pk, ())))
    if connection.vendor == "postgresql":
        with _indexes_built_after(SimilarityFeature):
            _copy(rows)
    else:
        bulk.write(SimilarityFeature, COLUMNS, rows)


@contextlib.contextmanager
def _indexes_built_after(model):
    """The model's indexes dropped while its emptied table is filled, and built afresh after
    it: one sorted build per index instead of some 900,000 insertions into each at scale L.
    Inside the rebuild's transaction (PostgreSQL's DDL is transactional; TRUNCATE holds the
    table already), so a failed rebuild leaves them as they were."""
    with connection.schema_editor() as editor:
        for index in model._meta.indexes:
            editor.remove_index(model, index)
    yield
    with connection.schema_editor() as editor:
        for index in model._meta.indexes:
            editor.add_index(model, index)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_BLOCK = 20_000


def _copy(rows):
    """COPY the rows in PostgreSQL's text format, 20,000 lines per write: some 900,000 rows
    at scale L, where a `write_row` per row spent more time in Python than the server did."""
    table = connection.ops.quote_name(SimilarityFeature._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN") as copy:
        lines = []
        for deal_id, kind, key, weight, label in rows:
            lines.append(f"{deal_id}\t{kind}\t{key.translate(_ESCAPES)}\t{weight!r}\t"
                         f"{label.translate(_ESCAPES)}\n")
            if len(lines) >= COPY_BLOCK:
                copy.write("".join(lines))
                lines = []
        if lines:
            copy.write("".join(lines))


def replace(deal_ids, rows, kinds=None):
    """Replace the rows of `deal_ids` (only of `kinds` if given) with `rows`."""
    qs = SimilarityFeature.objects.filter(deal_id__in=list(deal_ids))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    qs.delete()
    SimilarityFeature.objects.bulk_create(
        [SimilarityFeature(deal_id=d, kind=k, key=key, weight=w, label=label)
         for d, k, key, w, label in rows], batch_size=2000)


def is_built():
    return SimilarityFeature.objects.exists()


# The stem counts (`StemCount`) --------------------------------------------------------------

CHUNK = 500


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def stem_counts(keys):
    """{stem: number of deals whose texts use it} for `keys` (0 for a stem no deal uses)."""
    out = dict.fromkeys(keys, 0)
    for chunk in _chunks(out):
        out.update(StemCount.objects.filter(key__in=chunk).values_list("key", "deals"))
    return out


def known_stems(keys):
    """The stems of `keys` that some deal's texts use."""
    found = set()
    for chunk in _chunks(keys):
        found.update(StemCount.objects.filter(key__in=chunk, deals__gt=0)
                     .values_list("key", flat=True))
    return found


def stem_spellings(keys):
    """{stem: the readable spelling kept for it} for those of `keys` some deal uses."""
    out = {}
    for chunk in _chunks(keys):
        out.update((key, label or key) for key, label in StemCount.objects.filter(
            key__in=chunk, deals__gt=0).values_list("key", "label"))
    return out


def count_stems(gained, lost, spellings):
    """One deal's texts now use the stems in `gained` and no longer those in `lost`: their
    counts move by one (a stem new to the portfolio keeps the deal's own spelling)."""
    gained = [key for key in gained if len(key) <= MAX_KEY]
    lost = [key for key in lost if len(key) <= MAX_KEY]
    table = connection.ops.quote_name(StemCount._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in ("key", "deals", "label"))
    deals = connection.ops.quote_name("deals")
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(gained)):
            marks = ", ".join(["(%s, 1, %s)"] * len(chunk))
            values = [v for key in chunk for v in (key, _label(spellings.get(key, key), key))]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {marks} ON CONFLICT "  # noqa: S608
                f"({connection.ops.quote_name('key')}) DO UPDATE SET {deals} = {table}.{deals} + 1",
                values)
    for chunk in _chunks(sorted(lost)):
        StemCount.objects.filter(key__in=chunk, deals__gt=0).update(deals=F("deals") - 1)


def forget(deal_id):
    """A deal is deleted: its stems count one deal less (its index rows go with it)."""
    count_stems((), SimilarityFeature.objects.filter(deal_id=deal_id, kind=WORD)
                .values_list("key", flat=True), {})

"""The stored similarity index (`SimilarityFeature`): each deal's vectors, stems, regulations
and the mentions its texts make, as the last rebuild or one-deal update computed them. The
one-deal update (`incremental.py`) reads the other deals from here instead of loading the
whole portfolio; the rebuild writes it whole."""

from django.db import connection

from dealmonitor.utils import bulk

from .models import SimilarityFeature

ORG, THEME, STEM, WORD, REGULATION, MENTION = "o", "t", "s", "w", "r", "m"
COLUMNS = ["deal_id", "kind", "key", "weight", "label"]
MAX_KEY = 400


def rows_of(portfolio, pk):
    """The index rows of one deal of a portfolio (`scoring.Portfolio` or the partial one)."""
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
            out.append((pk, WORD, key, float(count), ""))
    for key, label in p.regulations:
        if len(key) <= MAX_KEY:
            out.append((pk, REGULATION, key, 0.0, label))
    for (source, target), mention in portfolio.stated.mentions.items():
        if source == pk:
            out.append((pk, MENTION, str(target), 1.0 if mention.follow_up else 0.0,
                        f"{mention.field}\n{mention.snippet}"))
    return out


def write_all(portfolio):
    """Replace the whole index with the portfolio's (on PostgreSQL the table is emptied with
    TRUNCATE: deleting a million rows one by one takes longer than writing them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Checks of rows written earlier in this transaction must run before TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(SimilarityFeature._meta.db_table)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        SimilarityFeature.objects.all().delete()
    bulk.write(SimilarityFeature, COLUMNS,
               (row for pk in portfolio.profiles for row in rows_of(portfolio, pk)))


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

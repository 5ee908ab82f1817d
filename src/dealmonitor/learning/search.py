"""Dutch search over lessons, ranked, on both databases.

PostgreSQL: its own full-text search with the `dutch` configuration (Snowball stemming and
stop words), title weighted above text above tags, ranked by cover density (terms close
together count more) plus a bonus when the words occur as the exact phrase.

SQLite (and any other database): the same idea on stems from `utils.text`, which uses the same
Snowball algorithm as PostgreSQL's `dutch` configuration. Each lesson keeps the stems of its
title, text and tags (`Lesson.search_stems`); every stem of the query must occur; the rank
counts matches with the same weights (title 1.0, text 0.4, tags 0.2, as PostgreSQL's default
weights for A, B and C), divided by the length of the lesson, plus the same phrase bonus.
"""

import math

from django.db import connection
from django.db.models import Q

from dealmonitor.utils.text import stems

from .models import FIELD_BREAK

PHRASE_BONUS = 1.0
WEIGHTS = (1.0, 0.4, 0.2)  # title, text, tags


def query_stems(text):
    return stems(text or "")


def search(queryset, text):
    """The lessons of `queryset` that match `text`, best first, each with `.rank`."""
    return list(search_lazily(queryset, text))


def search_lazily(queryset, text):
    """As `search`, but on PostgreSQL a queryset, so that a page of results is fetched with
    LIMIT and counted with COUNT in the database rather than all read into memory."""
    if not query_stems(text):
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, text)
    return _search_stems(queryset, text)


def _search_postgres(queryset, text):
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import Case, F, FloatField, Value, When

    # `search_document` is the weighted tsvector of title (A), text (B) and tags (C), kept
    # by a trigger and GIN-indexed (migration 0004): the match reads the index.
    query = SearchQuery(text, config="dutch", search_type="plain")
    phrase = SearchQuery(text, config="dutch", search_type="phrase")
    rows = (
        queryset.filter(search_document=query)
        .annotate(
            rank=SearchRank(F("search_document"), query, cover_density=True,
                            normalization=Value(1))
            + Case(When(search_document=phrase, then=Value(PHRASE_BONUS)), default=Value(0.0),
                   output_field=FloatField())
        )
        .order_by("-rank", "-learned_on", "id")
    )
    return rows


def _search_stems(queryset, text):
    wanted = query_stems(text)
    condition = Q()
    for stem in set(wanted):
        condition &= Q(search_stems__contains=f" {stem} ")
    # Ranking here reads the stems, which the pages' querysets leave out.
    rows = list(queryset.filter(condition).defer(None).defer("search_document"))
    for row in rows:
        row.rank = rank(row.search_stems, wanted)
    rows.sort(key=lambda r: (-r.rank, -r.learned_on.toordinal(), r.pk))
    return rows


def rank(document, wanted):
    fields = [part.split() for part in document.split(FIELD_BREAK)[1:-1]]
    length = sum(len(f) for f in fields)
    hits = sum(w * sum(field.count(s) for s in wanted) for w, field in zip(WEIGHTS, fields))
    score = hits / (1 + math.log(1 + length))
    if len(wanted) > 1:
        phrase = f" {' '.join(wanted)} "
        if any(phrase in f" {' '.join(field)} " for field in fields):
            score += PHRASE_BONUS
    return score

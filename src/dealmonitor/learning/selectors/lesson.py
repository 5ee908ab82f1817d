"""Lessons and the lessons library (search), as far as the user may read them."""



from django.db.models import Exists, OuterRef, Prefetch, Q

from dealmonitor.deals.models import Theme
from dealmonitor.deals.selectors import internal_deals_q, visible_deals

from .. import search as lesson_search
from ..constants import Visibility
from ..models import (
    Bottleneck,
    Lesson,
)


# Lessons ----------------------------------------------------------------------------------


def visible_lessons(user):
    """Lessons of the deals `user` may read: those for the whole programme, and those for the
    deal only where the user may see the deal's internals."""
    # The search columns are for the database to match on, not for the pages to read.
    return (
        Lesson.objects.select_related("deal").prefetch_related("themes")
        .defer("search_stems", "search_document")
        .filter(deal__in=visible_deals(user))
        .filter(Q(visibility=Visibility.PROGRAMMA) | internal_deals_q(user))
    )


def lesson_library(user, **params):
    return list(lesson_library_lazily(user, **params))


def lesson_library_lazily(user, *, q="", phase="", theme=None, kind="", deal=None):
    """The lessons library, filtered and searched; a queryset where the database ranks (so
    the page reads one page of it), a list where Python ranks (SQLite)."""
    qs = visible_lessons(user)
    if phase:
        qs = qs.filter(phase=phase)
    if theme:
        qs = qs.filter(themes=theme)
    if kind:
        qs = qs.filter(kind=kind)
    if deal:
        qs = qs.filter(deal=deal)
    # No DISTINCT: the one join (a single theme) cannot repeat a lesson, and DISTINCT over
    # every column of every match made a search at scale L six times slower.
    if q.strip():
        return lesson_search.search_lazily(qs, q)
    return qs.order_by("-learned_on", "id")


def lesson_detail_rows(user):
    """The lessons `user` may read, with what the page of one shows."""
    return visible_lessons(user).prefetch_related(
        "indicators", "assumptions", Prefetch("bottlenecks", Bottleneck.objects.select_related("deal"))
    ).select_related("source_round")


def lesson_themes():
    # EXISTS per theme rather than DISTINCT over every lesson's themes (50,000 at scale L).
    return Theme.objects.filter(
        Exists(Lesson.themes.through.objects.filter(theme=OuterRef("pk")))
    ).order_by("name")

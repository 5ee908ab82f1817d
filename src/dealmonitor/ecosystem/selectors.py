"""Reading needs and offers, scoped to what the user may see: posts of deals the user may
read; a post for the programme only to signed-in users, a public one to everyone."""

import statistics

from dealmonitor.deals.selectors import visible_deals

from .constants import Direction, MarkStatus, Visibility
from .models import MatchMark, Post


def visible_posts(user):
    posts = Post.objects.filter(deal__in=visible_deals(user))
    if user is None or not getattr(user, "is_authenticated", False):
        posts = posts.filter(visibility=Visibility.PUBLIC)
    return posts.select_related("deal", "organisation").prefetch_related("themes")


def marks_of(need):
    return {m.offer_id: m for m in MatchMark.objects.filter(need=need)}


def match_figures(user):
    """How many needs found a useful match, and how fast (days from posting to the first
    'useful' mark), over the needs the user may see."""
    needs = list(visible_posts(user).filter(direction=Direction.NEED))
    first_useful = {}
    for mark in MatchMark.objects.filter(need__in=needs, status=MarkStatus.USEFUL).order_by("marked_at"):
        first_useful.setdefault(mark.need_id, mark.marked_at)
    days = [(first_useful[n.pk] - n.created_at).total_seconds() / 86400 for n in needs if n.pk in first_useful]
    return {
        "needs": len(needs),
        "with_useful_match": len(first_useful),
        "median_days": round(statistics.median(days), 1) if days else None,
        "marks": MatchMark.objects.filter(need__in=needs).count(),
    }

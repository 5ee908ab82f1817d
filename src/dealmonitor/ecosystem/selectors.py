"""Reading needs and offers, scoped to what the user may see: a post of a deal only where the
deal may be read, an organisation's own post (no deal) for everyone the visibility allows;
a post for the programme only to signed-in users, a public one to everyone; a closed post
only to who may manage it (rules.can_manage_post), with its marks."""

import statistics

from django.db.models import Q

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.selectors import visible_deals

from .constants import Direction, MarkStatus, Visibility
from .models import MatchMark, Post
from .rules import linked_organisation_ids


def _signed_in(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def manageable_q(user):
    """The posts `user` may change, close and mark (rules.can_manage_post as a query)."""
    if user is None or deal_rules.is_programme_admin(user):
        return Q(pk__isnull=False)
    if not _signed_in(user):
        return Q(pk__in=[])
    query = Q(created_by=user) | Q(deal__isnull=True, organisation_id__in=linked_organisation_ids(user))
    for deal_id, roles in deal_rules.memberships(user).items():
        if roles.keys() & {"dealmaker", "team"}:
            query |= Q(deal_id=deal_id)
        elif "partner" in roles:
            query |= Q(deal_id=deal_id, organisation_id__in=[i for i in roles["partner"] if i])
    return query


def readable_q(user, prefix=""):
    """The posts `user` may read, apart from the deal's own visibility (`prefix`: the way from
    another row to the post, "offer__")."""
    query = Q(**{f"{prefix}is_open": True})
    closed_mine = manageable_q(user)
    if prefix:
        closed_mine = Q(**{f"{prefix}pk__in": Post.objects.filter(closed_mine).values("pk")})
    query |= closed_mine
    if not _signed_in(user) and user is not None:
        query &= Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    return query


def _of_readable_deals(user):
    posts = Post.objects.filter(Q(deal__in=visible_deals(user)) | Q(deal__isnull=True))
    if not _signed_in(user) and user is not None:
        posts = posts.filter(visibility=Visibility.PUBLIC)
    return posts


def visible_posts(user):
    posts = _of_readable_deals(user).filter(readable_q(user))
    return posts.select_related("deal", "organisation").prefetch_related("themes")


def posts_of_organisation(user, organisation):
    """The posts an organisation made for itself, outside a deal, that `user` may read."""
    return visible_posts(user).filter(organisation=organisation, deal__isnull=True)


def marks_of(need):
    return {m.offer_id: m for m in MatchMark.objects.filter(need=need).select_related("offer")}


def match_figures(user):
    """How many needs found a useful match, and how fast (days from posting to the first
    'useful' mark), over the needs the user may see."""
    # closed needs count too (a need is often closed once it found its match); only figures
    # leave this function, never a closed post's content
    needs = list(_of_readable_deals(user).filter(direction=Direction.NEED).only("pk", "created_at"))
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

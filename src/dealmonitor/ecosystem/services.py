"""The only code that writes needs, offers and match decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.deals.models import Participation
from dealmonitor.deals.references import check_partner, check_references

from .constants import NATIONAL, Direction, MarkStatus
from .models import MatchMark, Post
from .rules import can_manage_post, can_post

POST_FIELDS = ("direction", "kind", "title", "text", "region", "period_start", "period_end",
               "visibility", "is_open")


def _valid_region(region):
    from dealmonitor.organisations.reference import area

    return not region or region == NATIONAL or (region.startswith("PV") and area(region) is not None)


def save_post(*, actor, deal, organisation, post=None, themes=None, reason="", **fields):
    """Post (or change) a need or an offer of `organisation`: for `deal` (the organisation must
    be a partner of it), or for the organisation itself (`deal` None). A change is made by the
    post's author or who may post for its organisation; closing it (`is_open` False) takes it
    out of the matching, and records when."""
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    if post is not None:
        deal, organisation = post.deal, post.organisation  # a post stays where it was posted
        if not can_manage_post(actor, post):
            raise PermissionDenied(_("Only the poster of this post, or the deal team, may change it."))
    elif deal is not None and Participation.objects.filter(deal=deal, organisation=organisation).exists() \
            and not can_post(actor, deal, organisation):
        raise PermissionDenied(_("You may post needs and offers only for your own organisation in this deal."))
    # another deal's organisation or theme: the one answer for what is unknown or hidden
    check_references(actor=actor, deal=deal, model=Post,
                     values={"organisation": organisation, "themes": list(themes or [])})
    if post is None and not can_post(actor, deal, organisation):
        raise PermissionDenied(
            _("You may post needs and offers only for your own organisation in this deal.") if deal is not None
            else _("You may post needs and offers only for an organisation you are linked to."))
    check_partner(deal=deal, organisation=organisation)
    if not _valid_region(fields.get("region", post.region if post else "")):
        raise ValidationError({"region": _("Choose a province, or nationwide.")})
    start = fields.get("period_start", post.period_start if post else None)
    end = fields.get("period_end", post.period_end if post else None)
    if start and end and end < start:
        raise ValidationError({"period_end": _("The end lies before the start.")})
    with transaction.atomic():
        row = post or Post(deal=deal, organisation=organisation, created_by=actor)
        was_open = row.is_open if row.pk else True
        for name, value in fields.items():
            setattr(row, name, value)
        if was_open and not row.is_open:
            row.closed_at = timezone.now()
        elif row.is_open:
            row.closed_at = None
        row.full_clean()
        row._history_user = actor
        row._change_reason = reason or ("closed" if was_open and not row.is_open else "")
        row.save()
        if themes is not None:
            row.themes.set(themes)
    return row


def close_post(*, actor, post, reason=""):
    """Close a post: out of the matching and the lists; its poster still sees it, with its
    marks. Closing again changes nothing."""
    if not post.is_open:
        return post
    return save_post(actor=actor, deal=post.deal, organisation=post.organisation, post=post,
                     is_open=False, reason=reason or "closed")


def mark_match(*, actor, need, offer, status, reason=""):
    """The poster of the need marks an offer: contacted, useful or not useful."""
    if not can_manage_post(actor, need):
        raise PermissionDenied(_("Only the poster of the need marks its matches."))
    # an offer of a deal the actor may not read: the one answer for what is unknown or hidden
    check_references(actor=actor, deal=need.deal, model=MatchMark, values={"offer": offer})
    if need.direction != Direction.NEED or offer.direction != Direction.OFFER:
        raise ValidationError(_("A match is marked from a need, for an offer."))
    if need.organisation_id == offer.organisation_id or need.kind != offer.kind:
        raise ValidationError({"offer": _("This offer is not a match of this need.")})
    if status not in MarkStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not need.is_open:
        raise ValidationError(_("This need is closed: reopen it to mark its matches."))
    with transaction.atomic():
        mark = MatchMark.objects.select_for_update().filter(need=need, offer=offer).first() \
            or MatchMark(need=need, offer=offer)
        mark.status = status
        mark.marked_by = actor
        mark._history_user = actor
        mark._change_reason = reason
        mark.save()
    return mark

"""The only code that writes needs, offers and match decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealmonitor.deals.models import Participation
from dealmonitor.deals.references import check_references

from .constants import NATIONAL, Direction, MarkStatus
from .models import MatchMark, Post
from .rules import can_manage_post, can_post

POST_FIELDS = ("direction", "kind", "title", "text", "region", "period_start", "period_end",
               "visibility", "is_open")


def _valid_region(region):
    from dealmonitor.organisations.reference import area

    return not region or region == NATIONAL or (region.startswith("PV") and area(region) is not None)


def save_post(*, actor, deal, organisation, post=None, themes=None, reason="", **fields):
    """Post (or change) a need or an offer of `organisation`, a partner of `deal`."""
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    is_partner = Participation.objects.filter(deal=deal, organisation=organisation).exists()
    if is_partner and not can_post(actor, deal, organisation):
        raise PermissionDenied(_("You may post needs and offers only for your own organisation in this deal."))
    # another deal's organisation or theme: the one answer for what is unknown or hidden
    check_references(actor=actor, deal=deal, model=Post,
                     values={"organisation": organisation, "themes": list(themes or [])})
    if not can_post(actor, deal, organisation):
        raise PermissionDenied(_("You may post needs and offers only for your own organisation in this deal."))
    if not is_partner:
        raise ValidationError({"organisation": _("This organisation is not a partner of this deal.")})
    if not _valid_region(fields.get("region", "")):
        raise ValidationError({"region": _("Choose a province, or nationwide.")})
    start, end = fields.get("period_start"), fields.get("period_end")
    if start and end and end < start:
        raise ValidationError({"period_end": _("The end lies before the start.")})
    with transaction.atomic():
        row = post or Post(deal=deal, organisation=organisation, created_by=actor)
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean()
        row._history_user = actor
        row._change_reason = reason
        row.save()
        if themes is not None:
            row.themes.set(themes)
    return row


def mark_match(*, actor, need, offer, status, reason=""):
    """The poster of the need marks an offer: contacted, useful or not useful."""
    if need.direction != Direction.NEED or offer.direction != Direction.OFFER:
        raise ValidationError(_("A match is marked from a need, for an offer."))
    if status not in MarkStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not can_manage_post(actor, need):
        raise PermissionDenied(_("Only the poster of the need marks its matches."))
    with transaction.atomic():
        mark = MatchMark.objects.select_for_update().filter(need=need, offer=offer).first() \
            or MatchMark(need=need, offer=offer)
        mark.status = status
        mark.marked_by = actor
        mark._history_user = actor
        mark._change_reason = reason
        mark.save()
    return mark

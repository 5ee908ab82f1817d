"""The sheet Matchbesluiten: what the poster of a need decided about an offer matched to it
(contacted, useful, not useful); its columns, what an import writes and the rows an export
gives. The checks are in imports/checking/match_mark.py. The need and the offer are named as
in the sheet Vraag en aanbod (deal, organisation, title); an export lists the decisions on
needs of deals whose internals the reader may see, and only on offers the file holds, so that
it refers to nothing outside it."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.ecosystem import services as ecosystem_services
from dealmonitor.ecosystem.constants import MarkStatus
from dealmonitor.ecosystem.models import MatchMark, Post

from .base import CHOICE, REASON, SLUG, TEXT, Column, SheetKind

_TITLE = Post._meta.get_field("title").max_length

MATCH_MARKS = SheetKind("match_marks", "Matchbesluiten", _("Match decisions"), [
    Column("deal_id", _("identifier of the need's deal; empty: a need the organisation posted for itself"),
           SLUG, aliases=("deal", "deal id")),
    Column("organisatie_id", _("identifier of the organisation that needs it"), SLUG, True,
           aliases=("organisation", "organisatie")),
    Column("vraag", _("title of the need"), TEXT, True, aliases=("need",), max_length=_TITLE),
    Column("aanbod_deal_id", _("identifier of the offer's deal; empty: an offer of an organisation itself"),
           SLUG, aliases=("offer deal", "aanbod deal")),
    Column("aanbod_organisatie_id", _("identifier of the organisation that offers it"), SLUG, True,
           aliases=("offer organisation", "aanbod organisatie")),
    Column("aanbod", _("title of the offer"), TEXT, True, aliases=("offer",), max_length=_TITLE),
    Column("status", _("the decision"), CHOICE, True, choices=MarkStatus, aliases=("decision", "besluit")),
])

KINDS = (MATCH_MARKS,)


def rows(scope):
    if scope.posts is None:
        return
    shown = set(scope.posts.values_list("pk", flat=True))
    marks = (MatchMark.objects.filter(need__in=shown, offer__in=shown, need__deal_id__in=scope.internal_ids)
             .select_related("need__deal", "need__organisation", "offer__deal", "offer__organisation")
             .order_by("need__deal__slug", "need__organisation__slug", "need__title", "offer__title", "pk"))
    for m in marks:
        yield {"deal_id": m.need.deal.slug, "organisatie_id": m.need.organisation.slug, "vraag": m.need.title,
               "aanbod_deal_id": m.offer.deal.slug if m.offer.deal_id else None,
               "aanbod_organisatie_id": m.offer.organisation.slug, "aanbod": m.offer.title,
               "status": m.status}


EXPORTS = ((MATCH_MARKS, rows),)


def _post(key):
    deal_slug, org_slug, direction, title = key
    posts = Post.objects.filter(organisation__slug=org_slug, direction=direction, title=title)
    posts = posts.filter(deal__slug=deal_slug) if deal_slug else posts.filter(deal__isnull=True)
    return posts.get()


def write(w):
    for (need_key, offer_key), item in w.plan.match_marks.items():
        need, offer = _post(need_key), _post(offer_key)
        existing = MatchMark.objects.filter(need=need, offer=offer).first()
        if existing is not None and existing.status == item["status"]:
            w.step()
            continue  # unchanged: no history entry
        ecosystem_services.mark_match(actor=w.actor, need=need, offer=offer, status=item["status"],
                                      reason=REASON)
        w.step()

"""Needs, offers and match decisions as rows of a sheet (the deal and portfolio workbooks,
reports/exports/workbooks.py): the posts the user may read, and the decisions only for the
members of the need's deal (as in the API), on offers the user may read."""

from .models import MatchMark
from .selectors import visible_posts

POST_HEADER = ["post_id", "deal_id", "organisatie_id", "vraag_of_aanbod", "wat", "titel", "tekst",
               "themas", "regio", "van", "tot", "zichtbaarheid", "open", "geplaatst_op"]
MARK_HEADER = ["vraag_id", "deal_id", "vraag", "aanbod_id", "aanbod_deal_id", "aanbod", "status",
               "gemarkeerd_op"]


def _iso(value):
    return value.isoformat() if value else None


def post_rows(user, deals):
    posts = visible_posts(user).filter(deal__in=deals).order_by("deal__slug", "pk")
    for p in posts:
        yield [p.pk, p.deal.slug, p.organisation.slug, p.direction, p.kind, p.title, p.text,
               "; ".join(sorted(t.name for t in p.themes.all())), p.region or None,
               _iso(p.period_start), _iso(p.period_end), p.visibility, "ja" if p.is_open else "nee",
               _iso(p.created_at.date())]


def mark_rows(user, deals, internal_ids):
    """Decisions on needs of the deals whose internals the user may see."""
    offers = visible_posts(user)
    marks = (MatchMark.objects.filter(need__deal__in=deals, need__deal_id__in=internal_ids,
                                      offer__in=offers)
             .select_related("need__deal", "offer__deal").order_by("need__deal__slug", "need_id", "offer_id"))
    for m in marks:
        yield [m.need_id, m.need.deal.slug, m.need.title, m.offer_id, m.offer.deal.slug, m.offer.title,
               m.status, _iso(m.marked_at.date())]

"""The sheet Vraag en aanbod: the needs and offers of the deals' partners, and those an
organisation posts for itself (no deal); its columns, what an import writes and the rows an
export gives. The checks are in imports/checking/post.py. A post is known by its deal (or
none), its organisation, need or offer, and its title."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.models import Theme
from dealmonitor.ecosystem import services as ecosystem_services
from dealmonitor.ecosystem.constants import POST_TEXT, Direction, Kind, Visibility
from dealmonitor.ecosystem.models import Post
from dealmonitor.organisations.models import Organisation

from .base import BOOLEAN, CHOICE, DATE, LIST, REASON, SLUG, TEXT, Column, SheetKind, same, yes

POSTS = SheetKind("posts", "Vraag en aanbod", _("Needs and offers"), [
    Column("deal_id", _("identifier of the deal it is posted for; empty: the organisation posts for itself"),
           SLUG, aliases=("deal", "deal id")),
    Column("organisatie_id", _("identifier of the organisation that needs or offers it"), SLUG, True,
           aliases=("organisation", "organisatie")),
    Column("vraag_of_aanbod", _("need or offer"), CHOICE, True, choices=Direction,
           aliases=("need or offer", "direction", "soort")),
    Column("wat", _("what is needed or offered"), CHOICE, True, choices=Kind, aliases=("kind", "what")),
    Column("titel", _("title"), TEXT, True, aliases=("title",),
           max_length=Post._meta.get_field("title").max_length),
    Column("tekst", _("description"), TEXT, True, aliases=("text", "omschrijving", "description"),
           max_length=POST_TEXT),
    Column("themas", _("themes, separated by semicolons"), LIST, aliases=("themes", "thema's")),
    Column("regio", _("region: the CBS code of a province (PV26) or 'landelijk'"), TEXT,
           aliases=("region",), max_length=Post._meta.get_field("region").max_length),
    Column("van", _("from (date)"), DATE, aliases=("from", "period start")),
    Column("tot", _("until (date)"), DATE, aliases=("until", "period end")),
    Column("zichtbaarheid", _("who may read it"), CHOICE, choices=Visibility,
           aliases=("visibility", "zichtbaar voor")),
    Column("open", _("still open (yes or no); a closed post leaves the matching"), BOOLEAN,
           aliases=("is open",)),
])

KINDS = (POSTS,)


def key_of(post):
    """The key of a post in a sheet: (deal identifier or "", organisation, direction, title)."""
    return (post.deal.slug if post.deal_id else "", post.organisation.slug, post.direction, post.title)


def rows(scope):
    """The posts of the exported deals the reader may read (scope.posts), and in a portfolio
    those organisations posted for themselves."""
    for post in (scope.posts if scope.posts is not None else Post.objects.none()).order_by(
            "deal__slug", "organisation__slug", "direction", "title", "pk"):
        yield {"deal_id": post.deal.slug if post.deal_id else None, "organisatie_id": post.organisation.slug,
               "vraag_of_aanbod": post.direction, "wat": post.kind, "titel": post.title, "tekst": post.text,
               "themas": "; ".join(sorted(t.name for t in post.themes.all())), "regio": post.region,
               "van": post.period_start, "tot": post.period_end, "zichtbaarheid": post.visibility,
               "open": yes(post.is_open)}


EXPORTS = ((POSTS, rows),)


def write(w):
    for (deal_slug, org_slug, _direction, _title), item in w.plan.posts.items():
        deal = w.deal(deal_slug) if deal_slug else None
        organisation = w.organisations.get(org_slug) or Organisation.objects.get(slug=org_slug)
        themes = [Theme.objects.get_or_create(name=name)[0] for name in item["themes"]]
        post = item["existing"]
        if post is not None and same(post, item["fields"]) and (
                {t.pk for t in themes} == set(post.themes.values_list("pk", flat=True))):
            w.step()
            continue  # unchanged: no history entry
        ecosystem_services.save_post(actor=w.actor, deal=deal, organisation=organisation, post=post,
                                     themes=themes, reason=REASON, **item["fields"])
        w.step()

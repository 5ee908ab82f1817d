"""The sheet Partners: organisations and their participation in a deal; its columns, what an
import writes and the rows an export gives. The checks are in imports/checking/partner.py."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.constants import ParticipationKind, Stance
from dealmonitor.deals.internal import strip_internal
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.deals.services import import_participations
from dealmonitor.organisations.constants import GovernmentLevel, OrganisationType
from dealmonitor.organisations.services import import_organisations
from dealmonitor.utils.partial_dates import to_iso
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import CHOICE, DEAL_ID, DECIMAL, PARTIAL_DATE, REASON, SLUG, TEXT, Column, SheetKind, num

PARTNERS = SheetKind("partners", "Partners", _("Organisations and participations"), [
    DEAL_ID,
    Column("organisatie_id", _("identifier of the organisation"), SLUG, True,
           aliases=("organisation id", "org_id", "organisatie id", "organisation_id")),
    Column("organisatie_naam", _("name of the organisation"), TEXT, True,
           aliases=("organisatie", "organisation", "naam", "name", "organisation name"),
           max_length=300),
    Column("organisatie_type", _("type of organisation"), CHOICE, True, choices=OrganisationType,
           aliases=("type", "organisation type", "soort organisatie")),
    Column("overheidslaag", _("government level (empty: follows from the type)"), CHOICE,
           choices=GovernmentLevel, aliases=("government level", "bestuurslaag")),
    Column("cbs_code", _("CBS municipality code (e.g. GM0363)"), TEXT,
           aliases=("cbs", "gemeentecode", "cbs code"), max_length=6),
    Column("kvk_nummer", _("KvK number (eight digits)"), TEXT,
           aliases=("kvk", "kvk number", "kvk-nummer", "kvk_number"), max_length=20),
    Column("oin", _("OIN, government organisation identification number (twenty digits)"), TEXT,
           aliases=("oin nummer", "organisatie-identificatienummer"), max_length=30),
    Column("webdomein", _("web domain (e.g. denhaag.nl; a web address is reduced to its domain)"),
           TEXT, aliases=("web domain", "web_domain", "domein", "website"), max_length=300),
    Column("soort_deelname", _("kind of participation"), CHOICE, choices=ParticipationKind,
           aliases=("participation", "deelname", "kind", "soort")),
    Column("rol", _("role in the deal, in words"), TEXT, aliases=("role",), max_length=500),
    Column("toegetreden", _("joined on (year, year-month or date)"), PARTIAL_DATE,
           aliases=("joined", "joined on", "lid sinds")),
    Column("vertrokken", _("left on (year, year-month or date)"), PARTIAL_DATE,
           aliases=("left", "left on")),
    Column("houding", _("stance"), CHOICE, choices=Stance, aliases=("stance",), internal=True),
    Column("toezegging_euro", _("commitment in euros"), DECIMAL,
           aliases=("commitment", "commitment euro", "toezegging"), internal=True),
    Column("toezegging_fte", _("commitment in FTE"), DECIMAL, aliases=("commitment fte",),
           internal=True),
    Column("toezegging_in_natura", _("commitment in kind"), TEXT,
           aliases=("in kind", "in natura"), internal=True,
           max_length=LONG_TEXT),
    Column("geleverd_euro", _("delivered in euros"), DECIMAL, aliases=("delivered",),
           internal=True),
    Column("geleverd_fte", _("delivered in FTE"), DECIMAL, aliases=("delivered fte",),
           internal=True),
])

KINDS = (PARTNERS,)

# The participation's internal fields and their columns.
INTERNAL_COLUMNS = {
    "stance": "houding", "commitment_money": "toezegging_euro", "commitment_fte": "toezegging_fte",
    "commitment_in_kind": "toezegging_in_natura", "delivered_money": "geleverd_euro",
    "delivered_fte": "geleverd_fte",
}


def rows(scope):
    participations = (
        Participation.objects.filter(deal__in=scope.deals).select_related("deal", "organisation")
        .order_by("deal__slug", "organisation__slug")
    )
    for p in participations:
        o = p.organisation
        row = {
            "deal_id": p.deal.slug, "organisatie_id": o.slug, "organisatie_naam": o.name,
            "organisatie_type": o.type, "overheidslaag": o.government_level, "cbs_code": o.cbs_code,
            "kvk_nummer": o.kvk_number, "oin": o.oin, "webdomein": o.web_domain,
            "soort_deelname": p.kind, "rol": p.role_description,
            "toegetreden": to_iso(p.joined_on, p.joined_on_precision),
            "vertrokken": to_iso(p.left_on, p.left_on_precision),
        }
        extra = {
            "stance": p.stance, "commitment_money": num(p.commitment_money),
            "commitment_fte": num(p.commitment_fte), "commitment_in_kind": p.commitment_in_kind,
            "delivered_money": num(p.delivered_money), "delivered_fte": num(p.delivered_fte),
        }
        if p.deal_id not in scope.internal_ids:  # the registry says which of these are internal
            extra = strip_internal(Participation, extra)
        row.update({INTERNAL_COLUMNS[name]: value for name, value in extra.items()})
        yield row


EXPORTS = ((PARTNERS, rows),)


def write(w):
    """The organisations, then the participations, each kind in bulk through its service
    (the same rules and history as one by one; see their docstrings)."""
    # the check refused identifiers and names already registered; a resembling name
    # cannot be confirmed in a file: it is written, and listed among the duplicates
    written = import_organisations(actor=w.actor, organisations=w.plan.organisations, reason=REASON)
    w.organisations.update(written)
    if written:
        w.step(len(written))
    planned = w.plan.participations
    wanted = {deal_slug for deal_slug, _org in planned} - set(w.deals)
    if wanted:
        w.deals.update({d.slug: d for d in Deal.objects.filter(slug__in=wanted)})
    rows = [(w.deal(deal_slug), w.organisations[org_slug], fields)
            for (deal_slug, org_slug), fields in planned.items()]
    import_participations(actor=w.actor, participations=rows, reason=REASON)
    if rows:
        w.step(len(rows))

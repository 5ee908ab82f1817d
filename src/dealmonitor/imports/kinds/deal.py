"""The sheet Deal: its columns, the deals an import writes and the rows an export gives.
The checks of the sheet are in imports/checking/deal.py."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.constants import DealKind, DealStatus, Phase
from dealmonitor.deals.services import save_deal
from dealmonitor.utils.partial_dates import to_iso
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import BOOLEAN, CHOICE, DEAL_ID, LIST, PARTIAL_DATE, REASON, TEXT, Column, SheetKind, yes

DEALS = SheetKind("deals", "Deal", _("Deals"), [
    DEAL_ID,
    Column("naam", _("name of the deal"), TEXT, True, aliases=("name", "deal naam", "dealnaam"),
           max_length=300),
    Column("soort", _("kind of deal"), CHOICE, True, choices=DealKind, aliases=("kind", "type")),
    Column("status", _("status"), CHOICE, choices=DealStatus),
    Column("fase", _("phase"), CHOICE, choices=Phase, aliases=("phase",)),
    Column("gepubliceerd", _("published: readable without signing in (yes or no)"), BOOLEAN,
           aliases=("published", "openbaar")),
    Column("getekend", _("signed on (year, year-month or date)"), PARTIAL_DATE,
           aliases=("signed", "signing date", "ondertekend", "datum ondertekening")),
    Column("einde", _("ends on (year, year-month or date)"), PARTIAL_DATE,
           aliases=("end", "end date", "einddatum")),
    Column("verlengd_tot", _("extended to (year, year-month or date)"), PARTIAL_DATE,
           aliases=("extended to", "verlengd tot")),
    Column("themas", _("themes, separated by semicolons"), LIST, aliases=("themes", "thema's")),
    Column("omschrijving", _("description"), TEXT, aliases=("description",),
           max_length=LONG_TEXT),
])

KINDS = (DEALS,)


def rows(scope):
    for d in scope.deals.prefetch_related("themes").order_by("slug"):
        yield {
            "deal_id": d.slug, "naam": d.name, "soort": d.kind, "status": d.status,
            "fase": d.phase, "gepubliceerd": yes(d.is_published),
            "getekend": to_iso(d.signing_date, d.signing_date_precision),
            "einde": to_iso(d.end_date, d.end_date_precision),
            "verlengd_tot": to_iso(d.extended_to, d.extended_to_precision),
            "themas": "; ".join(t.name for t in d.themes.all()), "omschrijving": d.description,
        }


EXPORTS = ((DEALS, rows),)


def write(w):
    for slug, (fields, themes, phase) in w.plan.deals.items():
        w.deals[slug] = save_deal(actor=w.actor, slug=slug, themes=themes, phase=phase,
                                  publish=w.publish, reason=REASON, **fields)
        w.step()

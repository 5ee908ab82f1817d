"""The sheets Knelpunten (bottlenecks) and Knelpuntstatussen (their status history); their
columns, what an import writes and the rows an export gives. The checks are in
imports/checking/bottleneck.py. A bottleneck is known by deal, title and the date it was
signalled."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.learning import services as learning_services
from dealmonitor.learning.constants import BottleneckKind, BottleneckStatus, RuleLevel
from dealmonitor.learning.models import BottleneckStatusChange
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import CHOICE, DATE, DEAL_ID, EXAMPLE, REASON, SLUG, TEXT, Column, SheetKind, same, yes

BOTTLENECKS = SheetKind("bottlenecks", "Knelpunten", _("Bottlenecks"), [
    DEAL_ID,
    Column("titel", _("title of the bottleneck"), TEXT, True, aliases=("title",), max_length=300),
    Column("gesignaleerd", _("signalled on"), DATE, True, aliases=("signalled on", "signalled")),
    Column("soort", _("kind of bottleneck"), CHOICE, True, choices=BottleneckKind, aliases=("kind",)),
    Column("regel", _("the law, regulation or practice that blocks"), TEXT, aliases=("rule",),
           max_length=300),
    Column("niveau", _("level of the rule"), CHOICE, choices=RuleLevel, aliases=("level",)),
    Column("ministerie_id", _("identifier of the ministry it was raised with"), SLUG,
           aliases=("ministry id",)),
    Column("ministerie", _("name of that ministry"), TEXT, aliases=("ministry",), max_length=300),
    Column("omschrijving", _("description"), TEXT, aliases=("description",),
           max_length=LONG_TEXT),
    Column("status", _("current status (the last row of its status history)"), CHOICE,
           choices=BottleneckStatus),
    Column("gesloten", _("closed on (follows from the status history)"), DATE,
           aliases=("closed on", "closed")),
    Column("oplossing", _("how it was resolved"), TEXT, aliases=("resolution",),
           max_length=LONG_TEXT),
    EXAMPLE,
])

BOTTLENECK_STATUSES = SheetKind("bottleneck_statuses", "Knelpuntstatussen",
                                _("Status history of bottlenecks"), [
    DEAL_ID,
    Column("knelpunt", _("title of the bottleneck"), TEXT, True, aliases=("bottleneck", "titel"),
           max_length=300),
    Column("gesignaleerd", _("the date the bottleneck was signalled, as on the sheet Knelpunten"),
           DATE, True, aliases=("signalled on",)),
    Column("status", _("the status it entered"), CHOICE, True, choices=BottleneckStatus),
    Column("datum", _("date of the status change"), DATE, True, aliases=("date",)),
    Column("notitie", _("note"), TEXT, aliases=("note", "toelichting"),
           max_length=LONG_TEXT),
])

KINDS = (BOTTLENECKS, BOTTLENECK_STATUSES)


def rows(scope):
    for b in scope.bottlenecks.select_related("deal", "ministry").order_by("deal__slug", "signalled_on", "id"):
        yield {"deal_id": b.deal.slug, "titel": b.title, "gesignaleerd": b.signalled_on, "soort": b.kind,
               "regel": b.rule, "niveau": b.level, "ministerie_id": b.ministry.slug if b.ministry else "",
               "ministerie": b.ministry.name if b.ministry else "", "omschrijving": b.description,
               "status": b.status, "gesloten": b.closed_on, "oplossing": b.resolution,
               "voorbeeld": yes(b.is_example)}


def status_rows(scope):
    changes = (BottleneckStatusChange.objects.filter(bottleneck__in=scope.bottlenecks)
               .select_related("bottleneck__deal")
               .order_by("bottleneck__deal__slug", "bottleneck__signalled_on", "bottleneck_id", "date", "id"))
    for c in changes:
        b = c.bottleneck
        yield {"deal_id": b.deal.slug, "knelpunt": b.title, "gesignaleerd": b.signalled_on,
               "status": c.status, "datum": c.date, "notitie": c.note}


EXPORTS = ((BOTTLENECKS, rows), (BOTTLENECK_STATUSES, status_rows))


def write(w):
    """Bottlenecks with their status history, in order; kept by key in `w.bottlenecks`."""
    for key, item in w.plan.bottlenecks.items():
        deal_slug, title, signalled_on = key
        bottleneck = item["existing"]
        fields = dict(item["fields"] or {})
        if item["fields"] is not None and item.get("ministry_given"):
            slug = item["ministry"]
            fields["ministry"] = (
                (w.organisations.get(slug) or Organisation.objects.get(slug=slug)) if slug else None)
        if bottleneck is None:
            bottleneck = learning_services.report_bottleneck(
                actor=w.actor, deal=w.deal(deal_slug), signalled_on=signalled_on,
                note=item["first_note"], reason=REASON, **fields)
        elif fields and not same(bottleneck, fields):
            learning_services.update_bottleneck(actor=w.actor, bottleneck=bottleneck, reason=REASON,
                                                **fields)
        for status, date, note in item["changes"]:
            learning_services.change_bottleneck_status(actor=w.actor, bottleneck=bottleneck,
                                                       status=status, date=date, note=note,
                                                       reason=REASON)
        w.bottlenecks[key] = bottleneck
        w.step()

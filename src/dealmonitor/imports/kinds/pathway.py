"""The sheets of the pathway: Veranderpad (elements), Verbanden (links), Aannames
(assumptions on links) and Onderbouwing (evidence for or against them); their columns, what
an import writes and the rows an export gives. The checks are in imports/checking/pathway.py.

Rows refer to each other by stable keys, never by database ids: an element by deal, level and
title; a link by its two elements; an assumption by its link and text (docs/data-exchange.md)."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import AssumptionStatus, EvidenceStance, Level
from dealmonitor.impact.models import Assumption, AssumptionEvidence, Element, Link
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import (
    BOOLEAN,
    CHOICE,
    DATE,
    DEAL_ID,
    EXAMPLE,
    INTEGER,
    REASON,
    TEXT,
    URL,
    Column,
    SheetKind,
    same,
    yes,
)

LINK_KEY = [
    DEAL_ID,
    Column("van_niveau", _("level of the element the link starts from"), CHOICE, True,
           choices=Level, aliases=("from level",)),
    Column("van_element", _("title of the element the link starts from"), TEXT, True,
           aliases=("from", "van", "oorzaak"), max_length=300),
    Column("naar_niveau", _("level of the element the link leads to"), CHOICE, True,
           choices=Level, aliases=("to level",)),
    Column("naar_element", _("title of the element the link leads to"), TEXT, True,
           aliases=("to", "naar", "gevolg"), max_length=300),
]

ELEMENTS = SheetKind("elements", "Veranderpad", _("Pathway elements"), [
    DEAL_ID,
    Column("niveau", _("level of the pathway element"), CHOICE, True, choices=Level,
           aliases=("level",)),
    Column("element", _("title of the pathway element"), TEXT, True,
           aliases=("titel", "title", "pathway element"), max_length=300),
    Column("omschrijving", _("description"), TEXT, aliases=("description",),
           max_length=LONG_TEXT),
    Column("werkzaam_element", _("an active ingredient: expected to predict long-term impact (yes or no)"),
           BOOLEAN, aliases=("active ingredient", "werkzaam element")),
    Column("volgorde", _("position in the pathway (a whole number; empty: the row's order)"),
           INTEGER, aliases=("order", "positie")),
    EXAMPLE,
])

LINKS = SheetKind("links", "Verbanden", _("Links between pathway elements"), LINK_KEY)

ASSUMPTIONS = SheetKind("assumptions", "Aannames", _("Assumptions on links"), [
    *LINK_KEY,
    Column("aanname", _("the assumption"), TEXT, True, aliases=("assumption",),
           max_length=LONG_TEXT),
    Column("status", _("status of the assumption"), CHOICE, choices=AssumptionStatus),
    EXAMPLE,
])

EVIDENCE = SheetKind("evidence", "Onderbouwing", _("Evidence for or against assumptions"), [
    *LINK_KEY,
    Column("aanname", _("the assumption, as on the sheet Aannames"), TEXT, True,
           aliases=("assumption",),
           max_length=LONG_TEXT),
    Column("datum", _("date of the evidence"), DATE, True, aliases=("date",)),
    Column("houding", _("for or against the assumption"), CHOICE, True, choices=EvidenceStance,
           aliases=("stance",)),
    Column("onderbouwing", _("the evidence, in words"), TEXT, True, aliases=("evidence", "bewijs"),
           max_length=LONG_TEXT),
    Column("url", _("address of the evidence"), URL, aliases=("address", "adres", "link"),
           max_length=1000),
])

KINDS = (ELEMENTS, LINKS, ASSUMPTIONS, EVIDENCE)


# Export ---------------------------------------------------------------------------------------


def element_rows(scope):
    for e in (Element.objects.filter(pathway__deal__in=scope.deals).select_related("pathway__deal")
              .order_by("pathway__deal__slug", "order", "id")):
        yield {"deal_id": e.pathway.deal.slug, "niveau": e.level, "element": e.title,
               "omschrijving": e.description, "werkzaam_element": yes(e.is_active_ingredient),
               "volgorde": e.order, "voorbeeld": yes(e.is_example)}


def _link_key(deal_slug, link):
    return {"deal_id": deal_slug, "van_niveau": link.cause.level, "van_element": link.cause.title,
            "naar_niveau": link.effect.level, "naar_element": link.effect.title}


def _link_order(prefix):
    return (f"{prefix}pathway__deal__slug", f"{prefix}cause__order", f"{prefix}cause__id",
            f"{prefix}effect__order", f"{prefix}effect__id")


def link_rows(scope):
    for link in (Link.objects.filter(pathway__deal__in=scope.deals)
                 .select_related("pathway__deal", "cause", "effect").order_by(*_link_order(""))):
        yield _link_key(link.pathway.deal.slug, link)


def assumption_rows(scope):
    for a in (Assumption.objects.filter(link__pathway__deal__in=scope.deals)
              .select_related("link__pathway__deal", "link__cause", "link__effect")
              .order_by(*_link_order("link__"), "id")):
        yield {**_link_key(a.link.pathway.deal.slug, a.link), "aanname": a.text, "status": a.status,
               "voorbeeld": yes(a.is_example)}


def evidence_rows(scope):
    for e in (AssumptionEvidence.objects.filter(assumption__link__pathway__deal__in=scope.deals)
              .select_related("assumption__link__pathway__deal", "assumption__link__cause",
                              "assumption__link__effect")
              .order_by(*_link_order("assumption__link__"), "assumption_id", "date", "id")):
        link = e.assumption.link
        yield {**_link_key(link.pathway.deal.slug, link), "aanname": e.assumption.text,
               "datum": e.date, "houding": e.stance, "onderbouwing": e.text, "url": e.url}


EXPORTS = ((ELEMENTS, element_rows), (LINKS, link_rows), (ASSUMPTIONS, assumption_rows),
           (EVIDENCE, evidence_rows))


# Import ---------------------------------------------------------------------------------------


def write(w):
    """Elements, links, assumptions and their evidence; the elements are kept by key in
    `w.elements` for the indicators."""
    plan, actor, elements = w.plan, w.actor, w.elements

    def element(deal_slug, level, title):
        key = (deal_slug, level, title)
        if key not in elements:
            elements[key] = Element.objects.get(pathway__deal=w.deal(deal_slug), level=level, title=title)
        return elements[key]

    for (deal_slug, level, title), fields in plan.elements.items():
        fields = fields or {}
        existing = Element.objects.filter(pathway__deal=w.deal(deal_slug), level=level, title=title).first()
        if existing is None:
            pathway = impact_services.get_or_create_pathway(actor=actor, deal=w.deal(deal_slug))
            existing = impact_services.add_element(actor=actor, pathway=pathway, level=level,
                                                   title=title, reason=REASON, **fields)
        elif not same(existing, fields):
            impact_services.update_element(actor=actor, element=existing, reason=REASON, **fields)
        elements[(deal_slug, level, title)] = existing
        w.step()
    links = {}

    def link(deal_slug, cause, effect):
        key = (deal_slug, cause, effect)
        if key not in links:
            links[key] = Link.objects.get(cause=element(deal_slug, *cause), effect=element(deal_slug, *effect))
        return links[key]

    for deal_slug, cause, effect in plan.links:
        links[(deal_slug, cause, effect)] = impact_services.add_link(
            actor=actor, cause=element(deal_slug, *cause), effect=element(deal_slug, *effect),
            reason=REASON)
        w.step()
    assumptions = {}
    for key, fields in plan.assumptions.items():
        deal_slug, cause, effect, text = key
        on = link(deal_slug, cause, effect)
        existing = Assumption.objects.filter(link=on, text=text).first()
        if existing is None:
            existing = impact_services.add_assumption(actor=actor, link=on, text=text, reason=REASON, **fields)
        elif not same(existing, fields):
            impact_services.update_assumption(actor=actor, assumption=existing, reason=REASON, **fields)
        assumptions[key] = existing
        w.step()
    for item in plan.evidence:
        key = item["assumption"]
        if key not in assumptions:
            deal_slug, cause, effect, text = key
            assumptions[key] = Assumption.objects.get(link=link(deal_slug, cause, effect), text=text)
        impact_services.add_assumption_evidence(actor=actor, assumption=assumptions[key], reason=REASON,
                                                **item["fields"])
        w.step()

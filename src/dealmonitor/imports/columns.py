"""The spreadsheet formats Dealmonitor reads and writes: one sheet kind per part of the domain,
each a list of columns with the header of the template, other headers that mean the same, and
what a cell must hold. The templates, the column mapping, the checks, the exports and the
codebook are all built from these lists, so they cannot drift apart.

Headers are fixed Dutch codes (like the CSV codebook's), whatever the interface language, so
a file made in one language imports in the other.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.constants import DealKind, DealStatus, ParticipationKind, Phase, Stance
from dealmonitor.impact.constants import (
    Aggregation,
    AssumptionStatus,
    EvidenceStance,
    Confidence,
    Direction,
    Frequency,
    IndicatorKind,
    IndicatorScope,
    Level,
    Verification,
)
from dealmonitor.learning.constants import (
    BottleneckKind,
    BottleneckStatus,
    LessonKind,
    RuleLevel,
    Visibility,
)
from dealmonitor.organisations.constants import GovernmentLevel, OrganisationType

# What a cell holds; imports/checking/base.py parses each.
TEXT, SLUG, CHOICE, DECIMAL, DATE, PARTIAL_DATE, BOOLEAN, LIST, INTEGER, URL = (
    "text", "slug", "choice", "decimal", "date", "partial_date", "boolean", "list", "integer", "url",
)


@dataclass(frozen=True)
class Column:
    key: str  # the template's header, also the key of a parsed record
    label: object  # what it means, for people (translated)
    type: str = TEXT
    required: bool = False
    choices: object = None  # a TextChoices class for CHOICE
    aliases: tuple = ()  # other headers that mean the same (lower case)
    internal: bool = False  # never in open data nor for readers without internal access
    max_length: int | None = None

    def expected(self):
        """What a cell must hold, in words (for the template's explanation and the errors)."""
        from .checking import expected_text

        return expected_text(self)


@dataclass(frozen=True)
class SheetKind:
    key: str
    sheet: str  # the tab's name in templates and exports
    label: object
    columns: list = field(default_factory=list)

    @property
    def by_key(self):
        return {c.key: c for c in self.columns}

    @property
    def required(self):
        return [c for c in self.columns if c.required]


DEAL_ID = Column("deal_id", _("identifier of the deal (as in its address)"), SLUG, True,
                 aliases=("deal", "deal id", "dealid", "slug", "deal-id"))

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
    Column("omschrijving", _("description"), TEXT, aliases=("description",)),
])

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
           aliases=("in kind", "in natura"), internal=True),
    Column("geleverd_euro", _("delivered in euros"), DECIMAL, aliases=("delivered",),
           internal=True),
    Column("geleverd_fte", _("delivered in FTE"), DECIMAL, aliases=("delivered fte",),
           internal=True),
])

INDICATORS = SheetKind("indicators", "Indicatoren", _("Indicators and targets"), [
    DEAL_ID,
    Column("indicator", _("name of the indicator"), TEXT, True,
           aliases=("naam", "name", "indicator naam", "indicatornaam"), max_length=300),
    Column("niveau", _("level of the pathway element"), CHOICE, choices=Level, aliases=("level",)),
    Column("element", _("title of the pathway element"), TEXT,
           aliases=("pathway element", "element van het veranderpad"), max_length=300),
    Column("soort", _("kind of indicator"), CHOICE, choices=IndicatorKind, aliases=("kind",)),
    Column("eenheid", _("unit"), TEXT, aliases=("unit",), max_length=100),
    Column("richting", _("direction"), CHOICE, choices=Direction, aliases=("direction",)),
    Column("aggregatie", _("aggregation"), CHOICE, choices=Aggregation,
           aliases=("aggregation", "optelling")),
    Column("basiswaarde", _("baseline"), DECIMAL, aliases=("baseline", "nulmeting")),
    Column("basisdatum", _("baseline date"), DATE, aliases=("baseline date",)),
    Column("einddoel", _("end target"), DECIMAL, aliases=("target", "end target", "streefwaarde")),
    Column("einddoel_status", _("end target of a milestone (status)"), TEXT,
           aliases=("end target status",), max_length=100),
    Column("einddoel_datum", _("end target date"), DATE, aliases=("target date",)),
    Column("mijlpaalstatussen", _("statuses of a milestone, in order, separated by semicolons"),
           LIST, aliases=("milestone statuses", "statussen")),
    Column("gegevensbron", _("data source"), TEXT, aliases=("data source", "bron"),
           max_length=300),
    Column("frequentie", _("frequency"), CHOICE, choices=Frequency, aliases=("frequency",)),
    Column("bereik", _("scope"), CHOICE, choices=IndicatorScope, aliases=("scope",)),
    Column("omschrijving", _("description"), TEXT, aliases=("description",)),
    Column("voorbeeld", _("invented for the demo (yes or no)"), BOOLEAN, aliases=("example",)),
    Column("doel_periode", _("name of the target period (e.g. 2024)"), TEXT,
           aliases=("period", "periode", "target period"), max_length=50),
    Column("doel_begin", _("first day of the target period"), DATE,
           aliases=("period start", "periode begin", "begin")),
    Column("doel_einde", _("last day of the target period"), DATE,
           aliases=("period end", "periode einde", "einde")),
    Column("doel_waarde", _("target in this period"), DECIMAL,
           aliases=("doel", "target value", "periodedoel")),
    Column("doel_status", _("target status of a milestone in this period"), TEXT,
           aliases=("target status",), max_length=100),
])

MEASUREMENTS = SheetKind("measurements", "Metingen", _("Measurements"), [
    DEAL_ID,
    Column("indicator", _("name of the indicator"), TEXT, True,
           aliases=("naam", "name", "indicator naam"), max_length=300),
    Column("datum", _("date measured, or the last day of the period measured"), DATE, True,
           aliases=("date", "meetdatum", "peildatum")),
    Column("periode_begin", _("first day of the period measured"), DATE,
           aliases=("period start", "begin")),
    Column("waarde", _("value (a number)"), DECIMAL, aliases=("value", "meting", "gerealiseerd")),
    Column("status", _("status of a milestone"), TEXT, aliases=("milestone status",),
           max_length=100),
    Column("bron", _("source"), TEXT, aliases=("source",), max_length=300),
    Column("bewijs_url", _("address of the evidence"), URL,
           aliases=("evidence", "evidence url", "bewijs"), max_length=1000),
    Column("organisatie_id", _("identifier of the reporting organisation"), SLUG,
           aliases=("organisation", "organisatie", "reporting organisation")),
    Column("verificatie", _("verification"), CHOICE, choices=Verification,
           aliases=("verification",)),
    Column("betrouwbaarheid", _("confidence"), CHOICE, choices=Confidence,
           aliases=("confidence",)),
    Column("toelichting", _("note"), TEXT, aliases=("note", "opmerking")),
    Column("voorbeeld", _("invented for the demo (yes or no)"), BOOLEAN, aliases=("example",)),
    # a row with a dimension and a category is the value of that category of the measurement
    # in the row above it with the same indicator, date and organisation (long format)
    Column("dimensie", _("dimension of the breakdown (gemeente, leeftijd, geslacht, sector, eigen)"),
           TEXT, aliases=("dimension",), max_length=20),
    Column("categorie", _("category of the breakdown"), TEXT, aliases=("category",), max_length=100),
])

# The pathway, lessons and bottlenecks. Rows refer to each other by stable keys, never by
# database ids: a pathway element by deal, level and title; a link by its two elements; an
# assumption by its link and text; a bottleneck by deal, title and the date it was signalled
# (docs/data-exchange.md).

EXAMPLE = Column("voorbeeld", _("invented for the demo (yes or no)"), BOOLEAN, aliases=("example",))


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
    Column("omschrijving", _("description"), TEXT, aliases=("description",)),
    Column("werkzaam_element", _("an active ingredient: expected to predict long-term impact (yes or no)"),
           BOOLEAN, aliases=("active ingredient", "werkzaam element")),
    Column("volgorde", _("position in the pathway (a whole number; empty: the row's order)"),
           INTEGER, aliases=("order", "positie")),
    EXAMPLE,
])

LINKS = SheetKind("links", "Verbanden", _("Links between pathway elements"), LINK_KEY)

ASSUMPTIONS = SheetKind("assumptions", "Aannames", _("Assumptions on links"), [
    *LINK_KEY,
    Column("aanname", _("the assumption"), TEXT, True, aliases=("assumption",)),
    Column("status", _("status of the assumption"), CHOICE, choices=AssumptionStatus),
    EXAMPLE,
])

EVIDENCE = SheetKind("evidence", "Onderbouwing", _("Evidence for or against assumptions"), [
    *LINK_KEY,
    Column("aanname", _("the assumption, as on the sheet Aannames"), TEXT, True,
           aliases=("assumption",)),
    Column("datum", _("date of the evidence"), DATE, True, aliases=("date",)),
    Column("houding", _("for or against the assumption"), CHOICE, True, choices=EvidenceStance,
           aliases=("stance",)),
    Column("onderbouwing", _("the evidence, in words"), TEXT, True, aliases=("evidence", "bewijs")),
    Column("url", _("address of the evidence"), URL, aliases=("address", "adres", "link"),
           max_length=1000),
])

LESSONS = SheetKind("lessons", "Leerervaringen", _("Lessons"), [
    DEAL_ID,
    Column("titel", _("title of the lesson"), TEXT, True, aliases=("title",), max_length=300),
    Column("datum", _("date the lesson was learned"), DATE, True, aliases=("date", "learned on")),
    Column("soort", _("kind of lesson"), CHOICE, True, choices=LessonKind, aliases=("kind",)),
    Column("fase", _("phase of the deal"), CHOICE, choices=Phase, aliases=("phase",)),
    Column("les", _("the lesson"), TEXT, True, aliases=("lesson", "tekst", "text")),
    Column("themas", _("themes, separated by semicolons"), LIST, aliases=("themes", "thema's")),
    Column("tags", _("tags, separated by commas"), TEXT, max_length=500),
    Column("zichtbaarheid", _("visible to"), CHOICE, choices=Visibility,
           aliases=("visibility", "zichtbaar voor")),
    Column("indicatoren", _("names of the deal's indicators it concerns, separated by semicolons"),
           LIST, aliases=("indicators",)),
    Column("knelpunten", _("titles of the deal's bottlenecks it concerns, separated by semicolons"),
           LIST, aliases=("bottlenecks",)),
    EXAMPLE,
])

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
    Column("omschrijving", _("description"), TEXT, aliases=("description",)),
    Column("status", _("current status (the last row of its status history)"), CHOICE,
           choices=BottleneckStatus),
    Column("gesloten", _("closed on (follows from the status history)"), DATE,
           aliases=("closed on", "closed")),
    Column("oplossing", _("how it was resolved"), TEXT, aliases=("resolution",)),
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
    Column("notitie", _("note"), TEXT, aliases=("note", "toelichting")),
])

# In the order a workbook is checked and written: later sheets refer to rows of earlier ones.
KINDS = {k.key: k for k in (DEALS, PARTNERS, ELEMENTS, LINKS, ASSUMPTIONS, EVIDENCE, INDICATORS,
                            MEASUREMENTS, BOTTLENECKS, BOTTLENECK_STATUSES, LESSONS)}
KIND_BY_SHEET = {k.sheet.lower(): k for k in KINDS.values()}

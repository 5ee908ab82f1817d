"""What every sheet kind shares: the column and sheet descriptions, the cell types, the
context an export reads from and the context an import writes with.

Headers are fixed Dutch codes (like the CSV codebook's), whatever the interface language, so
a file made in one language imports in the other."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# What a cell holds; imports/checking/base.py parses each.
TEXT, SLUG, CHOICE, DECIMAL, DATE, PARTIAL_DATE, BOOLEAN, LIST, INTEGER, URL = (
    "text", "slug", "choice", "decimal", "date", "partial_date", "boolean", "list", "integer", "url",
)

REASON = "import"  # the reason every history row written by an import carries


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
        from ..checking import expected_text

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
EXAMPLE = Column("voorbeeld", _("invented for the demo (yes or no)"), BOOLEAN, aliases=("example",))


# Exports --------------------------------------------------------------------------------------


@dataclass
class Scope:
    """What an export holds: the deals (a queryset the reader may read), the ids of those whose
    internal fields the reader may see, and the bottlenecks, lessons and needs and offers the
    reader may see of them (querysets)."""

    deals: object
    internal_ids: set
    bottlenecks: object
    lessons: object
    posts: object = None  # the needs and offers the reader may read (ecosystem.selectors)


def num(value):
    """A Decimal as a spreadsheet number: an int when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def yes(value):
    return "ja" if value else "nee"


# Imports --------------------------------------------------------------------------------------


def same(instance, fields):
    return all(getattr(instance, k) == v for k, v in fields.items())


@dataclass
class Writing:
    """What the kinds' writers share while one checked plan is written: the actor, the plan,
    the rows written so far by key (later sheets refer to rows of earlier ones) and `step`,
    called per row written (it reports progress(done, total) now and then)."""

    actor: object
    plan: object
    progress: object = None
    done: int = 0
    total: int = 0
    publish: bool = False
    deals: dict = field(default_factory=dict)  # slug -> Deal
    organisations: dict = field(default_factory=dict)  # slug -> Organisation
    elements: dict = field(default_factory=dict)  # (deal, level, title) -> Element
    indicators: dict = field(default_factory=dict)  # (deal, name) -> Indicator
    bottlenecks: dict = field(default_factory=dict)  # (deal, title, signalled on) -> Bottleneck

    def step(self, n=1):
        self.done += n
        if self.progress and (self.done % 200 == 0 or n > 1):
            self.progress(self.done, self.total)

    def deal(self, slug):
        if slug not in self.deals:
            from dealmonitor.deals.models import Deal

            self.deals[slug] = Deal.objects.get(slug=slug)
        return self.deals[slug]

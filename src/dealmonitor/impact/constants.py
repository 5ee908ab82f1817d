from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class Level(models.TextChoices):
    """The levels of the impact pathway, from cause to effect."""

    AMBITIE = "ambitie", _("ambition")
    BELEID = "beleid", _("policy and strategy")
    ACTIVITEITEN = "activiteiten", _("activities")
    OUTPUT = "output", _("output")
    OUTCOME = "outcome", _("outcome")
    IMPACT = "impact", _("impact")


LEVEL_ORDER = {level.value: i for i, level in enumerate(Level)}


class AssumptionStatus(models.TextChoices):
    ONGETOETST = "ongetoetst", _("untested")
    ONDERSTEUND = "ondersteund", _("supported")
    WEERLEGD = "weerlegd", _("refuted")


class EvidenceStance(models.TextChoices):
    FOR = "voor", _("supports")
    AGAINST = "tegen", _("contradicts")


class Valence(models.TextChoices):
    POSITIVE = "positief", _("positive")
    NEGATIVE = "negatief", _("negative")


class Dimension(models.TextChoices):
    ECONOMIC = "economisch", _("economic")
    ENVIRONMENTAL = "ecologisch", _("environmental")
    SOCIAL = "sociaal", _("social")


class IndicatorKind(models.TextChoices):
    NUMERIC = "numeriek", _("number")
    PERCENTAGE = "percentage", _("percentage")
    MILESTONE = "mijlpaal", _("milestone")


class Direction(models.TextChoices):
    HIGHER = "hoger", _("higher is better")
    LOWER = "lager", _("lower is better")


class Aggregation(models.TextChoices):
    CUMULATIVE = "cumulatief", _("cumulative sum")
    PER_PERIOD = "per_periode", _("per period")
    LATEST = "laatste", _("latest value")


class IndicatorScope(models.TextChoices):
    PERFORMANCE = "prestatie", _("deal performance indicator")
    POPULATION = "populatie", _("population indicator (context)")


class Frequency(models.TextChoices):
    MONTH = "maand", _("monthly")
    QUARTER = "kwartaal", _("quarterly")
    HALF_YEAR = "halfjaar", _("half-yearly")
    YEAR = "jaar", _("yearly")
    ONCE = "eenmalig", _("once")
    OTHER = "anders", _("other")


class Verification(models.TextChoices):
    SELF_REPORTED = "zelfgerapporteerd", _("self-reported")
    VERIFIED = "geverifieerd", _("verified")
    SENT_BACK = "teruggestuurd", _("sent back")


class Meaning(models.TextChoices):
    """What one measurement of a numeric indicator says (docs/progress-rules.md)."""

    INCREMENT = "toename", _("a new amount (measurements add up)")
    LEVEL = "stand", _("the level on that date (the latest counts)")


# Dimensions an indicator may break its figures down by (at most MAX_DIMENSIONS), each
# with its default categories; "eigen" takes the indicator's own list. The municipality
# dimension names the municipalities the indicator lists.
DIMENSIONS = {
    "gemeente": (_("municipality"), []),
    "leeftijd": (_("age group"), ["0-17", "18-26", "27-66", "67+"]),
    "geslacht": (_("gender"), ["vrouw", "man", "anders of onbekend"]),
    "sector": (_("sector"), ["overheid", "bedrijfsleven", "onderwijs en kennis", "maatschappelijk"]),
    "eigen": (_("own categories"), []),
}
MAX_DIMENSIONS = 2
MAX_CATEGORIES = 50


class Confidence(models.TextChoices):
    HIGH = "hoog", _("high")
    MEDIUM = "gemiddeld", _("medium")
    LOW = "laag", _("low")


class Status(models.TextChoices):
    """Progress status of an indicator in a period (see docs/progress-rules.md)."""

    MET = "gehaald", _("met")
    ON_TRACK = "op_koers", _("on track")
    AT_RISK = "risico", _("at risk")
    OFF_TRACK = "achter", _("off track")
    NO_DATA = "geen_gegevens", _("no data")
    NO_TARGET = "geen_doel", _("no target")


DEFAULT_MILESTONE_STATUSES = ["niet gestart", "gestart", "gerealiseerd"]


def milestone_status_label(status):
    """A milestone status as the reader sees it. The stored value stays the Dutch word (imports,
    exports and the API use it); the default statuses show in the active language (English names
    in conf/locale/en, context "milestone status"). A status a deal typed itself shows as typed."""
    if status in DEFAULT_MILESTONE_STATUSES:
        return pgettext("milestone status", status)
    return status

# Tolerance: a period is on track from this share of its target, at risk below it down to
# AT_RISK_FROM, off track below that. Documented in docs/progress-rules.md.
ON_TRACK_FROM = Decimal("0.90")
AT_RISK_FROM = Decimal("0.70")

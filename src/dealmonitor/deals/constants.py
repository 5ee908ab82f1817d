from django.db import models
from django.utils.translation import gettext_lazy as _


class DealKind(models.TextChoices):
    CITY_DEAL = "city_deal", "City Deal"
    TOWN_DEAL = "town_deal", "Town Deal"
    REGIO_DEAL = "regio_deal", "Regio Deal"
    GREEN_DEAL = "green_deal", "Green Deal"
    OTHER = "other", _("other")


# How the data file spells the kinds.
DEAL_KIND_BY_LABEL = {
    "City Deal": DealKind.CITY_DEAL,
    "Town Deal": DealKind.TOWN_DEAL,
    "Regio Deal": DealKind.REGIO_DEAL,
    "Green Deal": DealKind.GREEN_DEAL,
    "other": DealKind.OTHER,
}


class DealStatus(models.TextChoices):
    LOPEND = "lopend", _("running")
    AFGEROND = "afgerond", _("finished")
    ONBEKEND = "onbekend", _("unknown")


class Phase(models.TextChoices):
    """The phases of a deal, after the impact literature; `afgerond` closes it."""

    VERKENNEN = "verkennen", _("exploring and designing")
    AANJAGEN = "aanjagen", _("driving and implementing")
    LEREN = "leren", _("learning and improving")
    BORGEN = "borgen", _("anchoring (scale, replicate or stop)")
    AFGEROND = "afgerond", _("finished")


class ParticipationKind(models.TextChoices):
    ONDERTEKENAAR = "ondertekenaar", _("signatory")
    PARTNER = "partner", _("partner")
    STAKEHOLDER = "stakeholder", _("stakeholder")
    PROFIJTGROEP = "profijtgroep", _("beneficiary group")
    OPSCHALINGSPARTNER = "opschalingspartner", _("scaling partner")


class Stance(models.TextChoices):
    ENTHOUSIAST = "enthousiast", _("enthusiastic")
    NEUTRAAL = "neutraal", _("neutral")
    WEERSTAND = "weerstand", _("resistant")


class RoleKind(models.TextChoices):
    DEALMAKER = "dealmaker", _("dealmaker")
    PROJECTLEIDER = "projectleider", _("project leader")
    PROJECTSECRETARIS = "projectsecretaris", _("project secretary")
    COMMUNICATIEADVISEUR = "communicatieadviseur", _("communications adviser")
    TREKKER = "trekker", _("lead")
    STUURGROEPLID = "stuurgroeplid", _("steering group member")
    WERKGROEPSECRETARIS = "werkgroepsecretaris", _("working group secretary")
    PROGRAMMAMANAGER = "programmamanager", _("programme manager")
    COORDINATOR = "coordinator", _("coordinator")
    BETROKKENE = "betrokkene", _("involved (role not specified)")


class AmbitionScope(models.TextChoices):
    DEAL = "deal", _("target of the deal")
    OPVOLGER = "opvolger", _("target of a successor programme")
    CONTEXT = "context", _("background figure, not a target")


class Confidence(models.TextChoices):
    STATED = "", _("stated in the source")
    AFGELEID = "afgeleid", _("inferred")


class SourcedField(models.TextChoices):
    """The scalar facts of a deal that carry their own sources."""

    NAME = "name", _("name")
    KIND = "kind", _("kind")
    DESCRIPTION = "description", _("description")
    SIGNING_DATE = "signing_date", _("signing date")
    END_DATE = "end_date", _("end date")
    STATUS = "status", _("status")

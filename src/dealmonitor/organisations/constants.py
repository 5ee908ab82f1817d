from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    """The partner types of the data file, plus the ones product.md names beyond it."""

    GEMEENTE = "gemeente", _("municipality")
    PROVINCIE = "provincie", _("province")
    MINISTERIE = "ministerie", _("ministry")
    WATERSCHAP = "waterschap", _("water authority")
    ZBO = "zbo", _("independent administrative body")
    BEDRIJF = "bedrijf", _("company / impact entrepreneur")
    KENNISINSTELLING = "kennisinstelling", _("knowledge institution")
    INTERMEDIAIR = "intermediair", _("intermediary")
    ADVIESBUREAU = "adviesbureau", _("consultancy")
    FINANCIER = "financier", _("financier")
    MAATSCHAPPELIJK = "maatschappelijke organisatie", _("civil society organisation")
    INWONERSINITIATIEF = "inwonersinitiatief", _("citizens' initiative")


class GovernmentLevel(models.TextChoices):
    RIJK = "rijk", _("central government")
    PROVINCIE = "provincie", _("province")
    WATERSCHAP = "waterschap", _("water authority")
    GEMEENTE = "gemeente", _("municipality")
    NONE = "", _("not a government body")


# The government level that follows from the type, where one does.
LEVEL_BY_TYPE = {
    OrganisationType.GEMEENTE: GovernmentLevel.GEMEENTE,
    OrganisationType.PROVINCIE: GovernmentLevel.PROVINCIE,
    OrganisationType.MINISTERIE: GovernmentLevel.RIJK,
    OrganisationType.ZBO: GovernmentLevel.RIJK,
    OrganisationType.WATERSCHAP: GovernmentLevel.WATERSCHAP,
}


def government_level_for(org_type, subtype=""):
    if (subtype or "").strip().lower() == "waterschap":
        return GovernmentLevel.WATERSCHAP
    return LEVEL_BY_TYPE.get(org_type, GovernmentLevel.NONE)

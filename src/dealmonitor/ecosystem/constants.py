from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    NEED = "vraag", _("need")
    OFFER = "aanbod", _("offer")


class Kind(models.TextChoices):
    """What is needed or offered: the kinds the ecosystem of a City Deal trades in."""

    FINANCING = "financiering", _("financing")
    BUYER = "afnemer", _("buyer or launching customer")
    SUPPLIER = "leverancier", _("supplier")
    KNOWLEDGE = "kennis", _("knowledge or research")
    PILOT = "pilotlocatie", _("pilot location")
    SPACE = "ruimte", _("space")
    PEOPLE = "mensen", _("people")
    DATA = "data", _("data")


class Visibility(models.TextChoices):
    PROGRAMME = "programma", _("signed-in users of the programme")
    PUBLIC = "openbaar", _("public: everyone, also without signing in")


class MarkStatus(models.TextChoices):
    CONTACTED = "gecontacteerd", _("contacted")
    USEFUL = "nuttig", _("useful")
    NOT_USEFUL = "niet-nuttig", _("not useful")


NATIONAL = "landelijk"

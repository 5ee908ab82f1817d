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

POST_TEXT = 2000
"""The maximum of a post's description: a post is a short text (issue 18: "with a short
text"), far under the 100,000 characters of the long texts (utils/text_limits.LONG_TEXT) that
lessons and notes may hold. The model declares it, so the form, the API and the import
(imports/kinds/post.py) refuse a longer text with the same message."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


class LinkKind(models.TextChoices):
    """What kind of connection a person confirmed between two deals."""

    FOLLOW_UP = "follow_up", _("predecessor or successor")
    SHARED_PARTNERS = "shared_partners", _("same partners or people")
    SHARED_CHALLENGE = "shared_challenge", _("same challenge or approach")
    SHARED_BOTTLENECK = "shared_bottleneck", _("same bottleneck")
    KNOWLEDGE_EXCHANGE = "knowledge_exchange", _("knowledge exchange")
    JOINT_WORK = "joint_work", _("joint activity")
    OTHER = "other", _("other")


class ReasonKind(models.TextChoices):
    """The signals the related-deals engine adds up; each becomes one reason in plain Dutch."""

    STATED = "stated", _("stated in the sources")
    PEOPLE = "people", _("shared people")
    ORGANISATIONS = "organisations", _("shared organisations")
    THEMES = "themes", _("shared themes")
    TEXT = "text", _("similar description and ambitions")
    REGULATION = "regulation", _("same regulation in a bottleneck")


class PhaseGroup(models.TextChoices):
    """How the Community of Practice groups deals."""

    START = "start", _("starting")
    RUNNING = "running", _("running")
    ENDING = "ending", _("ending or finished")

from django.db import models
from django.utils.translation import gettext_lazy as _


class BottleneckKind(models.TextChoices):
    REGELGEVING = "regelgeving", _("laws and regulations")
    FINANCIERING = "financiering", _("financing")
    ORGANISATIE = "organisatie", _("organisation")
    DATA = "data", _("data")
    MARKT = "markt", _("market")


class RuleLevel(models.TextChoices):
    EU = "eu", _("European Union")
    RIJK = "rijk", _("central government")
    PROVINCIE = "provincie", _("province")
    GEMEENTE = "gemeente", _("municipality")


class BottleneckStatus(models.TextChoices):
    GESIGNALEERD = "gesignaleerd", _("signalled")
    GEAGENDEERD = "geagendeerd", _("put on the agenda")
    IN_BEHANDELING = "in_behandeling", _("being dealt with")
    OPGELOST = "opgelost", _("resolved")
    NIET_OPGELOST = "niet_opgelost", _("not resolved")


CLOSED_STATUSES = (BottleneckStatus.OPGELOST, BottleneckStatus.NIET_OPGELOST)


class LessonKind(models.TextChoices):
    SUCCES = "succes", _("success")
    TEGENSLAG = "tegenslag", _("setback")
    FOUT = "fout", _("mistake")
    INZICHT = "inzicht", _("insight")


class Visibility(models.TextChoices):
    """Who reads a lesson. "programma" is public: whoever may read the deal, so for a
    published deal everyone, without signing in (learning/rules.py, can_read_lesson); the
    labels say so."""

    DEAL = "deal", _("the deal only: its members and the programme staff")
    PROGRAMMA = "programma", _("public: everyone, also without signing in (once the deal is published)")


class UptakeKind(models.TextChoices):
    BELEIDSPROGRAMMA = "beleidsprogramma", _("policy programme")
    REGELGEVING = "regelgeving", _("law or regulation")
    STANDAARD = "standaard", _("standard (NEN, CROW)")
    MODELVERORDENING = "modelverordening", _("model regulation (VNG)")
    ORGANISATIE = "organisatie", _("new organisation or foundation")
    NATIONALE_AANPAK = "nationale_aanpak", _("national approach")
    ADOPTIE = "adoptie", _("adoption by non-partners")


class DeliverableKind(models.TextChoices):
    INSTRUMENT = "instrument", _("tool")
    HANDREIKING = "handreiking", _("guide")
    DATASET = "dataset", _("data set")
    PUBLICATIE = "publicatie", _("publication")
    ANDERS = "anders", _("other")


SCORES = [(i, str(i)) for i in range(1, 6)]


class ScalingRoute(models.TextChoices):
    OPSCHALEN = "opschalen", _("scale up")
    REPLICEREN = "repliceren", _("replicate")
    VERDIEPEN = "verdiepen", _("deepen")
    STOPPEN = "stoppen", _("stop")


class WayOfWorking(models.TextChoices):
    PROJECT = "project", _("as a project")
    PROCES = "proces", _("as a process")
    PROGRAMMA = "programma", _("as a programme")


# A scaling plan and a start conversation are revisited at least once a year.
REVISIT_AFTER_DAYS = 365

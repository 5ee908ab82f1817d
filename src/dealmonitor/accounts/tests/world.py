"""A small world with one user per role, for the role and permission-matrix tests.

Three deals: `own` (unpublished; the partner member, the deal team and the dealmaker have
their role here), `other` (unpublished; nobody has a role) and `published` (published;
nobody has a role). One user per role; the public is the anonymous user (None here).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory

PASSWORD = "een-lang-wachtwoord-42"
# The roles, in the order the matrix is written.
ROLES = ("public", "signed_in", "partner", "team", "dealmaker", "evaluator", "admin")
DEALS = ("own", "other", "published")


@dataclass
class World:
    deals: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)


def build_world(django_user_model):
    world = World()
    world.deals = {
        "own": DealFactory(slug="cd-eigen", name="City Deal Eigen", unpublished=True),
        "other": DealFactory(slug="cd-ander", name="City Deal Ander", unpublished=True),
        "published": DealFactory(slug="cd-open", name="City Deal Open"),
    }
    for key, deal in world.deals.items():
        org = OrganisationFactory(name=f"Gemeente {key.capitalize()}", slug=f"gemeente-{key}")
        ParticipationFactory(deal=deal, organisation=org)
        world.organisations[key] = org

    def user(name, **flags):
        return django_user_model.objects.create_user(username=name, password=PASSWORD, **flags)

    world.users = {
        "public": AnonymousUser(),
        "signed_in": user("ingelogd"),
        "partner": user("partnerlid"),
        "team": user("projectleider"),
        "dealmaker": user("dealmaker"),
        "evaluator": user("evaluator", is_evaluator=True),
        "admin": user("beheerder", is_staff=True),
    }
    own = world.deals["own"]
    DealMembership.objects.create(
        user=world.users["partner"], deal=own, role="partner", organisation=world.organisations["own"]
    )
    DealMembership.objects.create(user=world.users["team"], deal=own, role="team")
    DealMembership.objects.create(user=world.users["dealmaker"], deal=own, role="dealmaker")
    return world


# Text that may only reach those who may see it. A deal's name may only reach those who may
# read the deal; an internal canary only those who may see the deal's internal data.
def internal_canaries(key):
    return {
        f"INTERN-TOEZEGGING-{key}",  # a participation's commitment in kind
        f"INTERN-KNELPUNT-{key}",  # the title of a bottleneck that is not resolved
        f"INTERN-LES-{key}",  # the title of a lesson for the deal only
        f"INTERN-ANTWOORD-{key}",  # a self-assessment answer's comment
        f"INTERN-REFLECTIE-{key}",  # a round's reflection
        f"INTERN-WEERSTAND-{key}",  # the resistant parties of the scaling plan
    }


def populate(world, media_root):
    """Give every deal the data its pages show, with canaries in the internal fields; a spare
    published deal (`spare`, no roles) serves as the other side of a connection."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from dealmonitor.connections.models import CommunityEvent, EventLesson
    from dealmonitor.deals.models import Participation
    from dealmonitor.impact.models import Element, Indicator, Link, Measurement, Pathway
    from dealmonitor.learning import models as learning
    from dealmonitor.learning.services import ensure_default_template

    template = ensure_default_template(actor=None)
    statement = template.statements.first()
    world.deals["spare"] = DealFactory(slug="cd-reserve", name="City Deal Reserve")
    world.objects = {}
    for key in DEALS:
        deal, org = world.deals[key], world.organisations[key]
        Participation.objects.filter(deal=deal, organisation=org).update(
            commitment_in_kind=f"INTERN-TOEZEGGING-{key}", stance="weerstand",
            commitment_money=12345,
        )
        pathway = Pathway.objects.create(deal=deal, summary=f"Veranderpad {key}")
        cause = Element.objects.create(pathway=pathway, level="activiteiten", title=f"Activiteit {key}")
        effect = Element.objects.create(pathway=pathway, level="output", title=f"Output {key}")
        Link.objects.create(pathway=pathway, cause=cause, effect=effect)
        indicator = Indicator.objects.create(deal=deal, element=effect, name=f"Indicator {key}")
        measurement = Measurement(indicator=indicator, date=dt.date(2024, 6, 30), value=3,
                                  reporting_organisation=org)
        measurement.evidence_file.save(f"bewijs-{key}.pdf", ContentFile(b"%PDF-1.4 bewijs"),
                                       save=False)
        measurement.save()
        resolved = learning.Bottleneck.objects.create(
            deal=deal, title=f"Opgelost knelpunt {key}", kind="regelgeving", status="opgelost",
            signalled_on=dt.date(2023, 1, 1), closed_on=dt.date(2024, 1, 1),
            resolution="De regel is aangepast.",
        )
        unresolved = learning.Bottleneck.objects.create(
            deal=deal, title=f"INTERN-KNELPUNT-{key}", kind="financiering",
            status="gesignaleerd", signalled_on=dt.date(2024, 1, 1),
        )
        lesson = learning.Lesson.objects.create(deal=deal, title=f"Les {key}", text="Geleerd.",
                                                kind="inzicht", visibility="programma")
        internal_lesson = learning.Lesson.objects.create(
            deal=deal, title=f"INTERN-LES-{key}", text="Binnenskamers.", kind="fout",
            visibility="deal",
        )
        round = learning.AssessmentRound.objects.create(
            deal=deal, template=template, name=f"Midterm {key}", opened_on=dt.date(2024, 1, 1),
            reflection=f"INTERN-REFLECTIE-{key}",
        )
        learning.Answer.objects.create(round=round, statement=statement, organisation=org,
                                       score=3, comment=f"INTERN-ANTWOORD-{key}")
        deliverable = learning.Deliverable.objects.create(deal=deal, name=f"Handreiking {key}",
                                                          kind="handreiking")
        learning.ScalingPlan.objects.create(deal=deal, route="opschalen",
                                            resistant_parties=f"INTERN-WEERSTAND-{key}",
                                            reviewed_on=dt.date(2024, 1, 1))
        learning.StartConversation.objects.create(deal=deal, client="De stuurgroep",
                                                  reviewed_on=dt.date(2024, 1, 1))
        world.objects[key] = {
            "indicator": indicator,
            "measurement": measurement,
            "bottleneck": unresolved,
            "resolved_bottleneck": resolved,
            "lesson": lesson,
            "internal_lesson": internal_lesson,
            "round": round,
            "milestone": learning.Milestone.objects.create(deal=deal, title=f"Mijlpaal {key}"),
            "experiment": learning.Experiment.objects.create(deal=deal, title=f"Proef {key}"),
            "deliverable": deliverable,
        }
    event = CommunityEvent.objects.create(title="CoP-bijeenkomst", date=dt.date(2024, 5, 1))
    event.deals.set([world.deals[k] for k in (*DEALS, "spare")])
    for key in DEALS:
        EventLesson.objects.create(event=event, deal=world.deals[key], text=f"Bijeenkomstles {key}")
    world.event = event
    return world

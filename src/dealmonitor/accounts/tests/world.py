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

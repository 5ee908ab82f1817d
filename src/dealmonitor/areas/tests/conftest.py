import datetime as dt
from pathlib import Path

import pytest

from dealmonitor.accounts.models import DealMembership
from dealmonitor.areas import services
from dealmonitor.areas.importing import TopicSpec
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "een-lang-wachtwoord-42"
KWB_TOPICS = [TopicSpec("AantalInwoners_5", "Inwoners", "aantal"),
              TopicSpec("HuishoudensMetEenLaagInkomen_86", "Huishoudens met laag inkomen", "%")]
RETRIEVED = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def municipalities(db):
    """The municipalities of the reference list. The migration loads them, but the browser
    tests empty every table after each test, so every test loads them (idempotent)."""
    services.sync_municipalities()


@pytest.fixture
def stadscentrum(municipalities):
    return services.add_area(actor=None, code="WK059901", name="Stadscentrum")


@pytest.fixture
def kwb_bytes():
    return (FIXTURES / "kwb-2024.csv").read_bytes()


@pytest.fixture
def deal(db):
    """A deal with Den Haag and Rotterdam among its partners, and Brielle registered under its
    old code (GM0501, since 2023 Voorne aan Zee)."""
    deal = DealFactory(slug="cd-wijk", name="City Deal Geldstromen in de wijk")
    for name, slug, code in (("Gemeente Den Haag", "gemeente-den-haag", "GM0518"),
                             ("Gemeente Rotterdam", "gemeente-rotterdam", "GM0599"),
                             ("Gemeente Brielle (oud)", "gemeente-brielle", "GM0501")):
        ParticipationFactory(deal=deal, organisation=OrganisationFactory(name=name, slug=slug, cbs_code=code))
    ParticipationFactory(deal=deal, organisation=OrganisationFactory(
        name="Stichting Wijkkracht", slug="wijkkracht", type="maatschappelijke organisatie"))
    return deal


def _user(django_user_model, name, **extra):
    return django_user_model.objects.create_user(username=name, password=PASSWORD, **extra)


@pytest.fixture
def team_user(deal, django_user_model):
    user = _user(django_user_model, "projectleider")
    DealMembership.objects.create(user=user, deal=deal, role="team")
    return user


@pytest.fixture
def partner_user(deal, django_user_model):
    user = _user(django_user_model, "partnerlid")
    org = deal.participations.get(organisation__slug="wijkkracht").organisation
    DealMembership.objects.create(user=user, deal=deal, role="partner", organisation=org)
    return user


@pytest.fixture
def programme_admin(django_user_model):
    return _user(django_user_model, "programma", is_staff=True)

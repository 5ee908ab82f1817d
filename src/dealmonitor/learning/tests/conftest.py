import datetime as dt

import pytest

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Theme
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.organisations.constants import OrganisationType

PASSWORD = "een-lang-wachtwoord-42"


@pytest.fixture(autouse=True)
def default_template(db):
    """The default template comes with a data migration; browser tests empty every table after
    each test, so tests make sure it is there (the service is idempotent)."""
    from dealmonitor.learning.services import ensure_default_template

    return ensure_default_template(actor=None)


@pytest.fixture
def deal(db):
    deal = DealFactory(slug="cd-proef", name="City Deal Proef", signing_date=dt.date(2021, 3, 4))
    deal.themes.add(Theme.objects.get_or_create(name="energietransitie")[0])
    return deal


@pytest.fixture
def other_deal(db):
    return DealFactory(slug="cd-ander", name="City Deal Ander")


@pytest.fixture
def ministry(db):
    return OrganisationFactory(name="Ministerie van Binnenlandse Zaken", slug="ministerie-bzk",
                               type=OrganisationType.MINISTERIE)


@pytest.fixture
def rotterdam(deal):
    org = OrganisationFactory(name="Gemeente Rotterdam", slug="gemeente-rotterdam")
    ParticipationFactory(deal=deal, organisation=org)
    return org


@pytest.fixture
def tilburg(deal):
    org = OrganisationFactory(name="Gemeente Tilburg", slug="gemeente-tilburg")
    ParticipationFactory(deal=deal, organisation=org)
    return org


def _user(django_user_model, name, **extra):
    return django_user_model.objects.create_user(username=name, password=PASSWORD, **extra)


@pytest.fixture
def team_user(deal, django_user_model):
    user = _user(django_user_model, "projectleider")
    DealMembership.objects.create(user=user, deal=deal, role="team")
    return user


@pytest.fixture
def rotterdam_user(deal, rotterdam, django_user_model):
    user = _user(django_user_model, "rotterdammer")
    DealMembership.objects.create(user=user, deal=deal, role="partner", organisation=rotterdam)
    return user


@pytest.fixture
def tilburg_user(deal, tilburg, django_user_model):
    user = _user(django_user_model, "tilburger")
    DealMembership.objects.create(user=user, deal=deal, role="partner", organisation=tilburg)
    return user


@pytest.fixture
def outsider(other_deal, django_user_model):
    user = _user(django_user_model, "buitenstaander")
    DealMembership.objects.create(user=user, deal=other_deal, role="team")
    return user

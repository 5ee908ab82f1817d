import datetime as dt
from decimal import Decimal

import pytest

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import Aggregation, Direction, Frequency, IndicatorKind, Level
from dealmonitor.learning.services import ensure_default_template
from dealmonitor.organisations.constants import OrganisationType

PASSWORD = "een-lang-wachtwoord-42"
TODAY = dt.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def default_template(db):
    return ensure_default_template(actor=None)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """What is due depends on the date: the tests run on 20 May 2026."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def make_deal(n, **extra):
    deal = DealFactory(slug=f"cd-werk-{n}", name=f"City Deal Werk {n}", **extra)
    pathway = impact_services.get_or_create_pathway(actor=None, deal=deal)
    element = impact_services.add_element(actor=None, pathway=pathway, level=Level.OUTPUT,
                                          title="Woningen")
    indicator = impact_services.save_indicator(
        actor=None, deal=deal, name=f"Woningen verduurzaamd {n}", element=element,
        kind=IndicatorKind.NUMERIC, unit="woningen", direction=Direction.HIGHER,
        aggregation=Aggregation.CUMULATIVE, baseline_value=Decimal(0), target_value=Decimal(100),
        frequency=Frequency.QUARTER,
    )
    org = OrganisationFactory(slug=f"gemeente-werk-{n}", name=f"Gemeente Werk {n}")
    ParticipationFactory(deal=deal, organisation=org)
    return deal, indicator, org


@pytest.fixture
def ministry(db):
    return OrganisationFactory(name="Ministerie van BZK", slug="ministerie-bzk",
                               type=OrganisationType.MINISTERIE)


@pytest.fixture
def user(django_user_model):
    def make(name, **extra):
        return django_user_model.objects.create_user(username=name, password=PASSWORD,
                                                     email=f"{name}@example.org", **extra)
    return make


def member(user, deal, role, organisation=None):
    return DealMembership.objects.create(user=user, deal=deal, role=role, organisation=organisation)

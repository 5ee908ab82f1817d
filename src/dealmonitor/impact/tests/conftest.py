import datetime as dt
from decimal import Decimal

import pytest

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.impact import services
from dealmonitor.impact.constants import Aggregation, Direction, IndicatorKind, Level
from dealmonitor.utils.partial_dates import Precision


@pytest.fixture(autouse=True)
def reference_data(db):
    """The shipped reference sets. A data migration loads them, but the browser tests empty
    every table after each test, so tests load them again (the loader is idempotent). When
    the tables already hold exactly what the loader would write (two queries), the loader's
    ~130 queries are skipped."""
    from dealmonitor.impact.reference import load_reference_sets

    if not _reference_sets_as_shipped():
        load_reference_sets()


def _reference_sets_as_shipped():
    import json

    from dealmonitor.impact.models import ReferenceItem, ReferenceSet
    from dealmonitor.impact.reference import REFERENCE_DIR, REFERENCE_FILES

    set_fields = [f.name for f in ReferenceSet._meta.concrete_fields if f.name != "id"]
    sets = {(s["code"], s["edition"]): s for s in ReferenceSet.objects.values("id", *set_fields)}
    items = {}
    fields = ("reference_set", "code", "name", "description", "order")
    for row in ReferenceItem.objects.values(*fields):
        items.setdefault(row.pop("reference_set"), []).append(row)
    for name in REFERENCE_FILES:
        spec = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
        wanted_items = spec.pop("items")
        row = sets.get((spec["code"], spec["edition"]))
        if row is None or any(row[k] != v for k, v in spec.items()):
            return False
        have = {i["code"]: i for i in items.get(row["id"], [])}
        for order, item in enumerate(wanted_items, start=1):
            wanted = {"code": item["code"], "name": item["name"],
                      "description": item.get("description", ""), "order": order}
            if have.get(item["code"]) != wanted:
                return False
    return True


@pytest.fixture
def deal(db):
    return DealFactory(
        slug="cd-proef", name="City Deal Proef",
        signing_date=dt.date(2022, 3, 1), signing_date_precision=Precision.DAY,
        end_date=dt.date(2025, 1, 1), end_date_precision=Precision.YEAR,
    )


@pytest.fixture
def other_deal(db):
    return DealFactory(slug="cd-ander", name="City Deal Ander")


@pytest.fixture
def partner_org(deal):
    return ParticipationFactory(deal=deal).organisation


@pytest.fixture
def other_org(deal):
    return ParticipationFactory(deal=deal, organisation=OrganisationFactory(name="Gemeente Elders", slug="gemeente-elders")).organisation


def _user(django_user_model, name, **extra):
    return django_user_model.objects.create_user(username=name, password="een-lang-wachtwoord-42", **extra)


@pytest.fixture
def team_user(deal, django_user_model):
    user = _user(django_user_model, "projectleider")
    DealMembership.objects.create(user=user, deal=deal, role="team")
    return user


@pytest.fixture
def partner_user(deal, partner_org, django_user_model):
    user = _user(django_user_model, "partnerlid")
    DealMembership.objects.create(user=user, deal=deal, role="partner", organisation=partner_org)
    return user


@pytest.fixture
def outsider(other_deal, django_user_model):
    """In the team of another deal: may edit that one, not ours."""
    user = _user(django_user_model, "buitenstaander")
    DealMembership.objects.create(user=user, deal=other_deal, role="team")
    return user


@pytest.fixture
def pathway(deal):
    return services.get_or_create_pathway(actor=None, deal=deal)


@pytest.fixture
def elements(pathway):
    return {
        level: services.add_element(actor=None, pathway=pathway, level=level, title=f"Stap {level}")
        for level in (Level.ACTIVITEITEN, Level.OUTPUT, Level.OUTCOME)
    }


@pytest.fixture
def numeric(deal, elements):
    return services.save_indicator(
        actor=None, deal=deal, name="Woningen verduurzaamd", element=elements[Level.OUTPUT],
        kind=IndicatorKind.NUMERIC, unit="woningen", direction=Direction.HIGHER,
        aggregation=Aggregation.CUMULATIVE, baseline_value=Decimal(0), target_value=Decimal(100),
    )


@pytest.fixture
def percentage(deal, elements):
    return services.save_indicator(
        actor=None, deal=deal, name="Aandeel tevreden bewoners", element=elements[Level.OUTCOME],
        kind=IndicatorKind.PERCENTAGE, unit="procent", aggregation=Aggregation.LATEST,
        target_value=Decimal(80),
    )


@pytest.fixture
def milestone(deal, elements):
    return services.save_indicator(
        actor=None, deal=deal, name="Handreiking", element=elements[Level.OUTPUT],
        kind=IndicatorKind.MILESTONE, target_status="gerealiseerd",
    )

"""A deal's change log: every change through the pages, the API and imports, with who, when,
before and after and why; and putting an earlier value back."""

import datetime as dt
import json

import pytest
from django.urls import path, reverse
from knox.models import AuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from dealmonitor import urls as project_urls
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals import history
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.deals.services import import_portfolio, restore_change
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Indicator, Measurement
from dealmonitor.utils.change_reason import (
    MAX_LENGTH,
    REASONS,
    change_reason,
    compose,
    reason_parts,
)
from dealmonitor.utils.queries import count_queries

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-42"


@pytest.fixture
def deal():
    return DealFactory(slug="cd-historie", name="City Deal Historie", unpublished=True,
                       signing_date=dt.date(2022, 1, 1))


@pytest.fixture
def org(deal):
    return ParticipationFactory(deal=deal, organisation=OrganisationFactory(
        name="Gemeente Historie", slug="gemeente-historie")).organisation


@pytest.fixture
def team(deal, django_user_model):
    user = django_user_model.objects.create_user("leider", password=PASSWORD)
    DealMembership.objects.create(user=user, deal=deal, role="team")
    return user


@pytest.fixture
def partner(deal, org, django_user_model):
    user = django_user_model.objects.create_user("partner", password=PASSWORD)
    DealMembership.objects.create(user=user, deal=deal, role="partner", organisation=org)
    return user


@pytest.fixture
def indicator(deal):
    return impact_services.save_indicator(actor=None, deal=deal, name="Woningen",
                                          target_value=100, unit="woningen")


def log_page(client, deal, **params):
    response = client.get(reverse("deals:change_log", args=[deal.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


# Reasons ------------------------------------------------------------------------------------


def test_a_reason_is_a_code_and_text_within_the_column():
    assert compose("correctie", "typfout in het bedrag") == "correctie: typfout in het bedrag"
    assert compose("", "  alleen   tekst ") == "alleen tekst"
    assert compose("verzonnen", "tekst") == "verzonnen tekst"  # unknown code: kept as text
    assert len(compose("aangepaste-planning", "x" * 500)) == MAX_LENGTH
    label, text = reason_parts("correctie: typfout")
    assert (label, text) == (REASONS["correctie"], "typfout")
    assert reason_parts("besloten in de stuurgroep") == (None, "besloten in de stuurgroep")


def test_the_reason_on_an_edit_form_reaches_the_history_and_the_log(client, deal, team, indicator):
    client.force_login(team)
    response = client.post(
        reverse("impact:indicator_edit", kwargs={"slug": deal.slug, "pk": indicator.pk}),
        {"name": "Woningen verduurzaamd", "kind": "numeriek", "direction": "hoger",
         "aggregation": "per_periode", "frequency": "jaar", "scope": "prestatie", "meaning": "toename",
         "target_value": "120", "change_reason": "aangepaste-planning",
         "change_reason_text": "Doel verhoogd na de midterm"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = Indicator.history.filter(id=indicator.pk).first()
    assert record.history_user == team
    assert record.history_change_reason == "aangepaste-planning: Doel verhoogd na de midterm"
    page = log_page(client, deal)
    assert "Aangepaste planning" in page and "Doel verhoogd na de midterm" in page
    assert "Woningen verduurzaamd" in page and "120" in page and "leider" in page


def test_a_service_reason_and_the_users_reason_are_both_kept(deal, indicator):
    with change_reason("correctie", "tikfout"):
        impact_services.save_indicator(actor=None, deal=deal, indicator=indicator, name="X",
                                       reason="bulk update")
    assert Indicator.history.first().history_change_reason == "correctie: tikfout (bulk update)"


# Through the API ----------------------------------------------------------------------------


class MeasurementWrite(APIView):
    """A minimal API write, as the API's own endpoints do: the service does the work."""

    def post(self, request, pk):
        indicator = Indicator.objects.get(pk=pk)
        m = impact_services.record_measurement(
            actor=request.user, indicator=indicator, date=dt.date.fromisoformat(request.data["date"]),
            value=request.data["value"],
        )
        return Response({"id": m.pk}, status=201)


urlpatterns = [
    path("test-api/indicators/<int:pk>/measurements/", MeasurementWrite.as_view()),
    *project_urls.urlpatterns,
]


@pytest.mark.urls(__name__)
def test_a_change_through_the_api_carries_its_reason_into_the_log(client, deal, team, indicator):
    token = AuthToken.objects.create(user=team)[1]
    url = f"/test-api/indicators/{indicator.pk}/measurements/"
    response = client.post(url, json.dumps({"date": "2023-06-30", "value": "42"}),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}",
                           HTTP_X_CHANGE_REASON="nieuwe-informatie; jaarverslag 2023")
    assert response.status_code == 201
    second = client.post(url, json.dumps({"date": "2023-07-31", "value": "43",
                                          "change_reason": "correctie",
                                          "change_reason_text": "in de body"}),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert second.status_code == 201
    reasons = list(Measurement.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["nieuwe-informatie: jaarverslag 2023", "correctie: in de body"]
    client.force_login(team)
    page = log_page(client, deal, onderdeel="measurements")
    assert "Nieuwe informatie" in page and "jaarverslag 2023" in page and "42" in page


# Through an import --------------------------------------------------------------------------


def test_changes_by_an_import_are_in_the_log(client, demo_records, django_user_model):
    import_portfolio(actor=None, records=demo_records[:1])
    deal = Deal.objects.get(slug=demo_records[0].slug)
    admin = django_user_model.objects.create_user("beheer", password=PASSWORD, is_staff=True)
    client.force_login(admin)
    page = log_page(client, deal)
    assert "Import" in page and "het systeem (opdrachtregel)" in page
    assert deal.name in page
    partners = log_page(client, deal, onderdeel="partners")
    first = deal.participations.select_related("organisation").first()
    assert first.organisation.name in partners


# Putting an earlier value back --------------------------------------------------------------


def test_an_earlier_value_is_put_back_as_a_new_change(client, deal, team, indicator):
    impact_services.save_indicator(actor=team, deal=deal, indicator=indicator, target_value=250)
    change = Indicator.history.filter(id=indicator.pk, history_type="~").latest("history_id")
    client.force_login(team)
    response = client.post(
        reverse("deals:restore_change", args=[deal.slug, "impact.indicator", change.history_id]),
        {"note": "250 was een tikfout"},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == 100
    latest = Indicator.history.filter(id=indicator.pk).latest("history_id")
    assert latest.history_user == team
    assert latest.history_change_reason == "herstel: 250 was een tikfout"
    assert "Eerdere waarde hersteld" in log_page(client, deal)


def test_a_deleted_row_is_brought_back(client, deal, team, indicator):
    m = impact_services.record_measurement(actor=team, indicator=indicator, date=dt.date(2023, 1, 1), value=7)
    pk = m.pk
    impact_services.delete_measurement(actor=team, measurement=m)
    deletion = Measurement.history.get(history_type="-")
    restore_change(actor=team, deal=deal, label="impact.measurement", history_id=deletion.history_id)
    assert Measurement.objects.get(pk=pk).value == 7
    assert Measurement.history.filter(id=pk).latest("history_id").history_type == "+"


def test_only_who_may_edit_the_deal_puts_values_back(client, deal, team, partner, indicator):
    impact_services.save_indicator(actor=team, deal=deal, indicator=indicator, target_value=250)
    change = Indicator.history.filter(id=indicator.pk, history_type="~").latest("history_id")
    url = reverse("deals:restore_change", args=[deal.slug, "impact.indicator", change.history_id])
    client.force_login(partner)  # reads the log (a member), may not change the deal
    assert log_page(client, deal)
    assert client.post(url).status_code == 403
    indicator.refresh_from_db()
    assert indicator.target_value == 250


def test_a_change_of_another_deal_cannot_be_put_back_through_this_one(deal, team, indicator):
    other = DealFactory()
    other_indicator = impact_services.save_indicator(actor=None, deal=other, name="Ander")
    impact_services.save_indicator(actor=None, deal=other, indicator=other_indicator, name="Anders")
    change = Indicator.history.filter(id=other_indicator.pk, history_type="~").get()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        restore_change(actor=team, deal=deal, label="impact.indicator", history_id=change.history_id)


def test_the_phase_and_publication_are_not_put_back(deal, team):
    from dealmonitor.deals.services import change_deal_phase

    change_deal_phase(actor=team, deal=deal, phase="aanjagen")
    change = Deal.history.filter(id=deal.pk, history_type="~").latest("history_id")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # the phase changes only with its phase history
        restore_change(actor=team, deal=deal, label="deals.deal", history_id=change.history_id)


# The page -------------------------------------------------------------------------------------


def test_the_log_is_only_for_who_may_see_the_deals_internals(client, deal, django_user_model):
    Deal.objects.filter(pk=deal.pk).update(is_published=True)
    url = reverse("deals:change_log", args=[deal.slug])
    assert client.get(url).status_code == 302  # the public: sign in
    client.force_login(django_user_model.objects.create_user("iemand", password=PASSWORD))
    assert client.get(url).status_code == 403


def test_deleted_rows_and_internal_values_stay_in_the_log(client, deal, team, org):
    participation = Participation.objects.get(deal=deal, organisation=org)
    participation.commitment_money = 25000
    participation._history_user = team
    participation.save()
    client.force_login(team)
    page = log_page(client, deal, onderdeel="partners")
    assert "25000" in page.replace(".", "")
    participation.delete()
    assert "verwijderd" in log_page(client, deal, onderdeel="partners")


def test_the_log_reads_a_fixed_number_of_queries(client, deal, team, indicator):
    client.force_login(team)
    url = reverse("deals:change_log", args=[deal.slug])

    def measure():
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    # Every kind of entry once (added, changed, removed), so every kind of name is looked up.
    m = impact_services.record_measurement(actor=team, indicator=indicator, date=dt.date(2023, 1, 1), value=1)
    impact_services.delete_measurement(actor=team, measurement=m)
    impact_services.save_indicator(actor=team, deal=deal, indicator=indicator, target_value=99)
    before = measure()
    for i in range(2, 12):
        m = impact_services.record_measurement(actor=team, indicator=indicator,
                                               date=dt.date(2023, 1, i), value=i)
        impact_services.delete_measurement(actor=team, measurement=m)
        impact_services.save_indicator(actor=team, deal=deal, indicator=indicator, target_value=100 + i)
    assert measure() == before


def test_the_log_is_the_same_with_its_queries_prepared_and_compiles_them_once(
        deal, team, indicator, staff_user, monkeypatch):
    """The log's query per history table is compiled once per process (deals/history.py
    `_newest`): the same entries as the queryset compiled at every view (as past the pages
    prepared), also of a connection, which has two deals."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from dealmonitor.connections import services as connection_services

    other = DealFactory(slug="cd-ander", name="City Deal Ander")
    connection_services.confirm_connection(actor=staff_user, deal=other, other=deal, kind="shared_partners")
    for i in range(1, 4):
        m = impact_services.record_measurement(actor=team, indicator=indicator, date=dt.date(2023, 1, i), value=i)
        impact_services.save_indicator(actor=team, deal=deal, indicator=indicator, target_value=100 + i)
    impact_services.delete_measurement(actor=team, measurement=m)

    def seen(entries):
        return [(e.label, e.record.history_id, e.kind, [(c.field, c.before, c.after) for c in e.changes])
                for e in entries]

    prepared = {page: seen(history.change_log(deal, page=page, per_page=3)[0]) for page in (1, 2, 3)}
    assert any(label == "connections.connection" for label, *_ in prepared[1] + prepared[2] + prepared[3])
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        history.change_log(deal, page=1, per_page=3)
        kept = compiled.call_count
    monkeypatch.setattr(history, "PREPARED_UP_TO", 0)  # every query compiled at every view
    assert {page: seen(history.change_log(deal, page=page, per_page=3)[0]) for page in (1, 2, 3)} == prepared
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        history.change_log(deal, page=1, per_page=3)
        afresh = compiled.call_count
    # a view compiles at least one query fewer per history table than before
    assert afresh - kept >= len(history.TRACKED)


def test_a_moment_in_a_change_is_shown_in_the_sites_time_as_when_it_happened(deal, staff_user):
    """A value that is a moment (a connection's decision) is shown in Dutch time, as the
    change's own time is: not an hour off in winter."""
    import zoneinfo

    from django.utils import timezone

    from dealmonitor.connections import services as connection_services

    other = DealFactory(slug="cd-ander", name="City Deal Ander")
    connection = connection_services.confirm_connection(actor=staff_user, deal=other, other=deal,
                                                        kind="shared_partners")
    decided = timezone.localtime(connection.decided_at, zoneinfo.ZoneInfo("Europe/Amsterdam"))
    entry = next(e for e in history.change_log(deal)[0] if e.label == "connections.connection")
    shown = next(c.after for c in entry.changes if c.field == "decided_at")
    assert shown.endswith(decided.strftime("%H:%M")), (shown, decided)


def test_every_tracked_model_has_history_and_a_way_to_its_deal():
    for label, part, parent, parent_label in history.TRACKED:
        assert part in history.PARTS
        history.history_model(label)  # raises when the model keeps no history
        if parent_label:
            assert parent_label in history.PART_OF


def test_every_model_with_deal_data_is_tracked():
    """A new model that belongs to a deal must be registered with `track()` in its app's
    AppConfig.ready() (deals/registry.py)."""
    from django.apps import apps

    tracked = set(history.PART_OF)
    missing = []
    for m in apps.get_models():
        label = m._meta.label_lower
        if not label.startswith("dealmonitor") and m.__module__.split(".")[0] != "dealmonitor":
            continue
        if label in tracked or not hasattr(m, "history") or m.__name__.startswith("Historical"):
            continue
        fks = {f.related_model._meta.label_lower for f in m._meta.fields if f.is_relation and f.related_model}
        if fks & tracked:
            missing.append(label)
    allowed = {
        "connections.relatedsuggestion",  # derived by the engine, no history
        "connections.eventlesson",  # belongs to a CoP event
        "connections.eventtable",
        "connections.communityevent",
        "learning.statement", "learning.assessmenttemplate",  # programme configuration
        "organisations.person",
    }
    assert sorted(set(missing) - allowed) == []


def test_the_admin_asks_for_the_reason_too(client, deal, org, django_user_model):
    from dealmonitor.organisations.models import Organisation

    admin = django_user_model.objects.create_user("beheer", password=PASSWORD, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:organisations_organisation_change", args=[org.pk])
    form = client.get(url).content.decode()
    assert 'name="change_reason"' in form and 'name="change_reason_text"' in form
    response = client.post(url, {
        "slug": org.slug, "name": "Gemeente Historie-Oost", "type": org.type, "subtype": "",
        "government_level": "", "cbs_code": "", "change_reason": "correctie",
        "change_reason_text": "herindeling",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Organisation.history.filter(id=org.pk).latest("history_id")
    assert (record.name, record.history_user) == ("Gemeente Historie-Oost", admin)
    assert record.history_change_reason == "correctie: herindeling"

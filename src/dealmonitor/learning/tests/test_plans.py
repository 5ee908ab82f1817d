"""Scaling plan and start conversation (dated, revisited yearly) and milestones and experiments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dealmonitor.learning import selectors, services
from dealmonitor.learning.models import ScalingPlan

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_a_scaling_plan_is_revisited_and_keeps_its_earlier_versions(deal, team_user):
    services.save_scaling_plan(actor=team_user, deal=deal, route="opschalen", owner_after="Gemeente X",
                               reviewed_on=TODAY - dt.timedelta(days=400))
    plan = ScalingPlan.objects.get(deal=deal)
    assert plan.revisit_due()
    assert [kind for kind, _ in selectors.revisits_due(None)] == ["scaling"]
    with pytest.raises(ValidationError):  # a revisit cannot be older than the last one
        services.save_scaling_plan(actor=team_user, deal=deal, route="stoppen",
                                   reviewed_on=TODAY - dt.timedelta(days=500))
    services.save_scaling_plan(actor=team_user, deal=deal, route="repliceren", owner_after="Gemeente X")
    plan.refresh_from_db()
    assert plan.route == "repliceren" and not plan.revisit_due()
    assert plan.revisit_due_on == TODAY + dt.timedelta(days=365)
    assert [h.route for h in plan.history.order_by("history_date")] == ["opschalen", "repliceren"]
    assert selectors.revisits_due(None) == []


def test_a_finished_deal_needs_no_revisit(deal):
    deal.status = "afgerond"
    deal.save()
    services.save_start_conversation(actor=None, deal=deal, reviewed_on=TODAY - dt.timedelta(days=800),
                                     client="De stuurgroep")
    assert not deal.start_conversation.revisit_due() and selectors.revisits_due(None) == []


def test_only_the_team_writes_plans(deal, rotterdam_user):
    with pytest.raises(PermissionDenied):
        services.save_start_conversation(actor=rotterdam_user, deal=deal, client="x")
    with pytest.raises(ValidationError):
        services.save_start_conversation(actor=None, deal=deal, reviewed_on=TODAY + dt.timedelta(days=1))


def test_milestones_and_experiments(deal, other_deal):
    late = services.save_milestone(actor=None, deal=deal, title="Handreiking af", due_on=TODAY - dt.timedelta(days=3))
    assert late.is_overdue()
    with pytest.raises(ValidationError):
        services.save_milestone(actor=None, deal=deal, milestone=late, reached_on=TODAY + dt.timedelta(days=3))
    services.save_milestone(actor=None, deal=deal, milestone=late, reached_on=TODAY)
    assert not late.is_overdue()
    foreign = services.save_lesson(actor=None, deal=other_deal, title="Elders", text="x", kind="inzicht")
    with pytest.raises(ValidationError):
        services.save_experiment(actor=None, deal=deal, title="Proef", lesson=foreign)
    with pytest.raises(ValidationError):
        services.save_experiment(actor=None, deal=deal, title="Proef", started_on=TODAY, ended_on=TODAY - dt.timedelta(days=1))
    own = services.save_lesson(actor=None, deal=deal, title="Hier", text="x", kind="inzicht")
    experiment = services.save_experiment(actor=None, deal=deal, title="Proef", hypothesis="Bewoners doen mee",
                                          setting="Twee wijken", result="Ja", lesson=own)
    assert experiment.lesson == own


def test_the_team_revisits_the_start_conversation_through_the_page(client, deal, team_user):
    client.force_login(team_user)
    url = reverse("learning:start_conversation", args=[deal.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"client": "De stuurgroep", "way_of_working": "programma",
                                 "reviewed_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert deal.start_conversation.client == "De stuurgroep"
    assert "De stuurgroep" in client.get(url).content.decode()

"""References between deals (deals/references.py): a write may point only at rows of the deal
it writes to, and at shared rows (organisations, themes) the writer may see. The same check
holds for the services, the API and the spreadsheet import, and answers a hidden row exactly
as it answers one that does not exist.

The walk (`test_every_reference_*`) goes over every foreign key and many-to-many field of
every writable model (from `model._meta`, not a hand list): a new relation on a writable model
fails here until a writer below can set it and the service refuses another deal's row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from dealmonitor.accounts.tests.world import build_world, populate
from dealmonitor.api.resources import RESOURCES
from dealmonitor.deals import services as deal_services
from dealmonitor.deals.history import TRACKED
from dealmonitor.deals.models import Ambition, Participation, Theme
from dealmonitor.deals.references import (
    OTHER_DEAL_ROW,
    REFERENCE_MESSAGE,
    SHARED,
    deal_id_of,
    is_deal_owned,
    owner_field,
    relation_fields,
    rule_for,
)
from dealmonitor.deals.tests.factories import OrganisationFactory
from dealmonitor.impact import models as impact
from dealmonitor.areas import services as areas_services
from dealmonitor.areas.models import Area, DealArea
from dealmonitor.ecosystem import services as ecosystem_services
from dealmonitor.ecosystem.models import MatchMark, Post
from dealmonitor.impact import services as impact_services
from dealmonitor.learning import models as learning
from dealmonitor.learning import services as learning_services

pytestmark = pytest.mark.django_db

NL_MESSAGE = "Onbekend, of hier niet toegestaan."


@pytest.fixture
def world(django_user_model, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    w = populate(build_world(django_user_model), tmp_path)
    w.rows = {key: _rows(w, key) for key in ("own", "other")}
    return w


def _rows(w, key):
    """One row of every deal-owned model in the deal `key`."""
    deal, org = w.deals[key], w.organisations[key]
    objects = w.objects[key]
    pathway = impact.Pathway.objects.get(deal=deal)
    link = pathway.links.get()
    assumption = impact.Assumption.objects.create(link=link, text=f"Aanname {key}")
    indicator = objects["indicator"]
    lesson = objects["lesson"]
    bottleneck = objects["bottleneck"]
    deliverable = objects["deliverable"]
    theme = Theme.objects.create(name=f"Thema {key}")
    deal.themes.add(theme)
    rows = {
        "deal": deal, "organisation": org, "theme": theme,
        Participation: Participation.objects.get(deal=deal, organisation=org),
        Ambition: Ambition.objects.create(deal=deal, text=f"Ambitie {key}"),
        impact.Pathway: pathway,
        impact.Element: link.cause,
        "element2": link.effect,
        impact.Link: link,
        impact.Assumption: assumption,
        impact.AssumptionEvidence: impact.AssumptionEvidence.objects.create(
            assumption=assumption, date=dt.date(2024, 1, 1), stance="voor", text="Bewijs"),
        impact.Effect: impact.Effect.objects.create(deal=deal, description=f"Effect {key}",
                                                    valence="positief", dimension="sociaal"),
        impact.Indicator: indicator,
        impact.Target: impact.Target.objects.create(indicator=indicator, period_start=dt.date(2024, 1, 1),
                                                    period_end=dt.date(2024, 12, 31), value=5),
        impact.Measurement: objects["measurement"],
        learning.Bottleneck: bottleneck,
        learning.BottleneckStatusChange: learning.BottleneckStatusChange.objects.create(
            bottleneck=bottleneck, status="gesignaleerd", date=dt.date(2024, 1, 1)),
        learning.AssessmentRound: objects["round"],
        learning.Answer: objects["round"].answers.get(),
        learning.Lesson: lesson,
        learning.Deliverable: deliverable,
        learning.Adoption: learning.Adoption.objects.create(deliverable=deliverable, adopter="Gemeente X"),
        learning.Uptake: learning.Uptake.objects.create(deal=deal, kind="beleidsprogramma", title=f"Opname {key}"),
        learning.Milestone: objects["milestone"],
        learning.Experiment: objects["experiment"],
        learning.ScalingPlan: learning.ScalingPlan.objects.get(deal=deal),
        learning.StartConversation: learning.StartConversation.objects.get(deal=deal),
        Post: Post.objects.create(deal=deal, organisation=org, direction="vraag", kind="financiering",
                                  title=f"Vraag {key}", text="Tekst"),
    }
    offer = Post.objects.create(deal=deal, organisation=OrganisationFactory(), direction="aanbod",
                                kind="financiering", title=f"Aanbod {key}", text="Tekst")
    rows[MatchMark] = MatchMark.objects.create(need=rows[Post], offer=offer, status="gecontacteerd")
    return rows


# Writers: every writable model, written through its service with one field set ------------


def _lesson(a, r, name, value):
    links = {k: None for k in ("themes", "indicators", "assumptions", "bottlenecks")}
    fields = {"title": "Les", "text": "Tekst", "kind": "inzicht"}
    if name in links:
        links[name] = [value]
    else:
        fields[name] = value
    deal = fields.pop("deal", r["deal"])
    return learning_services.save_lesson(actor=a, deal=deal, **links, **fields)


def _area():
    """A district no deal has chosen yet (the areas are public reference data)."""
    n = Area.objects.filter(code__startswith="WK0599").count()
    parent = Area.objects.get_or_create(code="GM0599", defaults={"kind": "gemeente", "name": "Rotterdam"})[0]
    return Area.objects.create(kind="wijk", code=f"WK0599{n + 1:02d}", name=f"Wijk {n + 1}", parent=parent)


WRITERS = {
    Participation: lambda a, r, name, value: deal_services.save_participation(
        actor=a, **{"deal": r["deal"], "organisation": OrganisationFactory(), name: value}),
    impact.Element: lambda a, r, name, value: impact_services.add_element(
        actor=a, pathway=value, level="output", title="Nieuw"),
    impact.Link: lambda a, r, name, value: impact_services.add_link(
        actor=a, **{"cause": r[impact.Element], "effect": r["element2"], name: value}),
    impact.Assumption: lambda a, r, name, value: impact_services.add_assumption(
        actor=a, link=value, text="Nieuw"),
    impact.AssumptionEvidence: lambda a, r, name, value: impact_services.add_assumption_evidence(
        actor=a, assumption=value, date=dt.date(2024, 2, 1), stance="voor", text="Nieuw"),
    impact.Effect: lambda a, r, name, value: impact_services.save_effect(
        actor=a, **{"deal": r["deal"], "description": "Nieuw", "valence": "positief",
                    "dimension": "sociaal", **({"tags": [value]} if name == "tags" else {name: value})}),
    impact.Indicator: lambda a, r, name, value: impact_services.save_indicator(
        actor=a, **{"deal": r["deal"], "name": "Nieuw", name: value}),
    impact.Target: lambda a, r, name, value: impact_services.set_targets(
        actor=a, indicator=value, targets=[{"period_start": dt.date(2023, 1, 1),
                                            "period_end": dt.date(2023, 12, 31), "value": 1}]),
    impact.Measurement: lambda a, r, name, value: impact_services.record_measurement(
        actor=a, **{"indicator": r[impact.Indicator], "date": dt.date(2024, 3, 1), "value": 2,
                    "reporting_organisation": r["organisation"], name: value}),
    learning.Bottleneck: lambda a, r, name, value: learning_services.report_bottleneck(
        actor=a, **{"deal": r["deal"], "title": "Nieuw", "kind": "data", name: value}),
    learning.BottleneckStatusChange: lambda a, r, name, value: learning_services.change_bottleneck_status(
        actor=a, bottleneck=value, status="geagendeerd"),
    learning.AssessmentRound: lambda a, r, name, value: learning_services.open_round(
        actor=a, **{"deal": r["deal"], "name": "Nieuw", name: value}),
    learning.Answer: lambda a, r, name, value: learning_services.save_answers(
        actor=a, **{"round": r[learning.AssessmentRound], "organisation": r["organisation"],
                    "answers": {}, name: value}),
    learning.Lesson: _lesson,
    learning.Deliverable: lambda a, r, name, value: learning_services.save_deliverable(
        actor=a, deal=value, name="Nieuw", kind="handreiking"),
    learning.Adoption: lambda a, r, name, value: learning_services.add_adoption(
        actor=a, **{"deliverable": r[learning.Deliverable], "adopter": "Iemand", name: value}),
    learning.Uptake: lambda a, r, name, value: learning_services.save_uptake(
        actor=a, **{"deal": r["deal"], "kind": "beleid", "title": "Nieuw", name: value}),
    learning.Milestone: lambda a, r, name, value: learning_services.save_milestone(
        actor=a, deal=value, title="Nieuw"),
    learning.Experiment: lambda a, r, name, value: learning_services.save_experiment(
        actor=a, **{"deal": r["deal"], "title": "Nieuw", name: value}),
    learning.ScalingPlan: lambda a, r, name, value: learning_services.save_scaling_plan(
        actor=a, deal=value, route="opschalen"),
    learning.StartConversation: lambda a, r, name, value: learning_services.save_start_conversation(
        actor=a, deal=value, client="Iemand"),
    DealArea: lambda a, r, name, value: areas_services.choose_area(
        actor=a, deal=value, area=_area()),
    MatchMark: lambda a, r, name, value: ecosystem_services.mark_match(
        actor=a, status="nuttig", **{"need": r[Post], "offer": r[MatchMark].offer, name: value}),
    Post: lambda a, r, name, value: ecosystem_services.save_post(
        actor=a, **{"deal": r["deal"], "organisation": r["organisation"], "direction": "vraag",
                    "kind": "financiering", "title": "Nieuw", "text": "Tekst",
                    **({"themes": [value]} if name == "themes" else {name: value})}),
}

# Set by the service itself, never by the caller: the row's own parent where the service
# derives it from another argument, and who did it (the actor).
DERIVED = {
    (impact.Link, "pathway"): "the pathway of the cause",
    (Participation, "sources"): "written by the portfolio import only (the system)",
    (learning.Answer, "statement"): "the statements of the round's template, checked by save_answers",
}

# Fields from which the service takes the deal it writes to: another deal's row there is a
# write to that deal, which its dealmaker may not make (the administrator gets the message).
DECIDES_DEAL = {(impact.Link, "cause")}

# Deal-owned models no service writes for a user (the portfolio import writes them as the
# system, from the data file), and the roles (programme administrators only, accounts app).
NOT_WRITTEN = {"deals.dealfact", "deals.track", "deals.workinggroup", "deals.role",
               "deals.partnercount", "deals.result", "deals.ambition", "deals.phasechange",
               "accounts.dealmembership", "impact.pathway",
               # written only with their parent, which the walk covers: a measurement's
               # categories by record_measurement (impact/tests/test_figures_add_up.py)
               "impact.measurementpart"}


def _walk_fields(model):
    """(field, target kind) for every relation the walk covers: a deal-owned row or deal, or
    a shared row (organisation, theme)."""
    for field in relation_fields(model):
        if (model, field.name) in DERIVED:
            continue
        label = field.related_model._meta.label_lower
        if label == "deals.deal" and field.name != owner_field(model):
            continue  # links to other deals by design (connections): not deal-owned models
        if rule_for(model, field.name) == OTHER_DEAL_ROW:
            continue  # a row of another readable deal by design (the offer a need's poster
            # marks): test_a_marked_offer_must_be_readable below
        if label == "deals.deal" or is_deal_owned(field.related_model) or label in SHARED:
            yield field


def _foreign(world, field):
    """A row of the other (unpublished) deal for `field`, or a shared row known only from it."""
    label = field.related_model._meta.label_lower
    other = world.rows["other"]
    if label == "deals.deal":
        return other["deal"]
    if label == "organisations.organisation":
        return other["organisation"]
    if label == "deals.theme":
        return other["theme"]
    if label == "organisations.person":
        pytest.fail(f"no person to point {field} at: add one to the world")
    row = other.get(field.related_model)
    assert row is not None, f"no row of {label} in the test world: add one to _rows()"
    assert deal_id_of(row) == other["deal"].pk
    return row


def _refused(fn):
    """Run a write; return what refused it (the exception), failing if it went through."""
    try:
        with translation.override("nl"):
            fn()
    except (ValidationError, PermissionDenied) as exc:
        return exc
    pytest.fail("the write went through")


def test_every_deal_owned_model_has_a_writer_or_a_reason():
    labels = {label for label, *_ in TRACKED} - {"deals.deal", "connections.connection"}
    written = {m._meta.label_lower for m in WRITERS}
    api = {r.model._meta.label_lower for r in RESOURCES if r.writable}
    assert api <= written, f"API-writable models without a writer here: {sorted(api - written)}"
    assert labels - written - NOT_WRITTEN == set(), "add a writer to WRITERS (or a reason to NOT_WRITTEN)"


def test_every_relation_of_a_writable_model_has_a_reference_rule():
    """A relation to a kind of row deals/references.py has no rule for fails here (and the
    service would refuse to save it) until the rule is written."""
    for model in WRITERS:
        for field in relation_fields(model):
            rule_for(model, field.name)


@pytest.mark.parametrize("model", list(WRITERS), ids=lambda m: m._meta.label)
def test_every_reference_of_a_writable_model_is_checked_by_its_service(world, model):
    own = world.rows["own"]
    dealmaker, admin = world.users["dealmaker"], world.users["admin"]
    fields = list(_walk_fields(model))
    assert fields, f"{model._meta.label} has no relation to walk"
    for field in fields:
        foreign = _foreign(world, field)
        write = WRITERS[model]
        before = model._default_manager.count()
        if field.name == owner_field(model):
            # pointing a row's parent at another deal writes to that deal: not for its dealmaker
            exc = _refused(lambda: write(dealmaker, own, field.name, foreign))
            assert isinstance(exc, (PermissionDenied, ValidationError)), field
        else:
            for actor in ([dealmaker] if field.related_model._meta.label_lower in SHARED
                          else [dealmaker, admin]):  # the administrator sees every shared row
                exc = _refused(lambda: write(actor, own, field.name, foreign))
                if isinstance(exc, PermissionDenied) and actor == dealmaker \
                        and (model, field.name) in DECIDES_DEAL:
                    continue
                assert isinstance(exc, ValidationError), f"{field}: {exc!r}"
                assert NL_MESSAGE in sum(exc.message_dict.values(), []), f"{field}: {exc.message_dict}"
        assert model._default_manager.count() == before, f"{field}: a row was written"


def _api_writable():
    for resource in RESOURCES:
        if not resource.writable:
            continue
        for field in _walk_fields(resource.model):
            if field.name in resource.fields and field.name not in resource.read_only \
                    and field.name != "deal":
                yield resource, field


@pytest.mark.parametrize("resource,field", list(_api_writable()),
                         ids=lambda x: getattr(x, "name", None))
def test_every_reference_of_the_api_is_refused_like_a_missing_row(world, resource, field):
    """Another deal's row, a shared row known only from it, and a row that does not exist
    all get the same 400 with the message at the field: the answer tells nothing."""
    api = APIClient()
    api.force_authenticate(world.users["dealmaker"])
    own_row = world.rows["own"][resource.model]
    foreign = _foreign(world, field)
    url = f"/api/v1/{resource.name}/"
    before = resource.model._default_manager.count()
    answers = []
    for pk in (foreign.pk, 987654):
        value = [pk] if field.many_to_many else pk
        if resource.update:
            response = api.patch(f"{url}{own_row.pk}/", {field.name: value}, format="json",
                                 HTTP_ACCEPT_LANGUAGE="nl")
        else:
            body = {k: v for k, v in api.get(f"{url}{own_row.pk}/").json().items()
                    if k not in ("id", "has_evidence") and v is not None}
            body["deal"] = world.deals["own"].slug
            response = api.post(url, {**body, field.name: value}, format="json",
                                HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 400, (field, response.status_code, response.content)
        answers.append(response.json())
    assert answers[0] == answers[1], "a hidden row answers differently from a missing one"
    assert NL_MESSAGE in str(answers[0][field.name])
    assert resource.model._default_manager.count() == before


# The cases of the issue ---------------------------------------------------------------------


def test_an_effect_cannot_show_an_element_of_an_unpublished_deal(world, client):
    own = world.deals["own"]
    own.is_published = True
    own.save()
    secret = world.rows["other"][impact.Element]
    secret.title = "GEHEIM-ELEMENT"
    secret.save()
    api = APIClient()
    api.force_authenticate(world.users["dealmaker"])
    response = api.post("/api/v1/effects/", {
        "deal": own.slug, "element": secret.pk, "description": "Meer groen", "valence": "positief",
        "dimension": "sociaal"}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400, response.content
    assert response.json() == {"element": [NL_MESSAGE]}
    page = client.get(f"/deals/{own.slug}/effecten/")
    assert page.status_code == 200
    assert "GEHEIM-ELEMENT" not in page.content.decode()


def test_an_indicator_cannot_serve_another_deals_ambition(world):
    api = APIClient()
    api.force_authenticate(world.users["dealmaker"])
    ambition = world.rows["other"][Ambition]
    response = api.post("/api/v1/indicators/", {"deal": world.deals["own"].slug, "name": "Nieuw",
                                                "ambition": ambition.pk}, format="json",
                        HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400, response.content
    assert response.json() == {"ambition": [NL_MESSAGE]}
    assert not impact.Indicator.objects.filter(name="Nieuw").exists()


def test_a_participation_cannot_publish_an_organisation_known_only_from_an_unpublished_deal(world, client):
    own = world.deals["own"]
    own.is_published = True
    own.save()
    hidden = OrganisationFactory(name="GEHEIME-PARTNER", slug="geheime-partner")
    Participation.objects.create(deal=world.deals["other"], organisation=hidden)
    api = APIClient()
    api.force_authenticate(world.users["dealmaker"])
    response = api.post("/api/v1/participations/", {"deal": own.slug, "organisation": hidden.slug},
                        format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400, response.content
    assert response.json() == {"organisation": [NL_MESSAGE]}
    assert "GEHEIME-PARTNER" not in client.get(f"/deals/{own.slug}/").content.decode()
    # an organisation of a deal the writer may read is fine, and so is a new one
    published = world.organisations["published"]
    assert api.post("/api/v1/participations/", {"deal": own.slug, "organisation": published.slug},
                    format="json").status_code == 201
    fresh = OrganisationFactory(name="Nieuwe Partner")
    assert api.post("/api/v1/participations/", {"deal": own.slug, "organisation": fresh.slug},
                    format="json").status_code == 201


def test_a_lesson_names_no_hidden_rows_in_its_refusal(world):
    secret = world.rows["other"][learning.Bottleneck]
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        learning_services.save_lesson(actor=world.users["dealmaker"], deal=world.deals["own"],
                                      title="Les", text="Tekst", kind="inzicht", bottlenecks=[secret])
    assert exc.value.message_dict == {"bottlenecks": [NL_MESSAGE]}
    assert secret.title not in str(exc.value)


def test_a_marked_offer_must_be_readable(world):
    """The offer a need's poster marks may be of another deal (ACROSS_DEALS), but only one
    the writer may read: an offer of a deal hidden from the dealmaker is refused with the one
    message, the same as for a missing row; the administrator reads it and may mark it."""
    own, other = world.rows["own"], world.rows["other"]
    hidden_offer = Post.objects.create(deal=world.deals["other"], organisation=other["organisation"],
                                       direction="aanbod", kind="financiering", title="Verborgen aanbod",
                                       text="Tekst")
    exc = _refused(lambda: ecosystem_services.mark_match(actor=world.users["dealmaker"], need=own[Post],
                                                         offer=hidden_offer, status="nuttig"))
    assert isinstance(exc, ValidationError) and NL_MESSAGE in sum(exc.message_dict.values(), [])
    ecosystem_services.mark_match(actor=world.users["admin"], need=own[Post], offer=hidden_offer, status="nuttig")
    assert MatchMark.objects.filter(offer=hidden_offer).count() == 1

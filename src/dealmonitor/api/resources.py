"""The API's entities: one `Resource` per part of the domain, read through `visible_deals`
(and the internal registry, deals/internal.py), written through the services of each app.

A resource names its model, the path from a row to its deal, the fields it shows, the filters
it takes, and the services that create, change and delete a row. `views.viewset_for` turns
it into a DRF viewset; `urls.py` registers them all.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Q
from rest_framework.serializers import CharField, DecimalField, ListField, ListSerializer, Serializer

from dealmonitor.connections.models import CommunityEvent, Connection
from dealmonitor.deals import models as deal_models
from dealmonitor.deals import services as deal_services
from dealmonitor.deals.internal import public_bottlenecks_q
from dealmonitor.deals.selectors import internal_deals_q
from dealmonitor.ecosystem import models as ecosystem_models
from dealmonitor.ecosystem import selectors as ecosystem_selectors
from dealmonitor.ecosystem import services as ecosystem_services
from dealmonitor.ecosystem.constants import Visibility as PostVisibility
from dealmonitor.impact import constants as impact_constants
from dealmonitor.impact import models as impact_models
from dealmonitor.impact.models import well_formed_breakdown
from dealmonitor.impact import services as impact_services
from dealmonitor.learning import models as learning_models
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.constants import Visibility

from .generic import TextField


@dataclass
class Resource:
    name: str  # the address: /api/v1/<name>/
    model: type
    deal_path: str | None  # from a row to its deal ("deal", "indicator__deal"); None: global
    fields: list
    filters: list = field(default_factory=list)
    read_only: tuple = ()
    rows: Callable | None = None  # user -> Q on rows beyond the deal's visibility
    create: Callable | None = None  # (actor, data) -> instance
    update: Callable | None = None  # (actor, instance, data) -> instance
    delete: Callable | None = None  # (actor, instance) -> None
    # a write names the deal although the row reaches it through another row (an element's
    # pathway, found or made for the deal); with deal_path "deal" it always does
    deal_given: bool = False
    # rows may also belong to no deal (an organisation's own post, and the marks on it): those
    # are read as far as `rows` allows, written as the services allow
    outside_deal: bool = False
    declared: dict = field(default_factory=dict)  # serializer fields instead of the generated ones
    prefetch: tuple = ()  # related rows each answer shows (one query per list, not per row)
    doc: str = ""

    @property
    def writable(self):
        return self.create is not None or self.update is not None


def _deal_of(data):
    return data.pop("deal")


# Writers: thin adapters from validated API data to the services --------------------------


def _participation_create(actor, data):
    deal, organisation = data.pop("deal"), data.pop("organisation")
    return deal_services.save_participation(actor=actor, deal=deal, organisation=organisation, **data)


def _participation_update(actor, row, data):
    data.pop("deal", None)
    data.pop("organisation", None)
    return deal_services.save_participation(actor=actor, deal=row.deal, organisation=row.organisation,
                                            **data)


def _breakdown_of(data):
    if "breakdown" in data:
        data["breakdown"] = [dict(d) for d in data["breakdown"]]
    return data


def _indicator_create(actor, data):
    return impact_services.save_indicator(actor=actor, deal=_deal_of(data), **_breakdown_of(data))


def _indicator_update(actor, row, data):
    data.pop("deal", None)
    return impact_services.save_indicator(actor=actor, deal=row.deal, indicator=row,
                                          **_breakdown_of(data))


def _targets_of(indicator):
    return [
        {"period_start": t.period_start, "period_end": t.period_end, "label": t.label,
         "value": t.value, "status": t.status}
        for t in indicator.targets.all()
    ]


def _target_create(actor, data):
    indicator = data.pop("indicator")
    rows = _targets_of(indicator) + [data]
    impact_services.set_targets(actor=actor, indicator=indicator, targets=rows)
    return indicator.targets.get(period_start=data["period_start"], period_end=data["period_end"])


def _target_update(actor, row, data):
    data.pop("indicator", None)
    indicator = row.indicator
    rows = [r for r in _targets_of(indicator)
            if (r["period_start"], r["period_end"]) != (row.period_start, row.period_end)]
    merged = {"period_start": row.period_start, "period_end": row.period_end, "label": row.label,
              "value": row.value, "status": row.status, **data}
    impact_services.set_targets(actor=actor, indicator=indicator, targets=rows + [merged])
    return indicator.targets.get(period_start=merged["period_start"], period_end=merged["period_end"])


def _target_delete(actor, row):
    indicator = row.indicator
    rows = [r for r in _targets_of(indicator) if (r["period_start"], r["period_end"]) != (row.period_start, row.period_end)]
    impact_services.set_targets(actor=actor, indicator=indicator, targets=rows)


def _parts_of(data):
    parts = data.pop("parts", None)
    return None if parts is None else [dict(p) for p in parts]


def _measurement_create(actor, data):
    data.pop("verification_note", None)  # the deal team's note comes with sending back
    return impact_services.record_measurement(actor=actor, indicator=data.pop("indicator"),
                                              parts=_parts_of(data), **data)


def _measurement_update(actor, row, data):
    data.pop("indicator", None)  # a measurement stays with its indicator
    note = data.pop("verification_note", None)
    if data.get("verification") == impact_constants.Verification.SENT_BACK:
        impact_services.send_back_measurement(actor=actor, measurement=row, note=note)
        data.pop("verification")
        if not data:
            return row
    return impact_services.update_measurement(actor=actor, measurement=row, parts=_parts_of(data),
                                              **data)


def _measurement_withdraw(actor, row):
    """DELETE withdraws a measurement with the reason given (X-Change-Reason): it stays, and
    no longer counts."""
    impact_services.withdraw_measurement(actor=actor, measurement=row, reason="")


class MeasurementValueField(DecimalField):
    """A measurement's value as a number or as people type it ("4,5"): the service applies the
    indicator's value rules and answers in the same words as the form and the import."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=20, decimal_places=4, required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if data is None or isinstance(data, bool) or not isinstance(data, (str, int, float)):
            if data is None:
                return None
            self.fail("invalid")
        return data


class BreakdownListSerializer(ListSerializer):
    def to_representation(self, data):
        # only what the services store; a raw write may have left anything in the field
        return super().to_representation(well_formed_breakdown(data))


class BreakdownSerializer(Serializer):
    dimension = CharField(max_length=20, help_text="gemeente, leeftijd, geslacht, sector or eigen")
    categories = ListField(child=CharField(max_length=100), required=False)

    class Meta:
        list_serializer_class = BreakdownListSerializer


class MeasurementPartSerializer(Serializer):
    dimension = CharField(max_length=20, help_text="gemeente, leeftijd, geslacht, sector or eigen")
    category = CharField(max_length=100)
    value = MeasurementValueField()


def _element_create(actor, data):
    pathway = impact_services.get_or_create_pathway(actor=actor, deal=data.pop("deal"))
    return impact_services.add_element(actor=actor, pathway=pathway, **data)


def _element_update(actor, row, data):
    data.pop("deal", None)
    return impact_services.update_element(actor=actor, element=row, **data)


def _link_create(actor, data):
    return impact_services.add_link(actor=actor, cause=data["cause"], effect=data["effect"])


def _assumption_create(actor, data):
    return impact_services.add_assumption(actor=actor, link=data["link"], text=data["text"],
                                          is_example=data.get("is_example", False))


def _effect_create(actor, data):
    tags = data.pop("tags", None)
    return impact_services.save_effect(actor=actor, deal=_deal_of(data), tags=tags, **data)


def _effect_update(actor, row, data):
    data.pop("deal", None)
    tags = data.pop("tags", None)
    return impact_services.save_effect(actor=actor, deal=row.deal, effect=row, tags=tags, **data)


def _bottleneck_create(actor, data):
    return learning_services.report_bottleneck(actor=actor, deal=_deal_of(data), **data)


def _bottleneck_update(actor, row, data):
    data.pop("deal", None)
    data.pop("signalled_on", None)
    return learning_services.update_bottleneck(actor=actor, bottleneck=row, **data)


def _lesson_create(actor, data):
    m2m = {k: data.pop(k) for k in ("themes", "indicators", "bottlenecks") if k in data}
    return learning_services.save_lesson(actor=actor, deal=_deal_of(data), **m2m, **data)


def _lesson_update(actor, row, data):
    data.pop("deal", None)
    m2m = {k: data.pop(k) for k in ("themes", "indicators", "bottlenecks") if k in data}
    return learning_services.save_lesson(actor=actor, deal=row.deal, lesson=row, **m2m, **data)


def _saver(service, keyword):
    """create/update adapters for the `save_<thing>(actor, deal, <keyword>=row, **fields)` services."""
    def create(actor, data):
        return service(actor=actor, deal=_deal_of(data), **data)

    def update(actor, row, data):
        data.pop("deal", None)
        return service(actor=actor, deal=row.deal, **{keyword: row}, **data)

    return create, update


def _adoption_create(actor, data):
    return learning_services.add_adoption(actor=actor, deliverable=data.pop("deliverable"), **data)


def _revisited(service):
    def create(actor, data):
        return service(actor=actor, deal=_deal_of(data), **data)

    def update(actor, row, data):
        data.pop("deal", None)
        return service(actor=actor, deal=row.deal, **data)

    return create, update


_uptake = _saver(learning_services.save_uptake, "uptake")
_deliverable = _saver(learning_services.save_deliverable, "deliverable")
_milestone = _saver(learning_services.save_milestone, "milestone")
_experiment = _saver(learning_services.save_experiment, "experiment")
_scaling = _revisited(learning_services.save_scaling_plan)
_start = _revisited(learning_services.save_start_conversation)


def _post_create(actor, data):
    # no deal: a post the organisation makes for itself (the service checks who may)
    deal, organisation = data.pop("deal", None), data.pop("organisation")
    return ecosystem_services.save_post(actor=actor, deal=deal, organisation=organisation,
                                        themes=data.pop("themes", None), **data)


def _post_update(actor, row, data):
    data.pop("deal", None)  # a post stays with its deal and organisation
    data.pop("organisation", None)
    return ecosystem_services.save_post(actor=actor, deal=row.deal, organisation=row.organisation,
                                        post=row, themes=data.pop("themes", None), **data)


def _post_rows(user):
    """As on the pages (ecosystem/selectors.visible_posts): a post for the programme only for
    signed-in users, a public one for everyone; a post of a deal only where the deal may be
    read (the generic scope), an organisation's own post wherever these rules allow; a
    closed post only for who may manage it."""
    return ecosystem_selectors.readable_q(user)


def _mark_rows(user):
    """Match decisions: for the team of the need's deal (of a need an organisation posted for
    itself: for who may manage that need), and only where the offer may be read."""
    own_need = Q(need__deal__isnull=True,
                 need__in=ecosystem_models.Post.objects.filter(ecosystem_selectors.manageable_q(user)))
    offer_seen = Q(offer__deal__in=_visible(user)) | Q(offer__deal__isnull=True)
    if user is None or not getattr(user, "is_authenticated", False):
        offer_seen &= Q(offer__visibility=PostVisibility.PUBLIC)
    return (internal_deals_q(user, "need__deal") | own_need) & offer_seen & ecosystem_selectors.readable_q(user, "offer__")


def _mark_create(actor, data):
    return ecosystem_services.mark_match(actor=actor, need=data["need"], offer=data["offer"],
                                         status=data["status"], reason=data.get("reason", ""))


def _mark_update(actor, row, data):
    # a decision stays with its need and offer; only its status changes
    return ecosystem_services.mark_match(actor=actor, need=row.need, offer=row.offer,
                                         status=data.get("status", row.status))


def _lesson_rows(user):
    return Q(visibility=Visibility.PROGRAMMA) | internal_deals_q(user)


def _bottleneck_rows(user):
    return public_bottlenecks_q() | internal_deals_q(user)


def _status_change_rows(user):
    return public_bottlenecks_q("bottleneck__") | internal_deals_q(user, "bottleneck__deal")


RESOURCES = [
    # deals and their partnership
    Resource("participations", deal_models.Participation, "deal",
             ["id", "deal", "organisation", "kind", "role_description", "name_in_source", "stance",
              "joined_on", "joined_on_precision", "left_on", "left_on_precision", "commitment_money",
              "commitment_fte", "commitment_in_kind", "delivered_money", "delivered_fte",
              "confidence", "note"],
             filters=["kind"], read_only=("name_in_source",),
             create=_participation_create, update=_participation_update,
             doc="Organisations in deals. Commitments, delivery and stance are internal: null for "
                 "readers who may not see the deal's internals."),
    Resource("roles", deal_models.Role, "deal",
             ["id", "deal", "person", "kind", "description", "start", "start_precision", "end",
              "end_precision"], filters=["kind"], doc="People's roles in deals (people are anonymous)."),
    Resource("phase-changes", deal_models.PhaseChange, "deal",
             ["id", "deal", "phase", "started_on", "started_on_precision", "note", "recorded_at"],
             filters=["phase"], doc="The phase history of each deal."),
    Resource("tracks", deal_models.Track, "deal",
             ["id", "deal", "name", "description", "lead_person", "lead_organisation"]),
    Resource("working-groups", deal_models.WorkingGroup, "deal",
             ["id", "deal", "track", "name", "description", "lead_person", "lead_organisation"]),
    Resource("partner-counts", deal_models.PartnerCount, "deal",
             ["id", "deal", "count", "as_of", "as_of_precision", "breakdown", "note"]),
    Resource("results", deal_models.Result, "deal",
             ["id", "deal", "text", "kind", "date", "date_precision", "note"]),
    Resource("ambitions", deal_models.Ambition, "deal",
             ["id", "deal", "text", "target_value", "unit", "target_year", "scope"], filters=["scope"]),
    # the impact pathway
    Resource("pathways", impact_models.Pathway, "deal",
             ["id", "deal", "summary", "beneficiary_group", "beneficiary_involvement"]),
    Resource("elements", impact_models.Element, "pathway__deal",
             ["id", "deal", "level", "title", "description", "is_active_ingredient", "order",
              "is_example"], filters=["level", "is_active_ingredient"], deal_given=True,
             create=_element_create, update=_element_update,
             delete=lambda actor, row: impact_services.delete_element(actor=actor, element=row)),
    Resource("links", impact_models.Link, "pathway__deal", ["id", "deal", "cause", "effect"],
             create=_link_create,
             delete=lambda actor, row: impact_services.delete_link(actor=actor, link=row)),
    Resource("assumptions", impact_models.Assumption, "link__pathway__deal",
             ["id", "deal", "link", "text", "status", "is_example"], filters=["status"],
             read_only=("status",), create=_assumption_create),
    Resource("assumption-evidence", impact_models.AssumptionEvidence, "assumption__link__pathway__deal",
             ["id", "deal", "assumption", "date", "stance", "text", "url"]),
    Resource("effects", impact_models.Effect, "deal",
             ["id", "deal", "element", "description", "valence", "intended", "dimension", "what",
              "who", "how_much", "contribution", "risk", "tags", "is_example"],
             filters=["valence", "dimension"], create=_effect_create, update=_effect_update),
    Resource("reference-sets", impact_models.ReferenceSet, None,
             ["id", "code", "name", "edition", "source", "licence", "attribution"],
             doc="The reference lists shipped with the product (CBS Monitor Brede Welvaart, UN SDGs), "
                 "with their edition, source and licence; a reference item names its set by this id."),
    Resource("reference-items", impact_models.ReferenceItem, None,
             ["id", "reference_set", "code", "name", "description"],
             doc="The CBS Monitor Brede Welvaart themes and the UN SDGs, shipped with the product."),
    # indicators, targets and measurements
    Resource("indicators", impact_models.Indicator, "deal",
             ["id", "deal", "element", "ambition", "name", "description", "kind", "unit",
              "direction", "baseline_value", "baseline_date", "target_value", "target_status",
              "target_date", "aggregation", "milestone_statuses", "data_source", "frequency",
              "scope", "is_example", "meaning", "whole_numbers", "allow_negative", "value_min",
              "value_max", "breakdown"],
             filters=["kind", "scope", "element"], create=_indicator_create, update=_indicator_update,
             declared={"breakdown": BreakdownSerializer(
                 many=True, required=False,
                 help_text="At most two dimensions a measurement may be broken down by, e.g. "
                           "[{\"dimension\": \"leeftijd\", \"categories\": []}] (empty: the shipped "
                           "categories; gemeente and eigen need their own)."),
                       "milestone_statuses": ListField(
                 child=TextField(min_length=1, max_length=100), required=False,
                 help_text="A milestone's statuses in order, e.g. [\"gestart\", \"gerealiseerd\"]; "
                           "empty: the default statuses.")}),
    Resource("targets", impact_models.Target, "indicator__deal",
             ["id", "deal", "indicator", "period_start", "period_end", "label", "value", "status"],
             filters=["indicator"], create=_target_create, update=_target_update,
             delete=_target_delete),
    Resource("measurements", impact_models.Measurement, "indicator__deal",
             ["id", "deal", "indicator", "date", "period_start", "value", "status", "source",
              "evidence_url", "has_evidence", "reporting_organisation", "verification",
              "verification_note", "confidence", "note", "is_example", "parts", "withdrawn",
              "withdrawn_reason", "withdrawn_at"],
             filters=["indicator", "verification", "withdrawn"],
             read_only=("has_evidence", "withdrawn", "withdrawn_reason", "withdrawn_at"),
             create=_measurement_create, update=_measurement_update,
             delete=_measurement_withdraw,
             prefetch=("parts",),
             declared={
                 "value": MeasurementValueField(
                     help_text="A number, or text as typed (\"4,5\"); the indicator's value rules "
                               "apply (whole numbers for counts, not negative unless allowed, "
                               "percentages 0 to 100)."),
                 "parts": MeasurementPartSerializer(
                     many=True, required=False,
                     help_text="Values per category of the indicator's breakdown; per dimension "
                               "they add up to the value."),
             },
             doc="Measurements; the evidence file is internal (download it in the app); "
                 "has_evidence tells whether there is evidence. Only the deal team sets "
                 "verification to geverifieerd (a partner member gets 400 at that field), or "
                 "to teruggestuurd with a verification_note; a change to the figure needs a "
                 "reason (X-Change-Reason) and withdraws its verification unless the deal team "
                 "verifies it again in the same request. Only its reporter and the deal team "
                 "correct a measurement. DELETE withdraws it, with the reason in "
                 "X-Change-Reason: it stays (withdrawn true) and no longer counts."),
    # learning and steering
    Resource("bottlenecks", learning_models.Bottleneck, "deal",
             ["id", "deal", "title", "description", "kind", "rule", "level", "ministry", "status",
              "signalled_on", "closed_on", "resolution", "is_example"],
             filters=["status", "kind", "ministry"], read_only=("status", "closed_on"),
             rows=_bottleneck_rows, create=_bottleneck_create, update=_bottleneck_update,
             doc="Bottlenecks; one that is not resolved is internal to its deal."),
    Resource("bottleneck-status-changes", learning_models.BottleneckStatusChange, "bottleneck__deal",
             ["id", "deal", "bottleneck", "status", "date", "note"], rows=_status_change_rows),
    Resource("lessons", learning_models.Lesson, "deal",
             ["id", "deal", "title", "text", "kind", "phase", "themes", "tags", "visibility",
              "indicators", "bottlenecks", "learned_on", "is_example"],
             filters=["kind", "phase", "visibility"], rows=_lesson_rows,
             create=_lesson_create, update=_lesson_update,
             doc="Lessons; those for the deal only are internal to the deal."),
    Resource("assessment-templates", learning_models.AssessmentTemplate, None,
             ["id", "name", "version", "description", "is_default"]),
    Resource("statements", learning_models.Statement, None,
             ["id", "template", "code", "theme", "text", "order"], filters=["template"]),
    Resource("assessment-rounds", learning_models.AssessmentRound, "deal",
             ["id", "deal", "template", "name", "opened_on", "closed_on", "reflection", "is_example"],
             doc="Self-assessment rounds; the reflection is internal."),
    Resource("answers", learning_models.Answer, "round__deal",
             ["id", "deal", "round", "statement", "organisation", "score", "comment"],
             filters=["round"], rows=lambda user: internal_deals_q(user, "round__deal"),
             doc="Self-assessment answers: internal, for who may see the deal's internals."),
    Resource("deliverables", learning_models.Deliverable, "deal",
             ["id", "deal", "name", "kind", "description", "url", "is_example"], filters=["kind"],
             create=_deliverable[0], update=_deliverable[1]),
    Resource("adoptions", learning_models.Adoption, "deliverable__deal",
             ["id", "deal", "deliverable", "organisation", "adopter", "date", "note", "is_example"],
             create=_adoption_create),
    Resource("uptake", learning_models.Uptake, "deal",
             ["id", "deal", "kind", "title", "description", "date", "evidence_url", "bottleneck",
              "deliverable", "is_example"], filters=["kind"], create=_uptake[0], update=_uptake[1]),
    Resource("scaling-plans", learning_models.ScalingPlan, "deal",
             ["id", "deal", "route", "route_explanation", "diversity_settings",
              "diversity_target_groups", "diversity_interests", "diversity_environments",
              "scaling_partners", "resistant_parties", "owner_after", "reviewed_on", "is_example"],
             create=_scaling[0], update=_scaling[1],
             doc="One scaling plan per deal; who resists is internal."),
    Resource("start-conversations", learning_models.StartConversation, "deal",
             ["id", "deal", "participants", "client", "internal_anchoring", "way_of_working",
              "escalation", "joint_strategy", "picture_of_success", "expected_end_result",
              "reviewed_on", "is_example"], create=_start[0], update=_start[1]),
    Resource("milestones", learning_models.Milestone, "deal",
             ["id", "deal", "title", "due_on", "reached_on", "note", "is_example"],
             create=_milestone[0], update=_milestone[1]),
    Resource("experiments", learning_models.Experiment, "deal",
             ["id", "deal", "title", "hypothesis", "setting", "started_on", "ended_on", "result",
              "lesson", "is_example"], create=_experiment[0], update=_experiment[1]),
    # needs and offers (ecosystem)
    Resource("posts", ecosystem_models.Post, "deal",
             ["id", "deal", "organisation", "direction", "kind", "title", "text", "themes", "region",
              "period_start", "period_end", "visibility", "is_open", "created_at"],
             filters=["direction", "kind", "is_open", "visibility"], read_only=("created_at",),
             rows=_post_rows, create=_post_create, update=_post_update, outside_deal=True,
             prefetch=("organisation", "themes"),
             doc="Needs and offers of the deals' partners, and those an organisation posts for "
                 "itself, outside any deal (deal null). A post for the programme is read by "
                 "signed-in users (who may read its deal, if it has one), a public one by everyone "
                 "(who may read its deal); a closed post (is_open false) only by who may manage it. "
                 "Changed by its author or who may post for its organisation. In a deal, the deal "
                 "team posts for any partner, a partner member for its own organisation; without "
                 "a deal, programme administrators and the users linked to the organisation (a "
                 "partner member of it in any deal). A post stays with its deal and organisation. "
                 "Region: a province's CBS code (PV26) or 'landelijk'."),
    Resource("match-marks", ecosystem_models.MatchMark, "need__deal",
             ["id", "deal", "need", "offer", "status", "marked_at"], filters=["status", "need"],
             read_only=("marked_at",), rows=_mark_rows, create=_mark_create, update=_mark_update,
             outside_deal=True,
             doc="The match decisions of the poster of a need on the offers matched to it "
                 "(contacted, useful, not useful): read by the team of the need's deal, or, for a "
                 "need an organisation posted for itself (deal null), by who may manage it. Written "
                 "(POST, PUT, PATCH) by who may manage the need: its author, the deal team, or a "
                 "partner member of its organisation. One decision per need and offer: a POST for a "
                 "pair already marked is refused (400), PATCH the decision instead. A decision "
                 "stays with its need and offer: a change changes only its status. The need must be open, the offer a post of the same "
                 "kind by another organisation."),
    # connections between deals
    Resource("connections", Connection, "deal_a",
             ["id", "deal", "deal_b", "status", "kind", "note", "event"],
             rows=lambda user: Q(deal_b__in=_visible(user)),
             doc="Confirmed or dismissed links between two deals (both must be readable)."),
    Resource("events", CommunityEvent, None, ["id", "title", "date", "place"],
             doc="Community of Practice events."),
]


def _visible(user):
    from dealmonitor.deals.selectors import visible_deals

    return visible_deals(user)

"""The only code that writes pathways, effects, indicators, targets and measurements.

Each service checks permission (impact/rules.py), validates, writes in one transaction and
leaves a history entry (django-simple-history) with the acting user and an optional reason.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from dealmonitor.deals.history import set_relations
from dealmonitor.deals.writing import assign as _assign
from dealmonitor.deals.writing import check as _check
from dealmonitor.deals.writing import save as _save
from dealmonitor.deals.references import ReferenceCheck, check_row
from dealmonitor.utils.bulk import insert_with_history
from dealmonitor.utils.partial_dates import Precision
from dealmonitor.utils.uploads import check_upload

from . import rules as impact_rules
from .constants import AssumptionStatus, IndicatorKind, Verification
from .models import (
    Assumption,
    AssumptionEvidence,
    Effect,
    Element,
    Indicator,
    Link,
    Measurement,
    Pathway,
    Target,
)


# Pathway -----------------------------------------------------------------------------------

PATHWAY_FIELDS = ("summary", "beneficiary_group", "beneficiary_involvement")
ELEMENT_FIELDS = ("level", "title", "description", "is_active_ingredient", "order", "is_example")


def get_or_create_pathway(*, actor, deal):
    pathway = Pathway.objects.filter(deal=deal).first()
    if pathway:
        return pathway
    _check(impact_rules.can_edit_pathway, actor, deal, _("You may not edit this deal's pathway."))
    with transaction.atomic():
        return _save(Pathway(deal=deal), actor)


def update_pathway(*, actor, pathway, reason="", **fields):
    _check(impact_rules.can_edit_pathway, actor, pathway.deal, _("You may not edit this deal's pathway."))
    _assign(pathway, fields, PATHWAY_FIELDS)
    with transaction.atomic():
        return _save(pathway, actor, reason)


def add_element(*, actor, pathway, reason="", **fields):
    _check(impact_rules.can_edit_pathway, actor, pathway.deal, _("You may not edit this deal's pathway."))
    element = Element(pathway=pathway)
    _assign(element, fields, ELEMENT_FIELDS)
    if "order" not in fields:
        element.order = pathway.elements.count() + 1
    with transaction.atomic():
        return _save(element, actor, reason)


def update_element(*, actor, element, reason="", **fields):
    _check(impact_rules.can_edit_pathway, actor, element.pathway.deal, _("You may not edit this deal's pathway."))
    _assign(element, fields, ELEMENT_FIELDS)
    with transaction.atomic():
        return _save(element, actor, reason)


def delete_element(*, actor, element, reason=""):
    _check(impact_rules.can_edit_pathway, actor, element.pathway.deal, _("You may not edit this deal's pathway."))
    with transaction.atomic():
        element._history_user = actor
        element._change_reason = reason
        element.delete()


def add_link(*, actor, cause, effect, reason=""):
    pathway = cause.pathway
    _check(impact_rules.can_edit_pathway, actor, pathway.deal, _("You may not edit this deal's pathway."))
    check_row(actor=actor, instance=Link(pathway=pathway, cause=cause, effect=effect))
    if effect.pathway_id != pathway.id:
        raise ValidationError(_("Both elements must belong to the same pathway."))
    if cause.pk == effect.pk:
        raise ValidationError(_("An element cannot lead to itself."))
    if Link.objects.filter(cause=cause, effect=effect).exists():
        raise ValidationError(_("These elements are already linked."))
    with transaction.atomic():
        return _save(Link(pathway=pathway, cause=cause, effect=effect), actor, reason)


def delete_link(*, actor, link, reason=""):
    _check(impact_rules.can_edit_pathway, actor, link.pathway.deal, _("You may not edit this deal's pathway."))
    with transaction.atomic():
        link._history_user = actor
        link._change_reason = reason
        link.delete()


def add_assumption(*, actor, link, text, is_example=False, status=AssumptionStatus.ONGETOETST,
                   reason=""):
    """An assumption on a link; `status` is for an assumption brought in already tested (an
    import), otherwise the status moves with its evidence."""
    _check(impact_rules.can_edit_pathway, actor, link.pathway.deal, _("You may not edit this deal's pathway."))
    with transaction.atomic():
        return _save(Assumption(link=link, text=text, is_example=is_example, status=status),
                     actor, reason)


def update_assumption(*, actor, assumption, reason="", **fields):
    """Change an assumption's text, status or example flag."""
    _check(impact_rules.can_edit_pathway, actor, assumption.link.pathway.deal,
           _("You may not edit this deal's pathway."))
    _assign(assumption, fields, ("text", "status", "is_example"))
    with transaction.atomic():
        return _save(assumption, actor, reason)


def add_assumption_evidence(*, actor, assumption, date, stance, text, url="", new_status=None,
                            reason=""):
    """Record evidence for or against an assumption; optionally change its status with it."""
    deal = assumption.link.pathway.deal
    _check(impact_rules.can_edit_pathway, actor, deal, _("You may not edit this deal's pathway."))
    if new_status is not None and new_status not in AssumptionStatus.values:
        raise ValidationError({"new_status": _("Unknown status.")})
    with transaction.atomic():
        evidence = _save(
            AssumptionEvidence(
                assumption=assumption, date=date, stance=stance, text=text, url=url,
                recorded_by=actor,
            ),
            actor, reason,
        )
        if new_status and new_status != assumption.status:
            assumption.status = new_status
            _save(assumption, actor, reason or _("new evidence"))
    return evidence


# Effects -----------------------------------------------------------------------------------

EFFECT_FIELDS = (
    "element", "description", "valence", "intended", "dimension", "what", "who", "how_much",
    "contribution", "risk", "is_example",
)


def save_effect(*, actor, deal, effect=None, tags=None, reason="", **fields):
    _check(impact_rules.can_edit_pathway, actor, deal, _("You may not edit this deal's pathway."))
    effect = effect or Effect(deal=deal)
    _assign(effect, fields, EFFECT_FIELDS)
    with transaction.atomic():
        _save(effect, actor, reason, relations={"tags": tags})
        set_relations(effect, actor=actor, reason=reason, tags=tags)
    return effect


# Indicators and targets --------------------------------------------------------------------

INDICATOR_FIELDS = (
    "element", "ambition", "name", "description", "kind", "unit", "direction", "baseline_value",
    "baseline_date", "target_value", "target_status", "target_date", "aggregation",
    "milestone_statuses", "data_source", "frequency", "scope", "is_example",
)


def _validate_indicator(indicator):
    errors = {}
    if indicator.kind == IndicatorKind.PERCENTAGE:
        for name in ("baseline_value", "target_value"):
            value = getattr(indicator, name)
            if value is not None and not (0 <= value <= 100):
                errors[name] = _("A percentage lies between 0 and 100.")
    if indicator.kind == IndicatorKind.MILESTONE:
        if indicator.target_status and indicator.target_status not in indicator.statuses:
            errors["target_status"] = _("Choose one of the milestone's statuses: %(list)s.") % {
                "list": ", ".join(indicator.statuses)
            }
        if len(set(indicator.statuses)) != len(indicator.statuses):
            errors["milestone_statuses"] = _("Each status may appear only once.")
    if errors:
        raise ValidationError(errors)


def save_indicator(*, actor, deal, indicator=None, reason="", **fields):
    _check(impact_rules.can_edit_indicators, actor, deal, _("You may not edit this deal's indicators."))
    indicator = indicator or Indicator(deal=deal)
    _assign(indicator, fields, INDICATOR_FIELDS)
    _validate_indicator(indicator)
    with transaction.atomic():
        return _save(indicator, actor, reason)


def set_targets(*, actor, indicator, targets, reason=""):
    """Replace the periodic targets of an indicator.

    `targets`: iterable of dicts with period_start, period_end, label and value (or status for
    a milestone). Periods may not overlap.
    """
    _check(impact_rules.can_edit_indicators, actor, indicator.deal, _("You may not edit this deal's indicators."))
    rows = sorted(targets, key=lambda t: t["period_start"])
    for row in rows:
        if row["period_end"] < row["period_start"]:
            raise ValidationError(_("Period %(n)s ends before it starts.") % {
                "n": row.get("label") or row["period_start"]})
    for before, after in zip(rows, rows[1:]):
        if after["period_start"] <= before["period_end"]:
            raise ValidationError(
                _("Periods %(a)s and %(b)s overlap.") % {
                    "a": before.get("label") or before["period_start"],
                    "b": after.get("label") or after["period_start"],
                }
            )
    for row in rows:
        if indicator.is_milestone and row.get("status") and row["status"] not in indicator.statuses:
            raise ValidationError(
                _("Choose one of the milestone's statuses: %(list)s.") % {"list": ", ".join(indicator.statuses)}
            )
        if indicator.kind == IndicatorKind.PERCENTAGE and row.get("value") is not None:
            if not (0 <= Decimal(row["value"]) <= 100):
                raise ValidationError(_("A percentage lies between 0 and 100."))
    with transaction.atomic():
        existing = {(t.period_start, t.period_end): t for t in indicator.targets.all()}
        keep = set()
        for row in rows:
            key = (row["period_start"], row["period_end"])
            keep.add(key)
            target = existing.get(key) or Target(
                indicator=indicator, period_start=key[0], period_end=key[1]
            )
            target.label = row.get("label", "")
            target.value = row.get("value")
            target.status = row.get("status", "")
            _save(target, actor, reason)
        for key, target in existing.items():
            if key not in keep:
                target._history_user = actor
                target._change_reason = reason
                target.delete()
    return list(indicator.targets.all())


# Measurements ------------------------------------------------------------------------------

MEASUREMENT_FIELDS = (
    "date", "period_start", "value", "status", "source", "evidence_file", "evidence_url",
    "reporting_organisation", "verification", "confidence", "note", "is_example",
)


def deal_window(deal):
    """The first and last day a measurement of the deal may concern: from the start of the
    signing period to the end of the (extended) end period. None where unknown."""
    start = deal.signing_date
    end_date, precision = (
        (deal.extended_to, deal.extended_to_precision)
        if deal.extended_to
        else (deal.end_date, deal.end_date_precision)
    )
    end = None
    if end_date:
        if precision == Precision.YEAR:
            end = dt.date(end_date.year, 12, 31)
        elif precision == Precision.MONTH:
            nxt = dt.date(end_date.year + end_date.month // 12, end_date.month % 12 + 1, 1)
            end = nxt - dt.timedelta(days=1)
        else:
            end = end_date
    return start, end


def validate_measurement(indicator, *, date, value=None, status="", period_start=None,
                         scope_check=True):
    """Plain-language checks on a measurement; raises ValidationError per field."""
    errors = {}
    if indicator.is_milestone:
        if not status:
            errors["status"] = _("Choose the milestone's status.")
        elif status not in indicator.statuses:
            errors["status"] = _("'%(status)s' is not a status of this milestone; choose one of: %(list)s.") % {
                "status": status, "list": ", ".join(indicator.statuses)
            }
    else:
        if value in (None, ""):
            errors["value"] = _("Enter a number.")
        else:
            try:
                value = Decimal(str(value).replace(",", "."))
            except InvalidOperation:
                errors["value"] = _("'%(value)s' is not a number.") % {"value": value}
            else:
                if indicator.kind == IndicatorKind.PERCENTAGE and not (0 <= value <= 100):
                    errors["value"] = _("A percentage lies between 0 and 100; %(value)s is outside it.") % {
                        "value": value
                    }
    if date is None:
        errors["date"] = _("Enter the date measured.")
    elif scope_check:
        start, end = deal_window(indicator.deal)
        if start and date < start:
            errors["date"] = _("%(date)s lies before the deal started (%(start)s).") % {
                "date": date.isoformat(), "start": start.isoformat()
            }
        elif end and date > end:
            errors["date"] = _("%(date)s lies after the deal ends (%(end)s).") % {
                "date": date.isoformat(), "end": end.isoformat()
            }
    if period_start and date and period_start > date:
        errors["period_start"] = _("The period starts after it ends.")
    if errors:
        raise ValidationError(errors)
    return value


def _check_verification(actor, deal, verification):
    """Only the deal team verifies a figure, never the organisation that reported it."""
    if verification == Verification.VERIFIED and not impact_rules.can_verify_measurement(actor, deal):
        raise ValidationError({"verification": verification_error()})


def verification_error():
    return _("Only the deal team verifies a measurement; the reporting organisation cannot "
             "mark its own figure as verified.")


def _check_upload(fields):
    upload = fields.get("evidence_file")
    if upload and hasattr(upload, "size") and not getattr(upload, "_committed", False):
        try:
            check_upload(upload)  # the same check for the form, the API and imports
        except ValidationError as exc:
            raise ValidationError({"evidence_file": exc.messages}) from None


def record_measurement(*, actor, indicator, reason="", **fields):
    deal = indicator.deal
    error = measurement_permission_error(actor, indicator, fields.get("reporting_organisation"))
    if error:
        raise PermissionDenied(error)
    _check_verification(actor, deal, fields.get("verification"))
    _check_upload(fields)
    value = validate_measurement(
        indicator, date=fields.get("date"), value=fields.get("value"),
        status=fields.get("status", ""), period_start=fields.get("period_start"),
    )
    measurement = Measurement(indicator=indicator, reported_by=actor if actor else None)
    _assign(measurement, fields, MEASUREMENT_FIELDS)
    if not indicator.is_milestone:
        measurement.value = value
    with transaction.atomic():
        return _save(measurement, actor, reason)


# A change to any of these is a new figure: its verification no longer holds.
FIGURE_FIELDS = ("date", "period_start", "value", "status", "reporting_organisation")


def update_measurement(*, actor, measurement, reason="", **fields):
    """Change a measurement: who may record it for its reporting organisation (before and
    after the change). A change to the figure (FIGURE_FIELDS) withdraws its verification,
    unless the deal team verifies it again in the same change."""
    indicator = measurement.indicator
    deal = indicator.deal
    for org in {measurement.reporting_organisation, fields.get("reporting_organisation",
                                                                measurement.reporting_organisation)}:
        error = measurement_permission_error(actor, indicator, org)
        if error:
            raise PermissionDenied(error)
    _check_verification(actor, deal, fields.get("verification"))
    _check_upload(fields)
    before = {name: getattr(measurement, name) for name in FIGURE_FIELDS}
    merged = {**before, **{k: v for k, v in fields.items() if k in FIGURE_FIELDS}}
    value = validate_measurement(indicator, date=merged["date"], value=merged["value"],
                                 status=merged["status"] or "", period_start=merged["period_start"])
    _assign(measurement, fields, MEASUREMENT_FIELDS)
    if not indicator.is_milestone:
        measurement.value = value
    changed = any(getattr(measurement, name) != before[name] for name in FIGURE_FIELDS)
    if changed and fields.get("verification") != Verification.VERIFIED:
        measurement.verification = Verification.SELF_REPORTED  # to be verified again
    with transaction.atomic():
        return _save(measurement, actor, reason)


def verify_measurement(*, actor, measurement, reason=""):
    """The deal team marks a measurement as verified; its history entry records who did."""
    _check_verification(actor, measurement.indicator.deal, Verification.VERIFIED)
    if measurement.verification == Verification.VERIFIED:
        raise ValidationError({"verification": _("This measurement is already verified.")})
    measurement.verification = Verification.VERIFIED
    with transaction.atomic():
        return _save(measurement, actor, reason or "verificatie")


def delete_measurement(*, actor, measurement, reason=""):
    deal = measurement.indicator.deal
    _check(impact_rules.can_edit_indicators, actor, deal, _("You may not change this deal's measurements."))
    with transaction.atomic():
        measurement._history_user = actor
        measurement._change_reason = reason
        measurement.delete()


def measurement_permission_error(actor, indicator, reporting_organisation):
    """Why `actor` may not record this measurement, or None when they may: the same rules as
    `record_measurement`, for checking many rows before writing any."""
    deal = indicator.deal
    if not impact_rules.can_record_measurement(actor, deal):
        return _("You may not enter measurements for this deal.")
    if not impact_rules.can_report_for(actor, deal, reporting_organisation):
        return _("You may only report measurements for your own organisation.")
    return None


IMPORT_BATCH = 5000


def import_measurements(*, actor, measurements, reason="import", progress=None):
    """Write many measurements at once (spreadsheet imports): every one is checked as
    `record_measurement` checks it, then all are written in bulk, each with its history row,
    in one transaction. `measurements`: unsaved Measurement objects. `progress(done)` is called
    after each batch. Returns the number written."""
    checked = {}
    references = ReferenceCheck(actor)
    for m in measurements:
        key = (m.indicator_id, m.reporting_organisation_id)
        if key not in checked:
            checked[key] = measurement_permission_error(actor, m.indicator, m.reporting_organisation)
            if not checked[key]:  # the same reference rules as one measurement's
                references.check(deal=m.indicator.deal, instance=m)
        if checked[key]:
            raise PermissionDenied(checked[key])
        _check_verification(actor, m.indicator.deal, m.verification)
        if m.indicator.is_milestone:
            validate_measurement(m.indicator, date=m.date, status=m.status,
                                 period_start=m.period_start)
        else:
            m.value = validate_measurement(m.indicator, date=m.date, value=m.value,
                                           period_start=m.period_start)
        m.reported_by = actor
    with transaction.atomic():
        insert_with_history(measurements, user=actor, reason=reason, batch_size=IMPORT_BATCH,
                            progress=progress)
    return len(measurements)

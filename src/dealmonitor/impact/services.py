"""The only code that writes pathways, effects, indicators, targets and measurements.

Each service checks permission (impact/rules.py), validates, writes in one transaction and
leaves a history entry (django-simple-history) with the acting user and an optional reason.
"""

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from dealmonitor.deals.history import set_relations
from dealmonitor.deals.writing import assign as _assign
from dealmonitor.deals.writing import check as _check
from dealmonitor.deals.writing import save as _save
from dealmonitor.deals.references import ReferenceCheck, check_row
from dealmonitor.utils import change_reason
from dealmonitor.utils.bulk import insert_with_history
from dealmonitor.utils.partial_dates import Precision
from dealmonitor.utils.uploads import check_upload

from . import rules as impact_rules
from .constants import (
    DIMENSIONS,
    MAX_CATEGORIES,
    MAX_DIMENSIONS,
    AssumptionStatus,
    IndicatorKind,
    Meaning,
    Verification,
)
from .models import (
    Assumption,
    AssumptionEvidence,
    Effect,
    Element,
    Indicator,
    Link,
    Measurement,
    MeasurementPart,
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
            _save(assumption, actor, reason or "new evidence")
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
    "milestone_statuses", "data_source", "frequency", "scope", "is_example", "meaning",
    "whole_numbers", "allow_negative", "value_min", "value_max", "breakdown",
)


def clean_breakdown(breakdown):
    """An indicator's breakdown as stored: [{"dimension", "categories"}], at most
    MAX_DIMENSIONS dimensions from DIMENSIONS, each with its own or the shipped categories.
    Raises ValidationError({"breakdown": ...}) naming the problem."""
    cleaned, errors = [], []
    for item in breakdown or ():
        dim = item.get("dimension", "")
        categories = [str(c).strip() for c in item.get("categories") or () if str(c).strip()]
        if dim not in DIMENSIONS:
            errors.append(_("'%(dimension)s' is not a dimension; choose one of: %(list)s.") % {
                "dimension": dim, "list": ", ".join(DIMENSIONS)})
            continue
        categories = categories or list(DIMENSIONS[dim][1])
        if not categories:
            errors.append(_("Name the categories of %(dimension)s.") % {"dimension": dimension_label(dim)})
        elif len(categories) > MAX_CATEGORIES:
            errors.append(_("%(dimension)s has more than %(n)s categories.") % {
                "dimension": dimension_label(dim), "n": MAX_CATEGORIES})
        elif len(set(categories)) != len(categories):
            errors.append(_("Each category of %(dimension)s may appear only once.") % {
                "dimension": dimension_label(dim)})
        elif any(len(c) > 100 for c in categories):
            errors.append(_("A category name has at most 100 characters."))
        if any(d["dimension"] == dim for d in cleaned):
            errors.append(_("%(dimension)s appears twice.") % {"dimension": dimension_label(dim)})
        cleaned.append({"dimension": dim, "categories": categories})
    if len(cleaned) > MAX_DIMENSIONS:
        errors.append(_("An indicator is broken down by at most %(n)s dimensions.") % {"n": MAX_DIMENSIONS})
    if errors:
        raise ValidationError({"breakdown": errors})
    return cleaned


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
    if indicator.kind == IndicatorKind.PERCENTAGE:
        indicator.meaning = Meaning.LEVEL  # a share never adds up
    if (indicator.value_min is not None and indicator.value_max is not None
            and indicator.value_min > indicator.value_max):
        errors["value_max"] = _("The highest allowed value lies below the lowest.")
    if indicator.kind == IndicatorKind.NUMERIC:
        for name in ("baseline_value", "target_value"):
            value = getattr(indicator, name)
            if value is not None:
                try:
                    check_value(indicator, value)
                except ValidationError as exc:
                    errors[name] = exc.messages[0]
    if indicator.breakdown and indicator.kind != IndicatorKind.NUMERIC:
        errors["breakdown"] = _("Only a number is broken down by category.")
    else:
        try:
            indicator.breakdown = clean_breakdown(indicator.breakdown)
        except ValidationError as exc:
            errors.update(exc.message_dict)
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
        if indicator.kind == IndicatorKind.NUMERIC and row.get("value") is not None:
            try:
                check_value(indicator, row["value"])
            except ValidationError as exc:
                raise ValidationError(_("Target for %(period)s: %(problem)s") % {
                    "period": row.get("label") or row["period_start"], "problem": exc.messages[0]}) from None
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


def parse_number(raw):
    """A number as people type it: "12,5", "12.5", "1.250,5", " 4 ". None when it is not one."""
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:  # 1.250,5: the point groups thousands
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _shown(number):
    """A number in a message as the user would write it: 4,5 and 1250."""
    text = f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:f}".rstrip("0")
    return text.replace(".", ",")


def value_rules(indicator):
    """The lowest and highest value an indicator accepts and whether it counts whole numbers,
    as (low, high, whole). A percentage lies between 0 and 100; a number is not negative
    unless the indicator allows it; the indicator's own range narrows this."""
    whole = bool(indicator.whole_numbers) and indicator.kind == IndicatorKind.NUMERIC
    if indicator.kind == IndicatorKind.PERCENTAGE:
        low, high = Decimal(0), Decimal(100)
    else:
        low, high = (None if indicator.allow_negative else Decimal(0)), None
    if indicator.value_min is not None:
        low = indicator.value_min if low is None else max(low, indicator.value_min)
    if indicator.value_max is not None:
        high = indicator.value_max if high is None else min(high, indicator.value_max)
    return low, high, whole


def check_value(indicator, raw):
    """The value rules of an indicator, for the form, the API and the import alike: returns
    the number, or raises ValidationError with one plain message naming the problem."""
    if raw in (None, ""):
        raise ValidationError(_("Enter a number."))
    number = parse_number(raw)
    if number is None:
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": raw})
    low, high, whole = value_rules(indicator)
    if whole and number != number.to_integral_value():
        raise ValidationError(
            _("%(name)s is counted in whole numbers; %(value)s is not a whole number.")
            % {"name": indicator.name, "value": _shown(number)})
    if indicator.kind == IndicatorKind.PERCENTAGE and not (0 <= number <= 100):
        raise ValidationError(
            _("A percentage lies between 0 and 100; %(value)s is outside it.") % {"value": _shown(number)})
    if low == 0 and high is None and number < 0:
        raise ValidationError(
            _("%(name)s cannot be negative; %(value)s is below zero.")
            % {"name": indicator.name, "value": _shown(number)})
    if (low is not None and number < low) or (high is not None and number > high):
        shown = _shown(number)  # only for the message (formatting every accepted value is not free)
        if low is not None and high is not None:
            message = _("%(name)s lies between %(low)s and %(high)s; %(value)s is outside it.")
        elif low is not None:
            message = _("%(name)s is at least %(low)s; %(value)s is lower.")
        else:
            message = _("%(name)s is at most %(high)s; %(value)s is higher.")
        raise ValidationError(message % {
            "name": indicator.name, "value": shown,
            "low": _shown(low) if low is not None else "", "high": _shown(high) if high is not None else ""})
    return number


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
        try:
            value = check_value(indicator, value)
        except ValidationError as exc:
            errors["value"] = exc.messages[0]
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


def measurement_validator(indicator):
    """`validate_measurement` for many measurements of one indicator (an import): the rules
    (range, whole numbers, the deal's term, the milestone's statuses) are read once; a
    measurement they plainly accept returns at once, every other goes through
    `validate_measurement`, so a refusal and its message are always that function's.
    Called as validate(date=..., value=..., status=..., period_start=...)."""
    milestone = indicator.is_milestone
    if milestone:
        statuses = set(indicator.statuses)
    else:
        low, high, whole = value_rules(indicator)
    start, end = deal_window(indicator.deal)

    def validate(*, date, value=None, status="", period_start=None):
        if (date is not None and (start is None or date >= start) and (end is None or date <= end)
                and (period_start is None or period_start <= date)):
            if milestone:
                if status and status in statuses:
                    return value
            elif (type(value) is Decimal and value.is_finite()
                  and (low is None or value >= low) and (high is None or value <= high)
                  and (not whole or value == value.to_integral_value())):
                return value
        return validate_measurement(indicator, date=date, value=value, status=status,
                                    period_start=period_start)

    return validate


def verification_problem(actor, deal, verification):
    """Why `actor` may not give a measurement this verification state, or None. Only the deal
    team verifies a figure, never the organisation that reported it; a figure is sent back
    only with a note (`send_back_measurement`)."""
    if verification == Verification.VERIFIED and not impact_rules.can_verify_measurement(actor, deal):
        return verification_error()
    if verification == Verification.SENT_BACK:
        return _("The deal team sends a measurement back with a note, after it has been reported.")
    return None


def _check_verification(actor, deal, verification):
    problem = verification_problem(actor, deal, verification)
    if problem:
        raise ValidationError({"verification": problem})


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


def _breakdown(indicator):
    """{dimension: [categories]} of the indicator's breakdown."""
    return {d["dimension"]: list(d.get("categories") or DIMENSIONS.get(d["dimension"], ("", []))[1])
            for d in indicator.dimensions}


def dimension_label(code):
    return str(DIMENSIONS[code][0]) if code in DIMENSIONS else code


def check_parts(indicator, total, parts):
    """The values per category of a measurement: each obeys the indicator's value rules, names
    one of its dimensions and categories, and the categories of a dimension add up to the
    total. `parts`: [{"dimension", "category", "value"}]; empty values are left out. Returns
    the cleaned list; raises ValidationError({"parts": [...]}) naming each problem."""
    dims = _breakdown(indicator)
    cleaned, errors, sums = [], [], {}
    seen = set()
    for part in parts or ():
        raw = part.get("value")
        if raw in (None, ""):
            continue
        dim, cat = part.get("dimension", ""), str(part.get("category", "")).strip()
        if dim not in dims:
            errors.append(_("%(name)s is not broken down by '%(dimension)s'.") % {
                "name": indicator.name, "dimension": dim})
            continue
        if cat not in dims[dim]:
            errors.append(_("'%(category)s' is not a category of %(dimension)s; choose one of: %(list)s.") % {
                "category": cat, "dimension": dimension_label(dim), "list": ", ".join(dims[dim])})
            continue
        if (dim, cat) in seen:
            errors.append(_("%(category)s appears twice.") % {"category": cat})
            continue
        seen.add((dim, cat))
        try:
            value = check_value(indicator, raw)
        except ValidationError as exc:
            errors.append(f"{cat}: {exc.messages[0]}")
            continue
        cleaned.append({"dimension": dim, "category": cat, "value": value})
        sums[dim] = sums.get(dim, Decimal(0)) + value
    if total is not None:
        for dim, amount in sums.items():
            if amount != total:
                errors.append(_(
                    "The categories of %(dimension)s add up to %(sum)s, the total is %(total)s: "
                    "they differ by %(diff)s.") % {
                    "dimension": dimension_label(dim), "sum": _shown(amount), "total": _shown(Decimal(total)),
                    "diff": _shown(abs(amount - Decimal(total)))})
    if errors:
        raise ValidationError({"parts": errors})
    return cleaned


def _save_parts(measurement, parts, actor, reason):
    """Replace the values per category of a measurement."""
    existing = {(p.dimension, p.category): p for p in measurement.parts.all()}
    keep = set()
    for part in parts:
        key = (part["dimension"], part["category"])
        keep.add(key)
        row = existing.get(key) or MeasurementPart(measurement=measurement, dimension=key[0],
                                                   category=key[1])
        if row.pk is None or row.value != part["value"]:
            row.value = part["value"]
            _save(row, actor, reason, validate=False)
    for key, row in existing.items():
        if key not in keep:
            row._history_user = actor
            row._change_reason = reason
            row.delete()


def record_measurement(*, actor, indicator, reason="", parts=None, **fields):
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
    cleaned = check_parts(indicator, value, parts) if parts and not indicator.is_milestone else []
    measurement = Measurement(indicator=indicator, reported_by=actor if actor else None)
    _assign(measurement, fields, MEASUREMENT_FIELDS)
    if not indicator.is_milestone:
        measurement.value = value
    with transaction.atomic():
        _save(measurement, actor, reason)
        _save_parts(measurement, cleaned, actor, reason)
    return measurement


# A change to any of these is a new figure: its verification no longer holds.
FIGURE_FIELDS = ("date", "period_start", "value", "status", "reporting_organisation")


def figure_version(measurement):
    """A fingerprint of the figure the deal team is shown when it verifies a measurement
    (FIGURE_FIELDS and the values per category: what a correction must leave unchanged for a
    verification to hold), sent with the "Verifiëren" button, so that a figure corrected after
    the list was read is not verified unseen. Reads the measurement's categories (from its
    prefetched parts where the list has them)."""
    meta = measurement._meta
    values = [str(getattr(measurement, meta.get_field(name).attname)) for name in FIGURE_FIELDS]
    values += sorted(f"{p.dimension}/{p.category}={p.value.normalize()}" for p in measurement.parts.all())
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:20]


def can_correct(actor, measurement):
    """Who may correct or withdraw a measurement: the deal team (whoever may edit the deal's
    data), or the member who reported it while they may still report for its organisation."""
    indicator = measurement.indicator
    if impact_rules.can_edit_deal_data(actor, indicator.deal):
        return True
    return bool(actor is not None and measurement.reported_by_id == getattr(actor, "pk", None)
                and measurement_permission_error(actor, indicator, measurement.reporting_organisation) is None)


def _correction_check(actor, measurement):
    if not can_correct(actor, measurement):
        raise PermissionDenied(_("Only the person who reported a measurement and the deal team may "
                                 "correct or withdraw it."))


def update_measurement(*, actor, measurement, reason="", parts=None, **fields):
    """Correct a measurement: its author or the deal team (`can_correct`), for an organisation
    they may report for. A change to the figure (FIGURE_FIELDS) withdraws its verification,
    unless the deal team verifies it again in the same change."""
    indicator = measurement.indicator
    deal = indicator.deal
    _correction_check(actor, measurement)
    if measurement.withdrawn:
        raise ValidationError(_("This measurement has been withdrawn; enter a new one instead."))
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
    if parts is not None and not indicator.is_milestone:
        cleaned = check_parts(indicator, value, parts)
    elif not indicator.is_milestone and "value" in fields:
        # the stored categories must still add up to the new total
        cleaned = check_parts(indicator, value, [
            {"dimension": p.dimension, "category": p.category, "value": p.value}
            for p in measurement.parts.all()])
    else:
        cleaned = None
    _assign(measurement, fields, MEASUREMENT_FIELDS)
    if not indicator.is_milestone:
        measurement.value = value
    changed = any(getattr(measurement, name) != before[name] for name in FIGURE_FIELDS)
    if parts is not None and cleaned is not None:
        old = {(p.dimension, p.category): p.value for p in measurement.parts.all()}
        changed = changed or old != {(p["dimension"], p["category"]): p["value"] for p in cleaned}
    if changed and not (reason or change_reason.current()).strip():
        raise ValidationError({"reason": _("Say why the figure is corrected.")})
    if changed and fields.get("verification") != Verification.VERIFIED:
        measurement.verification = Verification.SELF_REPORTED  # to be verified again
        measurement.verification_note = ""
    with transaction.atomic():
        _save(measurement, actor, reason)
        if cleaned is not None:
            _save_parts(measurement, cleaned, actor, reason)
    return measurement


def withdraw_measurement(*, actor, measurement, reason):
    """Withdraw a measurement: it no longer counts in any progress figure, but stays in the
    indicator's list and its history, with who withdrew it, when and why."""
    _correction_check(actor, measurement)
    reason = (reason or change_reason.current() or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the measurement is withdrawn.")})
    if measurement.withdrawn:
        raise ValidationError({"reason": _("This measurement has already been withdrawn.")})
    measurement.withdrawn = True
    measurement.withdrawn_reason = reason
    measurement.withdrawn_at = timezone.now()
    measurement.withdrawn_by = actor if actor else None
    with transaction.atomic():
        return _save(measurement, actor, reason, validate=False)


def verify_measurement(*, actor, measurement, reason="", seen=""):
    """The deal team marks a measurement as verified; its history entry records who did.
    `seen`: the `figure_version` the verifier was shown; when the figure or its values per
    category changed since, nothing is verified (the row is locked for the check)."""
    _check_verification(actor, measurement.indicator.deal, Verification.VERIFIED)
    with transaction.atomic():
        if seen:
            current = Measurement.objects.select_for_update().filter(pk=measurement.pk).first()
            if current is None or figure_version(current) != seen:
                raise ValidationError({"verification": _(
                    "This measurement has changed since you opened the list, so it has not been "
                    "verified. Check the figure as it is now, and verify it again.")})
            measurement = current
        if measurement.withdrawn:
            raise ValidationError({"verification": _("A withdrawn measurement is not verified.")})
        if measurement.verification == Verification.VERIFIED:
            raise ValidationError({"verification": _("This measurement is already verified.")})
        measurement.verification = Verification.VERIFIED
        measurement.verification_note = ""
        return _save(measurement, actor, reason or "verificatie")


def send_back_measurement(*, actor, measurement, note):
    """The deal team sends a measurement back to who reported it, with a note saying what to
    check; the figure stays self-reported in every count until it is corrected and verified."""
    if not impact_rules.can_verify_measurement(actor, measurement.indicator.deal):
        raise PermissionDenied(_("Only the deal team sends a measurement back."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"verification_note": _("Say what should be checked or corrected.")})
    if measurement.withdrawn:
        raise ValidationError({"verification_note": _("A withdrawn measurement cannot be sent back.")})
    measurement.verification = Verification.SENT_BACK
    measurement.verification_note = note
    with transaction.atomic():
        return _save(measurement, actor, f"sent back: {note}", validate=False)


def delete_measurement(*, actor, measurement, reason=""):
    """Remove a measurement entirely (entered by mistake in the wrong deal, say): the deal
    team only. Correcting and withdrawing keep the figure's trail; this does not."""
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
    verifications = set()
    validators = {}  # id of an indicator -> its measurement_validator
    references = ReferenceCheck(actor)
    reporter = getattr(actor, "pk", None) if actor is not None else None
    for m in measurements:
        indicator = m.indicator
        key = (m.indicator_id, m.reporting_organisation_id)
        if key not in checked:
            checked[key] = measurement_permission_error(actor, indicator, m.reporting_organisation)
            if not checked[key]:  # the same reference rules as one measurement's
                references.check(deal=indicator.deal, instance=m)
        if checked[key]:
            raise PermissionDenied(checked[key])
        if (indicator.deal_id, m.verification) not in verifications:  # once per deal and state
            _check_verification(actor, indicator.deal, m.verification)
            verifications.add((indicator.deal_id, m.verification))
        m.withdrawn = False  # withdrawing is done one by one, with a reason
        validate = validators.get(id(indicator))
        if validate is None:
            validate = validators[id(indicator)] = measurement_validator(indicator)
        milestone = indicator.is_milestone
        if milestone:
            validate(date=m.date, status=m.status, period_start=m.period_start)
        else:
            m.value = validate(date=m.date, value=m.value, period_start=m.period_start)
        m.reported_by_id = reporter  # what `m.reported_by = actor` does, without the descriptor
        m._state.fields_cache["reported_by"] = actor if reporter is not None else None
        if not milestone and getattr(m, "import_parts", None):
            m.import_parts = check_parts(indicator, m.value, m.import_parts)
    with transaction.atomic():
        insert_with_history(measurements, user=actor, reason=reason, batch_size=IMPORT_BATCH,
                            progress=progress)
        parts = [MeasurementPart(measurement=m, dimension=p["dimension"], category=p["category"],
                                 value=p["value"])
                 for m in measurements for p in getattr(m, "import_parts", None) or ()]
        if parts:
            insert_with_history(parts, user=actor, reason=reason, batch_size=IMPORT_BATCH)
    return len(measurements)

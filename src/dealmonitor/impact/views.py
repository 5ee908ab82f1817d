import datetime as dt
import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.forms import add_service_errors as _form_errors
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.spreadsheets import csv_variant
from dealmonitor.ui.concurrency import (
    STALE_MESSAGE,
    VERSION_FIELD,
    guarded_post,
    rows_version,
    set_is_stale,
)

from . import charts, exports, selectors, services
from . import rules as impact_rules
from .constants import Aggregation, IndicatorKind, IndicatorScope, Level, Meaning, Status, Verification
from .forms import IndicatorForm, MeasurementForm, SendBackForm, TargetsForm, WithdrawForm
from .performance_html import TABLE_PLACE, performance_page, with_table
from .models import Indicator, Measurement
from .periods import calendar_periods
from .templatetags.impact_tags import num


def _indicator(deal, pk):
    return access.find_row(None, Indicator.objects.select_related("deal", "element"), pk, deal=deal)


@deal_view()
def dashboard(request, deal):
    board = selectors.dashboard(deal)
    return render(request, "impact/dashboard.html", {
        "deal": deal,
        "board": board,
        "status_rows": [(s.value, s.label, board.status_counts[s.value]) for s in Status],
        "can_edit": access.allowed(request.user, impact_rules.can_edit_indicators, deal),
    })


@deal_view()
def indicator_list(request, deal):
    indicators = (
        Indicator.objects.filter(deal=deal).select_related("element").order_by("scope", "name")
    )
    return render(request, "impact/indicator_list.html", {
        "deal": deal,
        "performance": [i for i in indicators if i.scope == IndicatorScope.PERFORMANCE],
        "population": [i for i in indicators if i.scope == IndicatorScope.POPULATION],
        "can_edit": access.allowed(request.user, impact_rules.can_edit_indicators, deal),
    })


def _indicator_form(request, deal, indicator=None):
    form = IndicatorForm(request.POST or None, instance=indicator, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(
                actor=request.user, deal=deal, indicator=indicator or Indicator(deal=deal),
                **form.service_fields(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The indicator has been saved."))
            return redirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "impact/indicator_form.html",
                  {"deal": deal, "form": form, "indicator": indicator}, status=status)


@guarded_post
@deal_view(impact_rules.can_edit_indicators)
def indicator_create(request, deal):
    return _indicator_form(request, deal)


@guarded_post
@deal_view(impact_rules.can_edit_indicators)
def indicator_edit(request, deal, pk):
    return _indicator_form(request, deal, _indicator(deal, pk))


@deal_view()
def indicator_detail(request, deal, pk):
    indicator = _indicator(deal, pk)
    measurements = list(
        indicator.measurements.select_related("reporting_organisation", "reported_by", "withdrawn_by")
        .prefetch_related("parts").order_by("date", "id")
    )
    targets = list(indicator.targets.all())
    verified_only = request.GET.get("geverifieerd") == "1"
    # its row alone, with the whole table's columns (the deal's periods)
    table = selectors.performance_table(deal, scope=indicator.scope, verified_only=verified_only,
                                        indicator=indicator.pk, deal_columns=True)
    row = next(iter(table.rows), None)
    chart = None
    if indicator.kind != IndicatorKind.MILESTONE and row:
        # the figures of the table below, per period: one series for the chart and the table
        chart = charts.line_chart(
            row.series,
            [(t.period_end, t.value) for t in targets if t.value is not None],
            indicator.baseline_value,
            partners=[(p.label, [(period.end, c.actual) for period, c in zip(table.periods, p.cells)
                                 if c.actual is not None]) for p in row.partners],
        )
    user = request.user
    can_verify = access.allowed(user, impact_rules.can_verify_measurement, deal)
    for m in measurements:
        m.may_correct = not m.withdrawn and services.can_correct(user, m)
        m.may_withdraw = m.may_correct
        m.may_verify = can_verify and not m.withdrawn and m.verification != Verification.VERIFIED
        m.figure_version = services.figure_version(m) if m.may_verify else ""
    periods = table.periods
    return render(request, "impact/indicator_detail.html", {
        "deal": deal,
        "indicator": indicator,
        "measurements": measurements,
        "targets": targets,
        "chart": chart,
        "row": row,
        "periods": periods,
        "period_cells": list(zip(periods, row.cells)) if row else [],
        "partner_cells": [(p, list(zip(periods, p.cells))) for p in row.partners] if row else [],
        "verified_only": verified_only,
        "can_edit": access.allowed(user, impact_rules.can_edit_indicators, deal),
        "can_record": access.allowed(user, impact_rules.can_record_measurement, deal),
        "can_verify": can_verify,
        "can_see_evidence": access.allowed(user, impact_rules.can_read_evidence, deal),
    })


EXTRA_PERIODS = 3  # empty rows on the targets page for custom periods


def _iso(text):
    try:
        return dt.date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        return None


def _count(request):
    """The number of period rows the targets form says it holds (0 for anything else)."""
    try:
        return max(0, min(int(request.POST.get("count", 0)), 1000))
    except (TypeError, ValueError):
        return 0


@guarded_post
@deal_view(impact_rules.can_edit_indicators)
def indicator_targets(request, deal, pk):
    indicator = _indicator(deal, pk)
    existing = {(t.period_start, t.period_end): t for t in indicator.targets.all()}
    initial_first = indicator.baseline_date or deal.signing_date or dt.date.today()
    initial_last = indicator.target_date or services.deal_window(deal)[1] or initial_first
    form = TargetsForm(request.GET or None, initial={
        "periodicity": "jaar", "first": initial_first, "last": initial_last,
    })
    periods = []
    if form.is_bound and form.is_valid():
        periods = calendar_periods(form.cleaned_data["first"], form.cleaned_data["last"],
                                   form.cleaned_data["periodicity"])
    elif existing:
        from .periods import Period

        periods = [Period(t.period_start, t.period_end, t.label) for t in existing.values()]
    errors = []
    if request.method == "POST":
        from .periods import Period

        rows = []
        count = _count(request)
        for i in range(count + EXTRA_PERIODS):
            raw = request.POST.get(f"value_{i}", "").strip()
            start_raw = request.POST.get(f"start_{i}", "").strip()
            end_raw = request.POST.get(f"end_{i}", "").strip()
            if i >= count and not (start_raw or end_raw or raw):
                continue  # an unused row for a custom period
            start, end = _iso(start_raw), _iso(end_raw)
            if start is None or end is None:
                errors.append(_("Period %(n)s has no valid dates.") % {"n": i + 1})
                continue
            if end < start:
                errors.append(_("Period %(n)s ends before it starts.") % {"n": i + 1})
                continue
            label = request.POST.get(f"label_{i}", "").strip() or f"{start.isoformat()} – {end.isoformat()}"
            row = {"period_start": start, "period_end": end, "label": label}
            if indicator.is_milestone:
                row["status"] = raw
                if not raw:
                    continue
            else:
                if not raw:
                    continue  # no target for this period
                from decimal import Decimal, InvalidOperation

                try:
                    row["value"] = Decimal(raw.replace(",", "."))
                except InvalidOperation:
                    errors.append(_("Target for %(period)s: '%(value)s' is not a number.") % {
                        "period": label, "value": raw})
                    continue
            rows.append(row)
            periods.append(Period(start, end, label)) if (start, end) not in {(p.start, p.end) for p in periods} else None
        if not errors and set_is_stale(request.POST.get(VERSION_FIELD), indicator.targets.all(), lock=indicator):
            errors.append(STALE_MESSAGE)
            errors.append(_("Saved meanwhile: %(value)s") % {"value": "; ".join(
                f"{t.label}: {t.status if indicator.is_milestone else num(t.value)}"
                for t in indicator.targets.all()) or "–"})
        if not errors:
            try:
                services.set_targets(actor=request.user, indicator=indicator, targets=rows)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("The targets have been saved."))
                return redirect(indicator.get_absolute_url())
    periods = sorted(set(periods))
    values = {
        (t.period_start, t.period_end): (t.status if indicator.is_milestone else t.value)
        for t in existing.values()
    }
    if request.method == "POST":
        values.update({
            (_iso(request.POST.get(f"start_{i}", "")), _iso(request.POST.get(f"end_{i}", ""))):
            request.POST.get(f"value_{i}", "")
            for i in range(_count(request))
        })
    period_rows = [(i, p, values.get((p.start, p.end))) for i, p in enumerate(periods)]
    extra_rows = [(len(periods) + k, {
        name: request.POST.get(f"{name}_{len(periods) + k}", "") for name in ("start", "end", "label", "value")
    }) for k in range(EXTRA_PERIODS)]
    return render(request, "impact/indicator_targets.html", {
        "deal": deal, "indicator": indicator, "form": form, "period_rows": period_rows,
        "extra_rows": extra_rows, "count": len(periods), "errors": errors,
        "version": rows_version(indicator.targets.all()),
    }, status=400 if errors else 200)


def _organisations_for(request, deal):
    candidates = Organisation.objects.filter(
        Q(participations__deal=deal) | Q(pk__in=impact_rules.partner_organisations(request.user, deal))
    ).distinct().order_by("name")
    return candidates.filter(pk__in=[
        o.pk for o in candidates if impact_rules.can_report_for(request.user, deal, o)])


def _figure(deal, indicator, verified_only=False):
    """The indicator's row of the performance table (its current figure), or None: computed
    for this indicator alone (a 200-indicator deal's whole table took 17 ms at scale L)."""
    table = selectors.performance_table(deal, scope=indicator.scope, verified_only=verified_only,
                                        indicator=indicator.pk)
    return next(iter(table.rows), None)


def _preview(deal, indicator):
    """What the measurement form says about the current figure and what a value makes of it
    (impact/static/impact/measurement_preview.js computes the new figure as the user types)."""
    if indicator.is_milestone:
        return None
    row = _figure(deal, indicator)
    current = row.total.actual if row else None
    own = {}
    if row:
        for o in row.observations:
            if o.value is not None:
                own[str(o.org or "")] = str(o.value)
    if indicator.kind == IndicatorKind.PERCENTAGE or indicator.aggregation == Aggregation.LATEST:
        mode = "replace"  # the latest value is the figure
    elif indicator.meaning == Meaning.LEVEL:
        mode = "replace_own"  # the organisation's new level replaces its previous one
    else:
        mode = "add"
    return {"current": current, "mode": mode, "own": own,
            "current_raw": f"{current.normalize():f}" if current is not None else "",
            "level": indicator.meaning == Meaning.LEVEL or indicator.kind == IndicatorKind.PERCENTAGE}


def _measurement_fields(form, indicator):
    fields = {k: v for k, v in form.cleaned_data.items()
              if (v not in (None, "") or k == "value") and not k.startswith("deel_")}
    fields.pop("status", None) if not indicator.is_milestone else fields.pop("value", None)
    if indicator.is_milestone:
        fields["status"] = form.cleaned_data.get("status", "")
    return fields


def _saved_message(deal, indicator, before):
    if indicator.is_milestone:
        return _("The measurement has been saved.")
    row = _figure(deal, indicator)
    after = row.total.actual if row else None
    return _("The measurement has been saved. The figure went from %(before)s to %(after)s.") % {
        "before": num(before) if before is not None else "–", "after": num(after) if after is not None else "–"}


@guarded_post
@deal_view(impact_rules.can_record_measurement)
def measurement_create(request, deal, pk):
    indicator = _indicator(deal, pk)
    form = MeasurementForm(
        request.POST or None, request.FILES or None, indicator=indicator,
        organisations=_organisations_for(request, deal),
    )
    if not impact_rules.can_verify_measurement(request.user, deal):
        del form.fields["verification"]  # the deal team verifies (docs/impact.md)
    else:
        form.fields["verification"].choices = [
            c for c in form.fields["verification"].choices if c[0] != Verification.SENT_BACK]
    preview = _preview(deal, indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_measurement(actor=request.user, indicator=indicator,
                                        parts=form.parts(), **_measurement_fields(form, indicator))
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("reporting_organisation", str(exc))
        else:
            messages.success(request, _saved_message(deal, indicator, preview and preview["current"]))
            return redirect(indicator.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "impact/measurement_form.html",
                  {"deal": deal, "indicator": indicator, "form": form, "preview": preview},
                  status=status)


def _measurement(deal, indicator, mid):
    return access.find_row(
        None, Measurement.objects.filter(indicator=indicator).select_related(
            "indicator__deal", "reporting_organisation", "reported_by"),
        mid, deal=deal, deal_path="indicator__deal")


@guarded_post
@deal_view(impact_rules.can_record_measurement)
def measurement_edit(request, deal, pk, mid):
    """Correct a measurement: its author or the deal team, with a reason."""
    indicator = _indicator(deal, pk)
    measurement = _measurement(deal, indicator, mid)
    if not services.can_correct(request.user, measurement) or measurement.withdrawn:
        raise PermissionDenied
    form = MeasurementForm(
        request.POST or None, request.FILES or None, instance=measurement, indicator=indicator,
        organisations=_organisations_for(request, deal),
    )
    if not impact_rules.can_verify_measurement(request.user, deal):
        del form.fields["verification"]
    else:
        form.fields["verification"].choices = [
            c for c in form.fields["verification"].choices if c[0] != Verification.SENT_BACK]
    if not request.POST:
        form.initial["value"] = num(measurement.value) if measurement.value is not None else ""
        form.initial["status"] = measurement.status
    preview = _preview(deal, indicator)
    if request.method == "POST" and form.is_valid():
        fields = _measurement_fields(form, indicator)
        if "verification" not in form.fields:
            fields.pop("verification", None)
        elif fields.get("verification") == measurement.verification:
            fields.pop("verification")
        try:
            services.update_measurement(actor=request.user, measurement=measurement,
                                        parts=form.parts(), **fields)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("reporting_organisation", str(exc))
        else:
            messages.success(request, _saved_message(deal, indicator, preview and preview["current"]))
            return redirect(f"{indicator.get_absolute_url()}#metingen")
    status = 400 if request.method == "POST" else 200
    return render(request, "impact/measurement_form.html", {
        "deal": deal, "indicator": indicator, "form": form, "preview": preview,
        "measurement": measurement}, status=status)


@guarded_post
@deal_view(impact_rules.can_record_measurement)
def measurement_withdraw(request, deal, pk, mid):
    """Withdraw a measurement, with a reason: it stays in the list and the history."""
    indicator = _indicator(deal, pk)
    measurement = _measurement(deal, indicator, mid)
    if not services.can_correct(request.user, measurement):
        raise PermissionDenied
    return _measurement_action(
        request, deal, indicator, measurement, WithdrawForm,
        lambda data: services.withdraw_measurement(actor=request.user, measurement=measurement,
                                                   reason=data["reason"]),
        done=_("The measurement has been withdrawn; it no longer counts."),
        title=_("Withdraw a measurement"), button=_("Withdraw measurement"))


def _measurement_action(request, deal, indicator, measurement, form_class, act, *, done, title,
                        button):
    """A form with one text (a reason, a note) that acts on a measurement, then back to the
    indicator's list of measurements; the service's refusal stays on the form."""
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(f"{indicator.get_absolute_url()}#metingen")
    return render(request, "impact/measurement_action.html", {
        "deal": deal, "indicator": indicator, "measurement": measurement, "form": form,
        "title": title, "button": button},
        status=400 if request.method == "POST" else 200)


@guarded_post
@deal_view(impact_rules.can_verify_measurement)
def measurement_verify(request, deal, pk, mid):
    """The deal team verifies a measurement (a button in the list of measurements)."""
    indicator = _indicator(deal, pk)
    measurement = _measurement(deal, indicator, mid)
    if request.method != "POST":
        return redirect(f"{indicator.get_absolute_url()}#metingen")
    try:
        services.verify_measurement(actor=request.user, measurement=measurement,
                                    seen=request.POST.get("figure_version", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The measurement has been verified."))
    return redirect(f"{indicator.get_absolute_url()}#metingen")


@guarded_post
@deal_view(impact_rules.can_verify_measurement)
def measurement_send_back(request, deal, pk, mid):
    """The deal team sends a measurement back to who reported it, with a note."""
    indicator = _indicator(deal, pk)
    measurement = _measurement(deal, indicator, mid)
    return _measurement_action(
        request, deal, indicator, measurement, SendBackForm,
        lambda data: services.send_back_measurement(actor=request.user, measurement=measurement,
                                                    note=data["note"]),
        done=_("The measurement has been sent back with your note."),
        title=_("Send a measurement back"), button=_("Send back"))


@deal_view()
def performance_table(request, deal):
    level = request.GET.get("niveau") or None
    period = request.GET.get("periode") or None
    if level and level not in Level.values:
        level = None
    verified_only = request.GET.get("geverifieerd") == "1"
    contributions = request.GET.get("bijdragen") == "1"
    # The template gets the table's HTML and the few things it shows besides, not the table
    # (put together from rows kept in the cache: performance_html.performance_page). Computed
    # here, a table in a template's context stayed alive until the garbage collector found
    # the cycle between the context and its parts: some 11,000 objects for a 200-indicator deal.
    all_periods, table = performance_page(deal, level=level, period=period,
                                          verified_only=verified_only, contributions=contributions)
    return with_table(render(request, "impact/performance.html", {
        "deal": deal, "level": level, "period": period,
        "all_periods": all_periods, "verified_only": verified_only,
        "level_choices": Level.choices, "contributions": contributions,
        "table_html": TABLE_PLACE if table else "", "query": request.GET.urlencode(),
    }), table)


@deal_view()
def performance_export(request, deal, fmt):
    level = request.GET.get("niveau") or None
    period = request.GET.get("periode") or None
    table = selectors.performance_table(deal, level=level if level in Level.values else None,
                                        period=period,
                                        verified_only=request.GET.get("geverifieerd") == "1")
    name = f"prestaties-{deal.slug}.{fmt}"
    if fmt == "csv":  # ?csv=excel or ?csv=analyse; without: the one for the page's language
        variant = csv_variant(request.GET.get("csv"), request.LANGUAGE_CODE)
        response = HttpResponse(exports.performance_csv(table, variant), content_type="text/csv; charset=utf-8")
        name = f"prestaties-{deal.slug}-{variant.key}.csv"
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.performance_xlsx(table, deal),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def evidence_download(request, pk):
    """Evidence files live outside the web root and are internal (deals/internal.py): only
    users who may see the deal's internals download them. A measurement of a deal the user
    may not read does not exist for them (404)."""
    measurement = access.find_row(request.user, Measurement.objects.select_related("indicator__deal"),
                                  pk, deal_path="indicator__deal")
    if not measurement.evidence_file:
        raise Http404
    access.require(request.user, impact_rules.can_read_evidence, measurement.indicator.deal)
    name = measurement.evidence_file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(measurement.evidence_file.open("rb"), as_attachment=True,
                            filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response

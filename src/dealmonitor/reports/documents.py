"""The deal's annual report and the programme's portfolio report: the context they are
written from, and their rendering as HTML or as PDF (WeasyPrint). Both are written as a
document to send: title page, contents, numbered sections, sources."""

import datetime as dt
from pathlib import Path
from collections import Counter, OrderedDict

from django.db.models import Max, Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from dealmonitor.deals import selectors as deal_selectors
from dealmonitor.impact import charts
from dealmonitor.impact import selectors as impact_selectors
from dealmonitor.impact.constants import (
    AssumptionStatus,
    IndicatorKind,
    IndicatorScope,
    Level,
    Status,
    Verification,
)
from dealmonitor.impact.models import Assumption, Element, Indicator, Measurement
from dealmonitor.learning import selectors as learning_selectors
from dealmonitor.learning.constants import BottleneckStatus
from dealmonitor.learning.models import Uptake
from dealmonitor.learning.selectors import visible_bottlenecks, visible_lessons

from .access import internal_deal_ids, readable_deals


def report_years(today=None):
    this = (today or timezone.localdate()).year
    return list(range(this, this - 6, -1))


def default_year(today=None):
    """The one rule for the period of a report when none is asked for: the last full calendar
    year (in 2026, 2025), for the deal's annual report and the portfolio report alike. An
    annual report is about a year that is over; the running year can be chosen."""
    return (today or timezone.localdate()).year - 1


def year_from(request, params=None):
    """The year asked for (?jaar=, or `params`' jaar: a posted form; between 2000 and this
    year), else `default_year()`."""
    try:
        year = int((request.GET if params is None else params).get("jaar", ""))
    except ValueError:
        return default_year()
    return min(max(year, 2000), timezone.localdate().year)


def verified_from(request, params=None):
    """Whether the report counts only the measurements the deal team verified (?geverifieerd=1,
    or `params`' geverifieerd: a posted form)."""
    return (request.GET if params is None else params).get("geverifieerd") == "1"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def respond(request, template, context, fmt, filename):
    """The report as a page (html), a PDF or an editable Word document (docx). The PDF and the
    document are written from the same HTML, so they hold the same text and headings."""
    context = {**context, "pdf": fmt in ("pdf", "docx"), "default_year": default_year()}
    if fmt == "pdf":  # the PDF carries its stylesheet; the page links it (Content-Security-Policy)
        from django.contrib.staticfiles import finders
        from django.utils.safestring import mark_safe

        context["report_css"] = mark_safe(Path(finders.find("reports/report.css")).read_text(encoding="utf-8"))
    html = render_to_string(template, context, request=request)
    if fmt == "docx":
        from .word import document_from_html

        response = HttpResponse(document_from_html(html), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
        return response
    if fmt != "pdf":
        return HttpResponse(html)
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _status_rows(rows):
    counts = Counter(r.total.status for r in rows)
    return [(s.value, s.label, counts.get(s.value, 0)) for s in Status if counts.get(s.value)]


def _charts(table):
    """A line chart per numeric indicator with measurements (targets at their period ends)."""
    out = []
    for row in table.rows:
        ind = row.indicator
        if ind["kind"] == IndicatorKind.MILESTONE:
            continue
        points = row.series  # the figures of the table, per period (impact issue 17)
        if not points:
            continue
        targets = [(p.end, c.target) for p, c in zip(table.periods, row.cells) if c.target is not None]
        chart = charts.line_chart(points, targets, ind["baseline_value"])
        if chart:
            out.append({"indicator": ind, "chart": chart, "row": row})
    return out


def deal_report(user, deal, *, year, verified_only=False):
    """Everything the annual report of `deal` for `year` says. Withdrawn measurements count
    nowhere in it (they stay in the deal's history); with `verified_only`, only the
    measurements the deal team verified count, and the report says so."""
    internal = deal.pk in internal_deal_ids(user, [deal])
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    deal = deal_selectors.deal_detail(user, deal.slug)
    table = impact_selectors.performance_table(deal, verified_only=verified_only)
    evidence = impact_selectors.evidence_coverage(deal)
    population = impact_selectors.performance_table(deal, scope=IndicatorScope.POPULATION,
                                                    verified_only=verified_only)
    counted = impact_selectors.counted_measurements(verified_only).filter(indicator__deal=deal)
    measured_in_year = counted.filter(date__range=(year_start, year_end)).count()
    withdrawn_in_year = Measurement.objects.filter(
        indicator__deal=deal, withdrawn=True, date__range=(year_start, year_end)).count()

    elements = list(Element.objects.filter(pathway__deal=deal).order_by("order", "id"))
    by_level = [(lv, [e for e in elements if e.level == lv.value]) for lv in Level]
    assumptions = list(
        Assumption.objects.filter(link__pathway__deal=deal)
        .select_related("link__cause", "link__effect").order_by("id")
    )
    bottlenecks = visible_bottlenecks(user).filter(deal=deal).select_related("ministry").order_by(
        "signalled_on", "id")
    lessons = visible_lessons(user).filter(deal=deal, learned_on__range=(year_start, year_end))
    uptakes = Uptake.objects.filter(deal=deal).select_related("deliverable").order_by("date", "id")

    counts = Q(measurements__withdrawn=False)
    if verified_only:
        counts &= Q(measurements__verification=Verification.VERIFIED)
    stale = [
        i for i in Indicator.objects.filter(deal=deal, scope=IndicatorScope.PERFORMANCE)
        .annotate(last=Max("measurements__date", filter=counts)).order_by("name")
        if i.last is None or i.last < year_end - dt.timedelta(days=365)
    ]
    untested = [a for a in assumptions if a.status == AssumptionStatus.ONGETOETST]
    sources = OrderedDict()
    for s in deal.all_sources.all():
        sources[s.reference] = s
    data_sources = sorted(set(
        Indicator.objects.filter(deal=deal).exclude(data_source="").values_list("data_source", flat=True)))
    measurement_sources = sorted(set(
        counted.exclude(source="")
        .values_list("source", flat=True).distinct()[:50]))
    return {
        "deal": deal,
        "year": year,
        "years": report_years(),
        "internal": internal,
        "generated": timezone.localdate(),
        "table": table,
        "status_rows": _status_rows(table.rows),
        "charts": _charts(table),
        "population": population,
        "measured_in_year": measured_in_year,
        "withdrawn_in_year": withdrawn_in_year,
        "verified_only": verified_only,
        "evidence": evidence,
        "stale": stale,
        "untested": untested,
        "by_level": [(lv, items) for lv, items in by_level if items],
        "assumptions": assumptions,
        "groups": deal_selectors.participations_by_type(deal),
        "bottlenecks": list(bottlenecks),
        "open_bottlenecks": [b for b in bottlenecks if b.is_open],
        "lessons": list(lessons.order_by("learned_on", "id")),
        "uptakes": list(uptakes),
        "sources": list(sources.values()),
        "data_sources": data_sources,
        "measurement_sources": measurement_sources,
    }


def portfolio_report(user, *, year, verified_only=False):
    """The programme's portfolio: composition, results per deal, bottlenecks by ministry,
    uptake, evidence gaps. Withdrawn measurements count nowhere; with `verified_only`, only
    verified ones count, and the report says so."""
    deals = list(
        deal_selectors.portfolio(user).filter(pk__in=readable_deals(user).values("pk"))
    )
    totals = deal_selectors.portfolio_totals(readable_deals(user))
    overview = learning_selectors.programme_overview(user)
    visible_ids = [d.pk for d in deals]
    progress_by_deal = impact_selectors.indicator_progress(visible_ids, verified_only)
    counted = impact_selectors.counted_measurements(verified_only).filter(indicator__deal__in=visible_ids)
    results = []
    for d in deals:
        rows = progress_by_deal.get(d.pk)
        if rows:
            counts = Counter(r["total"].status for r in rows)
            results.append({"deal": d, "indicators": len(rows), "rows": rows,
                            "counts": [counts.get(s.value, 0) for s in Status]})
    rows = visible_bottlenecks(user).select_related("deal", "ministry")
    matrix, matrix_totals = learning_selectors.status_matrix(list(rows))
    gaps = learning_selectors.evidence_gaps(user)
    gaps_by_deal = Counter()
    for key in ("stale_indicators",):
        for i in gaps[key]:
            gaps_by_deal[i.deal.name] += 1
    unevidenced = Counter(e.pathway.deal.name for e in gaps["unevidenced_elements"])
    uptakes = list(Uptake.objects.filter(deal__in=visible_ids).select_related("deal").order_by("-date", "id")[:40])
    return {
        "year": year,
        "years": report_years(),
        "generated": timezone.localdate(),
        "deals": deals,
        "totals": totals,
        "overview": overview,
        "results": results,
        "statuses": list(Status),
        "matrix": matrix,
        "matrix_totals": matrix_totals,
        "bottleneck_statuses": list(BottleneckStatus),
        "gaps": gaps,
        "stale_by_deal": sorted(gaps_by_deal.items()),
        "unevidenced_by_deal": sorted(unevidenced.items()),
        "uptakes": uptakes,
        "measurements": counted.count(),
        "measured_in_year": counted.filter(date__year=year).count(),
        "verified_only": verified_only,
    }

"""The published deals as open data (JSON): what the public may read, never an internal field."""

import json
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from dealmonitor.deals.internal import public_bottlenecks_q
from dealmonitor.deals.models import Participation
from dealmonitor.impact.models import Element, Indicator, Link, Measurement, MeasurementPart, Target
from dealmonitor.learning.constants import Visibility
from dealmonitor.learning.models import Bottleneck, Lesson, Uptake
from dealmonitor.utils.partial_dates import to_iso

from ..access import public_deals

def open_data():
    """The published deals as open data: what the public may read, never an internal field
    (no commitments, stances, unresolved bottlenecks, self-assessment answers, evidence
    files or who reported what)."""
    deals = list(public_deals().prefetch_related("themes", "all_sources").order_by("slug"))
    ids = [d.pk for d in deals]
    partners = defaultdict(list)
    for p in Participation.objects.filter(deal__in=ids).select_related("organisation").order_by("organisation__slug"):
        partners[p.deal_id].append({
            "organisation": p.organisation.slug, "name": p.organisation.name,
            "type": p.organisation.type, "kind": p.kind, "role": p.role_description,
            "joined": to_iso(p.joined_on, p.joined_on_precision),
        })
    elements = defaultdict(list)
    for e in Element.objects.filter(pathway__deal__in=ids).select_related("pathway").order_by("order", "id"):
        elements[e.pathway.deal_id].append({"level": e.level, "title": e.title,
                                            "description": e.description,
                                            "active_ingredient": e.is_active_ingredient})
    links = defaultdict(list)
    for link in Link.objects.filter(pathway__deal__in=ids).select_related("cause", "effect", "pathway"):
        links[link.pathway.deal_id].append({"from": link.cause.title, "to": link.effect.title})
    # A withdrawn measurement stays, marked: it no longer counts in any figure (its reason is
    # the deal's own). Values per category of the indicator's breakdown go with their measurement.
    parts = defaultdict(list)
    for measurement_id, dimension, category, value in (
        MeasurementPart.objects.filter(measurement__indicator__deal__in=ids)
        .order_by("measurement_id", "dimension", "id")
        .values_list("measurement_id", "dimension", "category", "value").iterator(chunk_size=5000)
    ):
        parts[measurement_id].append({"dimension": dimension, "category": category,
                                      "value": f"{value.normalize():f}"})
    measurements = defaultdict(list)
    for pk, ind_id, date, start, value, status, source, efile, eurl, verification, withdrawn in (
        Measurement.objects.filter(indicator__deal__in=ids).order_by("date", "id")
        .values_list("id", "indicator_id", "date", "period_start", "value", "status", "source",
                     "evidence_file", "evidence_url", "verification", "withdrawn")
        .iterator(chunk_size=5000)
    ):
        measurements[ind_id].append({
            "date": date.isoformat(), "period_start": start.isoformat() if start else None,
            "value": None if value is None else f"{value.normalize():f}", "status": status or None,
            "source": source, "verification": verification, "has_evidence": bool(efile or eurl),
            "withdrawn": withdrawn, "parts": parts.get(pk, []),
        })
    targets = defaultdict(list)
    for t in Target.objects.filter(indicator__deal__in=ids).order_by("period_start"):
        targets[t.indicator_id].append({
            "period": t.label, "start": t.period_start.isoformat(), "end": t.period_end.isoformat(),
            "value": None if t.value is None else f"{t.value.normalize():f}", "status": t.status or None,
        })
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(deal__in=ids).select_related("element").order_by("name", "id"):
        indicators[ind.deal_id].append({
            "name": ind.name, "kind": ind.kind, "unit": ind.unit, "direction": ind.direction,
            "aggregation": ind.aggregation, "scope": ind.scope,
            "element": ind.element.title if ind.element else None,
            "baseline": None if ind.baseline_value is None else f"{ind.baseline_value.normalize():f}",
            "target": None if ind.target_value is None else f"{ind.target_value.normalize():f}",
            "target_status": ind.target_status or None, "example": ind.is_example,
            "targets": targets[ind.pk], "measurements": measurements[ind.pk],
        })
    bottlenecks = defaultdict(list)
    for b in Bottleneck.objects.filter(public_bottlenecks_q(), deal__in=ids).select_related("ministry"):
        bottlenecks[b.deal_id].append({
            "title": b.title, "kind": b.kind, "rule": b.rule, "status": b.status,
            "ministry": b.ministry.name if b.ministry else None,
            "signalled_on": b.signalled_on.isoformat(),
            "closed_on": b.closed_on.isoformat() if b.closed_on else None, "resolution": b.resolution,
        })
    uptake = defaultdict(list)
    for u in Uptake.objects.filter(deal__in=ids).order_by("date", "id"):
        uptake[u.deal_id].append({"kind": u.kind, "title": u.title,
                                  "date": u.date.isoformat() if u.date else None})
    lessons = defaultdict(list)
    for lesson in Lesson.objects.filter(deal__in=ids, visibility=Visibility.PROGRAMMA).order_by("-learned_on", "id"):
        lessons[lesson.deal_id].append({"title": lesson.title, "kind": lesson.kind, "text": lesson.text,
                                        "date": lesson.learned_on.isoformat()})
    data = {
        "title": "Dealmonitor: gepubliceerde deals",
        "publisher": settings.OPEN_DATA_PUBLISHER,
        "licence": settings.OPEN_DATA_LICENCE,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "deals": [
            {
                "id": d.slug, "name": d.name, "kind": d.kind, "status": d.status, "phase": d.phase or None,
                "themes": [t.name for t in d.themes.all()], "description": d.description,
                "signed": to_iso(d.signing_date, d.signing_date_precision),
                "ends": to_iso(d.end_date, d.end_date_precision),
                "extended_to": to_iso(d.extended_to, d.extended_to_precision),
                "partners": partners[d.pk],
                "pathway": {"elements": elements[d.pk], "links": links[d.pk]},
                "indicators": indicators[d.pk],
                "bottlenecks_resolved": bottlenecks[d.pk],
                "uptake": uptake[d.pk],
                "lessons": lessons[d.pk],
                "sources": [s.reference for s in d.all_sources.all()],
            }
            for d in deals
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)

"""Exports: the deal workbook, the portfolio workbook, the long-format CSV with its codebook
and the published deals as open data (JSON).

The workbook's data sheets (deal, partners, pathway, links, assumptions and their evidence,
indicators, measurements, bottlenecks and their status history, lessons) use the columns of
the import templates (imports/columns.py), so an exported workbook imports again as it is:
the round trip is tested. The performance table and the codebook are for reading. Every read goes through `access.readable_deals`, and internal
fields appear only for those who may see them (access.internal_deal_ids).
"""

import datetime as dt
import io
import json
from collections import defaultdict

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from dealmonitor.deals.internal import public_bottlenecks_q, strip_internal
from dealmonitor.deals.models import Participation
from dealmonitor.impact import exports as impact_exports
from dealmonitor.impact import selectors as impact_selectors
from dealmonitor.impact.models import (
    Assumption,
    AssumptionEvidence,
    Element,
    Indicator,
    Link,
    Measurement,
    Target,
)
from dealmonitor.imports import columns as C
from dealmonitor.imports.workbooks import write_header
from dealmonitor.learning.constants import Visibility
from dealmonitor.learning.models import Bottleneck, BottleneckStatusChange, Lesson, Uptake
from dealmonitor.learning.selectors import visible_bottlenecks, visible_lessons
from dealmonitor.utils.partial_dates import to_iso
from dealmonitor.utils.spreadsheets import CsvWriter, workbook_bytes

from .access import internal_deal_ids, public_deals, readable_deals

BOLD = Font(bold=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _num(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _yes(value):
    return "ja" if value else "nee"


# Rows in the import format ----------------------------------------------------------------


def deal_rows(deals):
    for d in deals:
        yield {
            "deal_id": d.slug, "naam": d.name, "soort": d.kind, "status": d.status,
            "fase": d.phase, "gepubliceerd": _yes(d.is_published), "getekend": to_iso(d.signing_date, d.signing_date_precision),
            "einde": to_iso(d.end_date, d.end_date_precision),
            "verlengd_tot": to_iso(d.extended_to, d.extended_to_precision),
            "themas": "; ".join(t.name for t in d.themes.all()), "omschrijving": d.description,
        }


def partner_rows(deals, internal_ids):
    rows = (
        Participation.objects.filter(deal__in=deals).select_related("deal", "organisation")
        .order_by("deal__slug", "organisation__slug")
    )
    for p in rows:
        o = p.organisation
        row = {
            "deal_id": p.deal.slug, "organisatie_id": o.slug, "organisatie_naam": o.name,
            "organisatie_type": o.type, "overheidslaag": o.government_level, "cbs_code": o.cbs_code, "soort_deelname": p.kind,
            "rol": p.role_description, "toegetreden": to_iso(p.joined_on, p.joined_on_precision),
            "vertrokken": to_iso(p.left_on, p.left_on_precision),
        }
        extra = {
            "stance": p.stance, "commitment_money": _num(p.commitment_money),
            "commitment_fte": _num(p.commitment_fte), "commitment_in_kind": p.commitment_in_kind,
            "delivered_money": _num(p.delivered_money), "delivered_fte": _num(p.delivered_fte),
        }
        if p.deal_id not in internal_ids:  # the registry says which of these are internal
            extra = strip_internal(Participation, extra)
        row.update({PARTNER_COLUMNS[name]: value for name, value in extra.items()})
        yield row


PARTNER_COLUMNS = {
    "stance": "houding", "commitment_money": "toezegging_euro", "commitment_fte": "toezegging_fte",
    "commitment_in_kind": "toezegging_in_natura", "delivered_money": "geleverd_euro",
    "delivered_fte": "geleverd_fte",
}


def indicator_rows(deals):
    indicators = (
        Indicator.objects.filter(deal__in=deals).select_related("deal", "element")
        .order_by("deal__slug", "name", "id")
    )
    targets = defaultdict(list)
    for t in Target.objects.filter(indicator__deal__in=deals).order_by("period_start"):
        targets[t.indicator_id].append(t)
    for ind in indicators:
        base = {
            "deal_id": ind.deal.slug, "indicator": ind.name,
            "niveau": ind.element.level if ind.element else "",
            "element": ind.element.title if ind.element else "",
            "soort": ind.kind, "eenheid": ind.unit, "richting": ind.direction,
            "aggregatie": ind.aggregation, "basiswaarde": _num(ind.baseline_value),
            "basisdatum": ind.baseline_date, "einddoel": _num(ind.target_value),
            "einddoel_status": ind.target_status, "einddoel_datum": ind.target_date,
            "mijlpaalstatussen": "; ".join(ind.milestone_statuses or []),
            "gegevensbron": ind.data_source, "frequentie": ind.frequency, "bereik": ind.scope,
            "omschrijving": ind.description, "voorbeeld": _yes(ind.is_example),
        }
        for t in targets.get(ind.pk) or [None]:
            if t is None:
                yield base
            else:
                yield {**base, "doel_periode": t.label, "doel_begin": t.period_start,
                       "doel_einde": t.period_end, "doel_waarde": _num(t.value),
                       "doel_status": t.status}


def measurement_rows(deals):
    rows = (
        Measurement.objects.filter(indicator__deal__in=deals)
        .order_by("indicator__deal__slug", "indicator__name", "date", "period_start", "value",
                  "status", "id")
        .values_list("indicator__deal__slug", "indicator__name", "date", "period_start", "value",
                     "status", "source", "evidence_url", "reporting_organisation__slug",
                     "verification", "confidence", "note", "is_example")
    )
    for (deal, name, date, start, value, status, source, url, org, verification, confidence,
         note, example) in rows.iterator(chunk_size=5000):
        yield {"deal_id": deal, "indicator": name, "datum": date, "periode_begin": start,
               "waarde": _num(value), "status": status, "bron": source, "bewijs_url": url,
               "organisatie_id": org or "", "verificatie": verification,
               "betrouwbaarheid": confidence, "toelichting": note, "voorbeeld": _yes(example)}


def element_rows(deals):
    for e in (Element.objects.filter(pathway__deal__in=deals).select_related("pathway__deal")
              .order_by("pathway__deal__slug", "order", "id")):
        yield {"deal_id": e.pathway.deal.slug, "niveau": e.level, "element": e.title,
               "omschrijving": e.description, "werkzaam_element": _yes(e.is_active_ingredient),
               "volgorde": e.order, "voorbeeld": _yes(e.is_example)}


def _link_key(deal_slug, link):
    return {"deal_id": deal_slug, "van_niveau": link.cause.level, "van_element": link.cause.title,
            "naar_niveau": link.effect.level, "naar_element": link.effect.title}


def _link_order(prefix):
    return (f"{prefix}pathway__deal__slug", f"{prefix}cause__order", f"{prefix}cause__id",
            f"{prefix}effect__order", f"{prefix}effect__id")


def link_rows(deals):
    for link in (Link.objects.filter(pathway__deal__in=deals)
                 .select_related("pathway__deal", "cause", "effect").order_by(*_link_order(""))):
        yield _link_key(link.pathway.deal.slug, link)


def assumption_rows(deals):
    for a in (Assumption.objects.filter(link__pathway__deal__in=deals)
              .select_related("link__pathway__deal", "link__cause", "link__effect")
              .order_by(*_link_order("link__"), "id")):
        yield {**_link_key(a.link.pathway.deal.slug, a.link), "aanname": a.text, "status": a.status,
               "voorbeeld": _yes(a.is_example)}


def evidence_rows(deals):
    for e in (AssumptionEvidence.objects.filter(assumption__link__pathway__deal__in=deals)
              .select_related("assumption__link__pathway__deal", "assumption__link__cause",
                              "assumption__link__effect")
              .order_by(*_link_order("assumption__link__"), "assumption_id", "date", "id")):
        link = e.assumption.link
        yield {**_link_key(link.pathway.deal.slug, link), "aanname": e.assumption.text, "datum": e.date,
               "houding": e.stance, "onderbouwing": e.text, "url": e.url}


def bottleneck_rows(bottlenecks):
    for b in bottlenecks:
        yield {"deal_id": b.deal.slug, "titel": b.title, "gesignaleerd": b.signalled_on, "soort": b.kind,
               "regel": b.rule, "niveau": b.level, "ministerie_id": b.ministry.slug if b.ministry else "",
               "ministerie": b.ministry.name if b.ministry else "", "omschrijving": b.description,
               "status": b.status, "gesloten": b.closed_on, "oplossing": b.resolution,
               "voorbeeld": _yes(b.is_example)}


def bottleneck_status_rows(bottlenecks):
    changes = (BottleneckStatusChange.objects.filter(bottleneck__in=bottlenecks)
               .select_related("bottleneck__deal")
               .order_by("bottleneck__deal__slug", "bottleneck__signalled_on", "bottleneck_id", "date", "id"))
    for c in changes:
        b = c.bottleneck
        yield {"deal_id": b.deal.slug, "knelpunt": b.title, "gesignaleerd": b.signalled_on,
               "status": c.status, "datum": c.date, "notitie": c.note}


def lesson_rows(lessons, bottlenecks):
    """Lessons with the indicators and bottlenecks they concern (only bottlenecks the export
    holds, so that the file refers to nothing outside it)."""
    shown = set(bottlenecks.values_list("pk", flat=True))
    for lesson in lessons.prefetch_related("themes", "indicators", "bottlenecks").order_by(
            "deal__slug", "learned_on", "id"):
        yield {"deal_id": lesson.deal.slug, "titel": lesson.title, "datum": lesson.learned_on,
               "soort": lesson.kind, "fase": lesson.phase, "les": lesson.text,
               "themas": "; ".join(sorted(t.name for t in lesson.themes.all())), "tags": lesson.tags,
               "zichtbaarheid": lesson.visibility,
               "indicatoren": "; ".join(sorted(i.name for i in lesson.indicators.all())),
               "knelpunten": "; ".join(sorted(b.title for b in lesson.bottlenecks.all() if b.pk in shown)),
               "voorbeeld": _yes(lesson.is_example)}


def _columns(kind, internal):
    return [c for c in kind.columns if internal or not c.internal]


def _sheet(wb, kind, rows, internal=True):
    ws = wb.create_sheet(kind.sheet)
    columns = _columns(kind, internal)
    write_header(ws, kind, columns)
    for row in rows:
        ws.append([row.get(c.key) if row.get(c.key) != "" else None for c in columns])
    return ws


def _table(wb, title, header, rows, widths=None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return ws


def _codebook(wb, internal):
    ws = wb.create_sheet("Codeboek")
    ws.append(["tabblad", "kolom", "betekenis", "verwacht"])
    for cell in ws[1]:
        cell.font = BOLD
    for kind in C.KINDS.values():
        for column in _columns(kind, internal):
            ws.append([kind.sheet, column.key, str(column.label), column.expected()])
    for key, meaning in impact_exports.CODEBOOK.items():
        ws.append(["Prestatietabel", key, meaning, ""])
    ws.append(["", "", "Lege cellen betekenen: geen gegevens (niet nul).", ""])
    for letter, width in zip("ABCD", (16, 22, 60, 60)):
        ws.column_dimensions[letter].width = width


def _save(wb):
    return workbook_bytes(wb)  # every text a text cell, never a formula


def _import_sheets(wb, user, deals, internal_ids, reading=()):
    """The sheets in the import format, so that the workbook imports again as it is; the
    sheets in `reading` ((title, write function)) go between the measurements and the
    bottlenecks."""
    _sheet(wb, C.DEALS, deal_rows(deals))
    _sheet(wb, C.PARTNERS, partner_rows(deals, internal_ids), internal=bool(internal_ids))
    _sheet(wb, C.ELEMENTS, element_rows(deals))
    _sheet(wb, C.LINKS, link_rows(deals))
    _sheet(wb, C.ASSUMPTIONS, assumption_rows(deals))
    _sheet(wb, C.EVIDENCE, evidence_rows(deals))
    _sheet(wb, C.INDICATORS, indicator_rows(deals))
    _sheet(wb, C.MEASUREMENTS, measurement_rows(deals))
    for write in reading:
        write(wb)
    bottlenecks = visible_bottlenecks(user).filter(deal__in=deals)
    _sheet(wb, C.BOTTLENECKS, bottleneck_rows(
        bottlenecks.select_related("deal", "ministry").order_by("deal__slug", "signalled_on", "id")))
    _sheet(wb, C.BOTTLENECK_STATUSES, bottleneck_status_rows(bottlenecks))
    _sheet(wb, C.LESSONS, lesson_rows(visible_lessons(user).filter(deal__in=deals), bottlenecks))


# The deal workbook ---------------------------------------------------------------------


def deal_workbook(user, deal):
    """Deal, partners, pathway (elements, links, assumptions and their evidence), indicators,
    measurements, performance table, bottlenecks with their status history, lessons and
    codebook of one deal, as .xlsx bytes. Every sheet but the performance table and the
    codebook is in the import format."""
    deals = readable_deals(user).filter(pk=deal.pk).prefetch_related("themes")
    internal = internal_deal_ids(user, deals)
    wb = Workbook()
    wb.remove(wb.active)

    def performance(wb):
        table = impact_selectors.performance_table(deal)
        _table(wb, "Prestatietabel", impact_exports.HEADER, impact_exports.performance_rows(table),
               widths=[16] * len(impact_exports.HEADER))

    _import_sheets(wb, user, deals, internal, reading=(performance,))
    _codebook(wb, bool(internal))
    return _save(wb)


# The portfolio workbook ----------------------------------------------------------------


def portfolio_workbook(user):
    """An overview row per deal, then every deal's data in the import format."""
    from django.db.models import Count, Q

    deals = readable_deals(user).prefetch_related("themes").order_by("slug")
    internal = internal_deal_ids(user, deals)
    wb = Workbook()
    wb.remove(wb.active)
    overview = deals.annotate(
        n_partners=Count("participations", distinct=True),
        n_indicators=Count("indicators", distinct=True),
        n_open=Count("bottlenecks", filter=~public_bottlenecks_q("bottlenecks__"), distinct=True),
    )
    measurements = dict(
        Measurement.objects.filter(indicator__deal__in=deals).values_list("indicator__deal")
        .annotate(n=Count("pk")).order_by()
    )
    _table(wb, "Overzicht", ["deal_id", "naam", "soort", "status", "fase", "getekend", "einde",
                             "partners", "indicatoren", "metingen", "open_knelpunten"], (
        [d.slug, d.name, d.kind, d.status, d.phase, to_iso(d.signing_date, d.signing_date_precision),
         to_iso(d.end_date, d.end_date_precision), d.n_partners, d.n_indicators,
         measurements.get(d.pk, 0), d.n_open if d.pk in internal else None]
        for d in overview
    ), widths=(34, 50, 12, 10, 12, 10, 10, 10, 12, 10, 14))
    _import_sheets(wb, user, deals, internal)
    _codebook(wb, bool(internal))
    return _save(wb)


# Long format for analysts --------------------------------------------------------------

LONG_COLUMNS = [
    ("deal_id", "identificatie van de deal"),
    ("deal", "naam van de deal"),
    ("indicator", "naam van de indicator"),
    ("niveau", "niveau van het veranderpad: " + ", ".join(v for v in C.INDICATORS.by_key["niveau"].choices.values)),
    ("element", "element van het veranderpad waar de indicator bij hoort"),
    ("soort", "numeriek, percentage of mijlpaal"),
    ("eenheid", "eenheid van de waarde"),
    ("richting", "hoger of lager is beter"),
    ("aggregatie", "cumulatief, per_periode of laatste"),
    ("bereik", "prestatie (eigen prestatie-indicator) of populatie (context)"),
    ("datum", "meetdatum, of laatste dag van de gemeten periode (JJJJ-MM-DD)"),
    ("periode_begin", "eerste dag van de gemeten periode (leeg: een moment)"),
    ("waarde", "gemeten waarde; leeg bij een mijlpaal; een punt als decimaalteken"),
    ("status", "status van een mijlpaal; leeg bij een getal"),
    ("bron", "bron van de meting"),
    ("verificatie", "zelfgerapporteerd of geverifieerd"),
    ("betrouwbaarheid", "hoog, gemiddeld, laag of leeg"),
    ("organisatie_id", "rapporterende organisatie (leeg: de deal zelf)"),
    ("bewijs", "ja als er bewijs (bestand of webadres) bij de meting is"),
    ("voorbeeld", "ja als de meting voor de demo is verzonnen"),
]


def long_csv(user, deal=None):
    """One row per measurement, with its indicator and deal: the format for R, Stata or SPSS."""
    deals = readable_deals(user)
    if deal is not None:
        deals = deals.filter(pk=deal.pk)
    rows = (
        Measurement.objects.filter(indicator__deal__in=deals)
        .order_by("indicator__deal__slug", "indicator__name", "date", "id")
        .values_list(
            "indicator__deal__slug", "indicator__deal__name", "indicator__name",
            "indicator__element__level", "indicator__element__title", "indicator__kind",
            "indicator__unit", "indicator__direction", "indicator__aggregation", "indicator__scope",
            "date", "period_start", "value", "status", "source", "verification", "confidence",
            "reporting_organisation__slug", "evidence_file", "evidence_url", "is_example",
        )
    )
    out = io.StringIO()
    writer = CsvWriter(out)  # a text that looks like a formula gets a leading quote
    writer.writerow([key for key, _ in LONG_COLUMNS])
    for r in rows.iterator(chunk_size=5000):
        (*head, date, start, value, status, source, verification, confidence, org,
         efile, eurl, example) = r
        writer.writerow([
            *(v or "" for v in head), date.isoformat(), start.isoformat() if start else "",
            "" if value is None else f"{value.normalize():f}", status, source, verification,
            confidence, org or "", _yes(efile or eurl), _yes(example),
        ])
    return out.getvalue()


def codebook_csv():
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["kolom", "betekenis"])
    writer.writerows(LONG_COLUMNS)
    return out.getvalue()


# Open data -----------------------------------------------------------------------------


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
    measurements = defaultdict(list)
    for ind_id, date, start, value, status, source, efile, eurl, verification in (
        Measurement.objects.filter(indicator__deal__in=ids).order_by("date", "id")
        .values_list("indicator_id", "date", "period_start", "value", "status", "source",
                     "evidence_file", "evidence_url", "verification").iterator(chunk_size=5000)
    ):
        measurements[ind_id].append({
            "date": date.isoformat(), "period_start": start.isoformat() if start else None,
            "value": None if value is None else f"{value.normalize():f}", "status": status or None,
            "source": source, "verification": verification, "has_evidence": bool(efile or eurl),
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


def stamp():
    return dt.date.today().isoformat()

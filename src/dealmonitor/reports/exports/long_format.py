"""The measurements in long format for analysts (one row per measurement, with its indicator
and deal, then a row per category of its breakdown: the format for R, Stata or SPSS) and its
codebook, as CSV. Withdrawn measurements stay in the file, marked, as they stay in the history;
limited to verified figures, the file holds only verified measurements that count and says so
on every row (`selectie`)."""

import io

from dealmonitor.imports import columns as C
from dealmonitor.impact.models import Measurement, MeasurementPart
from dealmonitor.impact.selectors import counted_measurements
from dealmonitor.utils.spreadsheets import DUTCH, PLAIN, CsvWriter  # noqa: F401

from ..access import readable_deals


def _yes(value):
    return "ja" if value else "nee"


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
    ("waarde", "gemeten waarde; leeg bij een mijlpaal; {decimal} als decimaalteken"),
    ("status", "status van een mijlpaal; leeg bij een getal"),
    ("bron", "bron van de meting"),
    ("verificatie", "zelfgerapporteerd of geverifieerd"),
    ("betrouwbaarheid", "hoog, gemiddeld, laag of leeg"),
    ("organisatie_id", "rapporterende organisatie (leeg: de deal zelf)"),
    ("bewijs", "ja als er bewijs (bestand of webadres) bij de meting is"),
    ("voorbeeld", "ja als de meting voor de demo is verzonnen"),
    ("meting_id", "nummer van de meting; de rijen van haar categorieën dragen hetzelfde nummer"),
    ("dimensie", "leeg: de hele meting; anders de dimensie van de uitsplitsing (gemeente, leeftijd, "
                 "geslacht, sector of eigen) en in waarde de waarde van die categorie; per dimensie "
                 "tellen de categorieën van een meting op tot haar waarde (wat ontbreekt is niet "
                 "uitgesplitst)"),
    ("categorie", "categorie van de uitsplitsing (leeg op de rij van de hele meting)"),
    ("ingetrokken", "ja als de meting is ingetrokken: ze staat in de geschiedenis, maar telt niet "
                    "mee in de voortgang"),
    ("selectie", "alle: alle metingen, ook ingetrokken; geverifieerd: alleen metingen die het "
                 "dealteam verifieerde en die niet zijn ingetrokken (wat meetelt in de voortgang "
                 "als alleen geverifieerde cijfers tellen)"),
]


DECIMAL_SIGN = {",": "een komma", ".": "een punt"}


def long_csv(user, deal=None, variant=PLAIN, *, verified_only=False):
    """One row per measurement, with its indicator and deal, each followed by a row per
    category of its breakdown: the format for R, Stata or SPSS (`PLAIN`), or for a spreadsheet
    program in a Dutch locale (`DUTCH`); as bytes. With `verified_only`, only the verified
    measurements that count (not withdrawn). Three queries, whatever the number of rows."""
    deals = readable_deals(user)
    if deal is not None:
        deals = deals.filter(pk=deal.pk)
    measurements = (counted_measurements(verified_only=True) if verified_only
                    else Measurement.objects.all()).filter(indicator__deal__in=deals)
    parts = {}
    for measurement_id, dimension, category, value in (
        MeasurementPart.objects.filter(measurement__in=measurements.values("pk"))
        .order_by("measurement_id", "dimension", "id")
        .values_list("measurement_id", "dimension", "category", "value").iterator(chunk_size=5000)
    ):
        parts.setdefault(measurement_id, []).append((dimension, category, value))
    selection = "geverifieerd" if verified_only else "alle"
    rows = (
        measurements
        .order_by("indicator__deal__slug", "indicator__name", "date", "id")
        .values_list(
            "indicator__deal__slug", "indicator__deal__name", "indicator__name",
            "indicator__element__level", "indicator__element__title", "indicator__kind",
            "indicator__unit", "indicator__direction", "indicator__aggregation", "indicator__scope",
            "date", "period_start", "value", "status", "source", "verification", "confidence",
            "reporting_organisation__slug", "evidence_file", "evidence_url", "is_example",
            "id", "withdrawn",
        )
    )
    out = io.StringIO()
    writer = CsvWriter(out, variant=variant)  # a text that looks like a formula gets a leading quote
    writer.writerow([key for key, _ in LONG_COLUMNS])
    for r in rows.iterator(chunk_size=5000):
        (*head, date, start, value, status, source, verification, confidence, org,
         efile, eurl, example, pk, withdrawn) = r
        head = [v or "" for v in head]
        start = start.isoformat() if start else ""
        writer.writerow([
            *head, date.isoformat(), start,
            "" if value is None else value, status, source, verification,
            confidence, org or "", _yes(efile or eurl), _yes(example),
            pk, "", "", _yes(withdrawn), selection,
        ])
        for dimension, category, part_value in parts.get(pk, ()):
            # the measurement's identity, its category and value; the rest is on its row
            writer.writerow([
                *head, date.isoformat(), start, part_value, "", "", verification, "", org or "",
                "", _yes(example), pk, dimension, category, _yes(withdrawn), selection,
            ])
    return variant.encode(out.getvalue())


def codebook_csv(variant=PLAIN):
    """What each column of the long format holds, as bytes in the same CSV variant."""
    out = io.StringIO()
    writer = CsvWriter(out, variant=variant)
    writer.writerow(["kolom", "betekenis"])
    for key, meaning in LONG_COLUMNS:
        writer.writerow([key, meaning.format(decimal=DECIMAL_SIGN[variant.decimal])])
    return variant.encode(out.getvalue())

"""The measurements in long format for analysts (one row per measurement, with its indicator
and deal: the format for R, Stata or SPSS) and its codebook, as CSV."""

import io

from dealmonitor.imports import columns as C
from dealmonitor.impact.models import Measurement
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
]


DECIMAL_SIGN = {",": "een komma", ".": "een punt"}


def long_csv(user, deal=None, variant=PLAIN):
    """One row per measurement, with its indicator and deal: the format for R, Stata or SPSS
    (`PLAIN`), or for a spreadsheet program in a Dutch locale (`DUTCH`); as bytes."""
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
    writer = CsvWriter(out, variant=variant)  # a text that looks like a formula gets a leading quote
    writer.writerow([key for key, _ in LONG_COLUMNS])
    for r in rows.iterator(chunk_size=5000):
        (*head, date, start, value, status, source, verification, confidence, org,
         efile, eurl, example) = r
        writer.writerow([
            *(v or "" for v in head), date.isoformat(), start.isoformat() if start else "",
            "" if value is None else value, status, source, verification,
            confidence, org or "", _yes(efile or eurl), _yes(example),
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

"""The sheet Metingen: measurements of indicators; its columns, what an import writes and the
rows an export gives. The checks are in imports/checking/measurement.py."""

from django.db.models import signals
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _

from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import Confidence, Verification
from dealmonitor.impact.models import Measurement, MeasurementPart
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import (
    BOOLEAN,
    CHOICE,
    DATE,
    DEAL_ID,
    DECIMAL,
    REASON,
    SLUG,
    TEXT,
    URL,
    Column,
    SheetKind,
    num,
    yes,
)

MEASUREMENTS = SheetKind("measurements", "Metingen", _("Measurements"), [
    DEAL_ID,
    Column("indicator", _("name of the indicator"), TEXT, True,
           aliases=("naam", "name", "indicator naam"), max_length=300),
    Column("datum", _("date measured, or the last day of the period measured"), DATE, True,
           aliases=("date", "meetdatum", "peildatum")),
    Column("periode_begin", _("first day of the period measured"), DATE,
           aliases=("period start", "begin")),
    Column("waarde", _("value (a number)"), DECIMAL, aliases=("value", "meting", "gerealiseerd")),
    Column("status", _("status of a milestone"), TEXT, aliases=("milestone status",),
           max_length=100),
    Column("bron", _("source"), TEXT, aliases=("source",), max_length=300),
    Column("bewijs_url", _("address of the evidence"), URL,
           aliases=("evidence", "evidence url", "bewijs"), max_length=1000),
    Column("organisatie_id", _("identifier of the reporting organisation"), SLUG,
           aliases=("organisation", "organisatie", "reporting organisation")),
    Column("verificatie", _("verification"), CHOICE, choices=Verification,
           aliases=("verification",)),
    Column("betrouwbaarheid", _("confidence"), CHOICE, choices=Confidence,
           aliases=("confidence",)),
    Column("toelichting", _("note"), TEXT, aliases=("note", "opmerking"),
           max_length=LONG_TEXT),
    Column("voorbeeld", _("invented for the demo (yes or no)"), BOOLEAN, aliases=("example",)),
    # a row with a dimension and a category is the value of that category of the measurement
    # in the row above it with the same indicator, date and organisation (long format)
    Column("dimensie", _("dimension of the breakdown (gemeente, leeftijd, geslacht, sector, eigen)"),
           TEXT, aliases=("dimension",), max_length=20),
    Column("categorie", _("category of the breakdown"), TEXT, aliases=("category",), max_length=100),
    # Correcting and withdrawing (issue 17): a row with the indicator, date, period and
    # organisation of one measurement already recorded, but another figure, corrects it when
    # it says why; "ja" withdraws the measurement, also with a reason. Both stay in its history.
    Column("ingetrokken", _("withdrawn: it no longer counts (yes or no)"), BOOLEAN,
           aliases=("withdrawn",)),
    Column("reden", _("reason for a correction or a withdrawal"), TEXT,
           aliases=("reason", "reden wijziging"), max_length=LONG_TEXT),
])

KINDS = (MEASUREMENTS,)


def rows(scope):
    """Every measurement of the deals in `scope` as a row, each followed by a row per category
    of its breakdown (the layout the import reads back)."""
    measurements = (
        Measurement.objects.filter(indicator__deal__in=scope.deals)
        .order_by("indicator__deal__slug", "indicator__name", "date", "period_start", "value",
                  "status", "id")
        .values_list("id", "indicator__deal__slug", "indicator__name", "date", "period_start",
                     "value", "status", "source", "evidence_url", "reporting_organisation__slug",
                     "verification", "confidence", "note", "is_example", "withdrawn",
                     "withdrawn_reason")
    )
    parts = {}
    for measurement_id, dimension, category, value in (
        MeasurementPart.objects.filter(measurement__indicator__deal__in=scope.deals)
        .order_by("measurement_id", "dimension", "id")
        .values_list("measurement_id", "dimension", "category", "value")
        .iterator(chunk_size=5000)
    ):
        parts.setdefault(measurement_id, []).append((dimension, category, value))
    for (pk, deal, name, date, start, value, status, source, url, org, verification, confidence,
         note, example, withdrawn, withdrawn_reason) in measurements.iterator(chunk_size=5000):
        row = {"deal_id": deal, "indicator": name, "datum": date, "periode_begin": start,
               "waarde": num(value), "status": status, "bron": source, "bewijs_url": url,
               "organisatie_id": org or "", "verificatie": verification,
               "betrouwbaarheid": confidence, "toelichting": note, "voorbeeld": yes(example),
               "dimensie": "", "categorie": "", "ingetrokken": yes(withdrawn),
               "reden": withdrawn_reason if withdrawn else ""}
        yield row
        for dimension, category, part_value in parts.get(pk, ()):
            yield {**{key: "" for key in row}, "deal_id": deal, "indicator": name, "datum": date,
                   "periode_begin": start, "organisatie_id": org or "",
                   "waarde": num(part_value), "dimensie": dimension, "categorie": category}


EXPORTS = ((MEASUREMENTS, rows),)


def _builder():
    """A fast maker of unsaved measurements. Django's Model.__init__ sets each of the 24
    fields through its descriptor, a third of the write of 100,000 rows; an instance of the
    same state is made here from the fields' defaults in one dict (the way Django's own
    `Model.from_db` and unpickling fill an instance), with the indicator and organisation put
    in the instance's cache so the services read them without a query. When anything listens
    to `pre_init`/`post_init` of Measurement, it is made the ordinary way so listeners run."""
    fields = Measurement._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    defaults[Measurement._meta.pk.attname] = None
    names = {f.name: f.attname for f in fields}
    ordinary = (signals.pre_init.has_listeners(Measurement)
                or signals.post_init.has_listeners(Measurement))
    new = Measurement.__new__

    attnames = set(defaults)

    def build(indicator, organisation, values):
        if values.keys() <= attnames:  # the checker's fields are named as the columns are
            own = {**defaults, **values}
        else:
            own = dict(defaults)
            for name, value in values.items():
                own[names.get(name, name)] = value
        own["indicator_id"] = indicator.pk
        own["reporting_organisation_id"] = organisation.pk if organisation else None
        if ordinary:
            m = Measurement(**own)
        else:
            m = new(Measurement)
            m.__dict__.update(own)
            m._state = ModelState()
        m._state.fields_cache["indicator"] = indicator
        m._state.fields_cache["reporting_organisation"] = organisation
        return m

    return build


def _corrections(w, items):
    """Corrections and withdrawals of measurements already recorded, one by one through the
    services (as the form and the API), each with its reason in the history."""
    found = Measurement.objects.select_related("indicator__deal", "reporting_organisation").in_bulk(
        [item["measurement"] for item in items])
    for item in items:
        measurement = found[item["measurement"]]
        if item.get("correct"):
            fields = {k: v for k, v in item["fields"].items() if k != "is_example"}
            measurement = impact_services.update_measurement(
                actor=w.actor, measurement=measurement, reason=item["reason"],
                parts=item.get("parts"), **fields)
        if item.get("withdraw"):
            impact_services.withdraw_measurement(actor=w.actor, measurement=measurement,
                                                 reason=item["reason"])


def write(w):
    """Every planned measurement, written in bulk with its history rows; then the corrections
    and withdrawals, and the withdrawal of new rows marked withdrawn (a workbook's history)."""
    changes = [item for item in w.plan.measurements if item.get("measurement")]
    new = [item for item in w.plan.measurements if not item.get("measurement")]
    rows = []
    organisations = dict(w.organisations)
    wanted = {item["org"] for item in w.plan.measurements if item["org"]} - set(organisations)
    organisations.update({o.slug: o for o in Organisation.objects.filter(slug__in=wanted)})
    build = _builder()
    for item in new:
        key = (item["deal"], item["indicator"])
        indicator = w.indicators.get(key)
        if indicator is None:
            indicator = item["object"]  # saved before this import (else written above)
            w.indicators[key] = indicator
        org = organisations[item["org"]] if item["org"] else None
        row = build(indicator, org, item["fields"])
        row.import_parts = item.get("parts") or []  # values per category (long format)
        row.import_withdraw = item.get("withdraw") and item["reason"]
        rows.append(row)
    base = w.done
    progress = w.progress
    impact_services.import_measurements(
        actor=w.actor, measurements=rows, reason=REASON,
        progress=(lambda n: progress(base + n, w.total)) if progress else None,
    )
    for row in rows:
        if row.import_withdraw:
            impact_services.withdraw_measurement(actor=w.actor, measurement=row, reason=row.import_withdraw)
    _corrections(w, changes)
    w.done = base + len(rows) + len(changes)

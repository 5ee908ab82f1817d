"""The Metingen sheet: measurements of indicators."""


from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dealmonitor.impact import rules as impact_rules
from dealmonitor.impact.constants import IndicatorKind, Verification
from dealmonitor.impact.models import (
    Measurement,
)
from dealmonitor.impact.services import (
    check_parts,
    measurement_permission_error,
    measurement_validator,
    verification_error,
)
from dealmonitor.organisations.models import Organisation



class MeasurementSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _check_measurements(self, part):
        """Every row as `record_measurement` would check it. What depends only on the deal,
        the indicator or the organisation of a row (who may record, which indicator the name
        means, whether the organisation is a partner) is worked out once per deal, indicator
        and organisation; a row that fails such a check still gets its own message."""
        existing = None  # indicator id -> keys of its measurements in the database
        no_deal = _("There is no deal '%(slug)s', or you may not enter measurements for it.")  # once, not per row
        no_indicator = _("the name of one of the deal's indicators")
        planned = {}  # (deal, indicator, date, period start, org) -> plan item, for category rows
        deals = {}  # slug -> deal the user may record for
        indicators = {}  # (deal, name) -> (indicator, error, validator, its id, deal saved)
        organisations = {}  # (deal, organisation slug) -> organisation, or None when refused
        may_verify = {}  # deal slug -> whether the user may verify
        measurements = self.plan.measurements
        problems = self.problems
        for number, values, before in self.rows(part):
            if values["categorie"] or values["dimensie"]:
                self._category_row(part, number, values, planned)
                continue
            slug = values["deal_id"]
            deal = deals.get(slug)
            if deal is None:
                deal = self._deal_for(part, number, values, impact_rules.can_record_measurement, no_deal)
                if deal is None:
                    continue
                deals[slug] = deal
            name = values["indicator"]
            if not name:
                continue
            found = indicators.get((slug, name))
            if found is None:
                indicator, error = self._indicator(deal, name)
                found = indicators[(slug, name)] = (
                    indicator, error, None if error else measurement_validator(indicator),
                    None if error else indicator.pk, deal.pk is not None)
            indicator, error, validate, indicator_id, saved_deal = found
            if error:
                self.problem(part, number, "indicator", error, no_indicator)
                continue
            org = None
            org_slug = values["organisatie_id"]
            if org_slug:
                if (slug, org_slug) not in organisations:
                    organisations[(slug, org_slug)] = self._reporting_organisation(deal, org_slug)
                org = organisations[(slug, org_slug)]
                if org is None:
                    self.problem(part, number, "organisatie_id",
                                 _("There is no organisation with the identifier '%(id)s'.") % {"id": org_slug},
                                 _("the identifier of a registered organisation"))
                    continue
            if saved_deal and indicator_id is not None:
                key = (indicator_id, org.pk if org is not None else None)
                if key not in self._permission:
                    self._permission[key] = measurement_permission_error(self.actor, indicator, org)
                if self._permission[key]:
                    self.problem(part, number, "organisatie_id" if org else "deal_id", self._permission[key])
                    continue
            verification = values["verificatie"]
            if verification == Verification.VERIFIED:
                if slug not in may_verify:
                    may_verify[slug] = self.may(impact_rules.can_verify_measurement, deal)
                if not may_verify[slug]:
                    self.problem(part, number, "verificatie", verification_error(),
                                 _("empty or zelfgerapporteerd"))
            if len(problems) > before:
                continue
            date = values["datum"]
            try:
                value = validate(
                    date=date, value=values["waarde"],
                    status=values["status"] or "", period_start=values["periode_begin"],
                ) if date else None
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    column = {"value": "waarde", "status": "status", "date": "datum",
                              "period_start": "periode_begin"}.get(field_name, "waarde")
                    for message in messages:
                        self.problem(part, number, column, message,
                                     self._measurement_expected(indicator, column))
                continue
            if len(problems) > before:
                continue
            milestone = indicator.is_milestone
            fields = {
                "date": date, "period_start": values["periode_begin"],
                "value": None if milestone else value,
                "status": values["status"] or "" if milestone else "",
                "source": values["bron"] or "", "evidence_url": values["bewijs_url"] or "",
                "note": values["toelichting"] or "", "is_example": bool(values["voorbeeld"]),
            }
            if verification:
                fields["verification"] = verification
            if values["betrouwbaarheid"]:
                fields["confidence"] = values["betrouwbaarheid"]
            # An indicator this file (re)defines is unsaved here, but may already be in the
            # database: its measurements there count as present too.
            if indicator_id is None:
                same_name = self._indicators.get((deal.slug, name), [])
                indicator_id = same_name[0].pk if len(same_name) == 1 else None
            if indicator_id is not None:
                if existing is None:
                    existing = self._existing_measurements()
                keys = existing.get(indicator_id)
                if keys and self._key(indicator_id, org.pk if org is not None else None, fields) in keys:
                    self.plan.skipped += 1
                    planned[self._row_key(values)] = None  # its category rows are skipped too
                    continue
            item = {"deal": slug, "indicator": name, "org": org_slug,
                    "fields": fields, "object": indicator, "row": number}
            measurements.append(item)
            planned[self._row_key(values)] = item
        self._check_categories(part, planned)

    def _reporting_organisation(self, deal, slug):
        """The organisation `slug` if a measurement of `deal` may name it as the reporter (it
        exists, in the register or in this file, and the services' reference rules allow
        it), else None."""
        org = self._organisations.get(slug)
        if org is None and slug in self.plan.organisations:
            org = Organisation(slug=slug, **self.plan.organisations[slug])
        if org is None or self.references.error(deal, Measurement, "reporting_organisation", org):
            return None
        return org

    @staticmethod
    def _row_key(values):
        return (values["deal_id"], values["indicator"], values["datum"], values["periode_begin"],
                values["organisatie_id"])

    def _category_row(self, part, number, values, planned):
        """A value per category (long format): added to the measurement above it."""
        key = self._row_key(values)
        if key not in planned:
            self.problem(part, number, "categorie",
                         _("A category row follows the row of its measurement (the same indicator, "
                           "date and organisation, without a category)."))
            return
        item = planned[key]
        if item is None:
            return  # the measurement is already present
        item.setdefault("parts", []).append({
            "dimension": (values.get("dimensie") or "").strip().lower(),
            "category": (values.get("categorie") or "").strip(), "value": values["waarde"],
            "row": number})

    def _check_categories(self, part, planned):
        """The categories of each measurement obey its indicator's breakdown and add up to
        its value (impact.services.check_parts, as the form and the API)."""
        for item in planned.values():
            if not item or not item.get("parts"):
                continue
            try:
                item["parts"] = check_parts(item["object"], item["fields"]["value"], item["parts"])
            except ValidationError as exc:
                for message in exc.message_dict.get("parts", exc.messages):
                    self.problem(part, item["row"], "waarde", message)

    def _measurement_expected(self, indicator, column):
        if column == "status":
            return _("one of: %(list)s") % {"list": ", ".join(indicator.statuses)}
        if column == "waarde":
            if indicator.kind == IndicatorKind.PERCENTAGE:
                return _("a number from 0 to 100")
            return _("a number, e.g. 1250 or 12,5")
        if column == "datum":
            return _("a date within the deal's term")
        return _("a date, e.g. 2024-03-31 or 31-03-2024")

    @staticmethod
    def _key(indicator_id, org_id, fields):
        value = fields["value"].normalize() if fields["value"] is not None else None
        return (indicator_id, org_id, fields["date"], fields["period_start"], value, fields["status"],
                fields["source"])

    def _existing_measurements(self):
        """{indicator id: keys of its measurements} for the indicators of the file's deals
        (one query), so a row of an indicator without measurements costs no key."""
        ids = {ind.pk for group in self._indicators.values() for ind in group}
        keys = {}
        for row in Measurement.objects.filter(indicator_id__in=ids).values(
            "indicator_id", "reporting_organisation_id", "date", "period_start", "value", "status", "source"
        ):
            keys.setdefault(row["indicator_id"], set()).add(
                self._key(row["indicator_id"], row["reporting_organisation_id"], row))
        return keys

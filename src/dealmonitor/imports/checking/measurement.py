"""The Metingen sheet: measurements of indicators."""


from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dealmonitor.impact import rules as impact_rules
from dealmonitor.impact.constants import IndicatorKind, Verification
from dealmonitor.impact.models import (
    Measurement,
)
from dealmonitor.impact.services import (
    can_correct,
    check_parts,
    measurement_permission_error,
    measurement_validator,
    verification_error,
)
from dealmonitor.impact.templatetags.impact_tags import num
from dealmonitor.organisations.models import Organisation



class MeasurementSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _check_measurements(self, part):
        """Every row as `record_measurement` would check it. What depends only on the deal,
        the indicator or the organisation of a row (who may record, which indicator the name
        means, whether the organisation is a partner) is worked out once per deal, indicator
        and organisation; a row that fails such a check still gets its own message."""
        existing = None  # the measurements already recorded: see _existing_measurements
        recorded = set()  # the ids of the indicators among them
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
                # An indicator this file (re)defines is unsaved here, but may already be in
                # the database: its measurements there count as present too.
                stored = self._indicators.get((deal.slug, name), []) if not error else []
                saved = None if error else indicator if indicator.pk else (
                    stored[0] if len(stored) == 1 else None)
                found = indicators[(slug, name)] = (
                    indicator, error, None if error else measurement_validator(indicator),
                    None if error else indicator.pk, deal.pk is not None, saved)
            indicator, error, validate, indicator_id, saved_deal, saved = found
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
            item = {"deal": slug, "indicator": values["indicator"], "org": values["organisatie_id"],
                    "fields": fields, "object": indicator, "row": number,
                    "withdraw": bool(values.get("ingetrokken")),
                    "reason": (values.get("reden") or "").strip()}
            if saved is not None:
                if existing is None:
                    existing = self._existing_measurements()
                    recorded = {key[0] for key in existing[1]}  # indicators with measurements
                # against those already recorded: only for an indicator that has some
                outcome = (self._against_recorded(part, number, existing, saved, org, item)
                           if saved.pk in recorded else None)
                if outcome is not None:
                    if outcome == "skip":
                        self.plan.skipped += 1
                    planned[self._row_key(values)] = None if outcome != "plan" else item
                    if outcome == "plan":
                        measurements.append(item)
                    continue
            if item["withdraw"] and not item["reason"]:
                self.problem(part, number, "reden", _("Say why the measurement is withdrawn."))
                continue
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

    def _against_recorded(self, part, number, existing, indicator, org, item):
        """What a row is beside the measurements already recorded (issue 17: the import
        corrects and withdraws as the form and the API do): None, a new measurement; "skip",
        one already recorded as it is; "plan", a correction (a reason in the column reden) or a
        withdrawal (ingetrokken: ja, with a reason) of one recorded measurement; "problem"."""
        org_id = getattr(org, "pk", None)
        fields = item["fields"]
        exact, by_date = existing
        same = exact.get(self._key(indicator.pk, org_id, fields))
        if same is not None:  # recorded as it is (a withdrawn one does not come back)
            if not item["withdraw"] or same["withdrawn"]:
                return "skip"
            current = [same]
        else:
            current = [m for m in by_date.get((indicator.pk, org_id, fields["date"], fields["period_start"]), ())
                       if not m["withdrawn"]]
            if not current:
                return None  # a new measurement (also after one withdrawn on that date)
        if len(current) > 1:
            self.problem(part, number, "datum", _(
                "The deal has more than one measurement of this indicator on this date for this "
                "organisation; correct or withdraw the right one in Dealmonitor."))
            return "problem"
        recorded = current[0]
        if not item["reason"]:
            if item["withdraw"]:
                message = _("Say why the measurement is withdrawn.")
            else:
                message = _(
                    "There is already a measurement of this indicator on %(date)s for this organisation, "
                    "with another figure (%(value)s). To correct it, say why in the column reden; a second "
                    "amount on the same date belongs in that measurement.") % {
                    "date": fields["date"].isoformat(),
                    "value": num(recorded["value"]) if recorded["value"] is not None else recorded["status"]}
            self.problem(part, number, "reden", message)
            return "problem"
        probe = Measurement(pk=recorded["id"], indicator=indicator, reported_by_id=recorded["reported_by_id"],
                            reporting_organisation=org)
        if not can_correct(self.actor, probe):
            self.problem(part, number, "reden", _(
                "Only the person who reported a measurement and the deal team may correct or withdraw it."))
            return "problem"
        item["measurement"] = recorded["id"]
        item["correct"] = same is None
        return "plan"

    @staticmethod
    def _key(indicator_id, org_id, fields):
        value = fields["value"].normalize() if fields["value"] is not None else None
        return (indicator_id, org_id, fields["date"], fields["period_start"], value, fields["status"],
                fields["source"])

    def _existing_measurements(self):
        """({full key: measurement}, {(indicator, organisation, date, period start): [measurements]})
        of the measurements already recorded for the indicators the file names (one query)."""
        ids = {ind.pk for group in self._indicators.values() for ind in group}
        keys, by_date = {}, {}
        for row in Measurement.objects.filter(indicator_id__in=ids).order_by("withdrawn", "id").values(
            "id", "indicator_id", "reporting_organisation_id", "date", "period_start", "value", "status",
            "source", "withdrawn", "reported_by_id",
        ):
            org_id = row["reporting_organisation_id"]
            keys.setdefault(self._key(row["indicator_id"], org_id, row), row)
            by_date.setdefault((row["indicator_id"], org_id, row["date"], row["period_start"]), []).append(row)
        return keys, by_date

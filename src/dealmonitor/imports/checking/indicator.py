"""The Indicatoren sheet: indicators with their targets."""


from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dealmonitor.impact import rules as impact_rules
from dealmonitor.impact.services import clean_breakdown
from dealmonitor.impact.constants import DEFAULT_MILESTONE_STATUSES, IndicatorKind
from dealmonitor.impact.models import (
    Indicator,
)

from ..kinds.indicator import breakdown_from_text
from .base import (  # noqa: F401
    INDICATOR_KEYS,
    TARGET_KEYS,
)


class IndicatorSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _indicator_fields(self, values):
        fields = {
            "kind": values["soort"] or IndicatorKind.NUMERIC,
            "unit": values["eenheid"] or "",
            "baseline_value": values["basiswaarde"],
            "baseline_date": values["basisdatum"],
            "target_value": values["einddoel"],
            "target_status": values["einddoel_status"] or "",
            "target_date": values["einddoel_datum"],
            "milestone_statuses": values["mijlpaalstatussen"] or [],
            "data_source": values["gegevensbron"] or "",
            "description": values["omschrijving"] or "",
            "is_example": bool(values["voorbeeld"]),
        }
        for key, name in (("richting", "direction"), ("aggregatie", "aggregation"),
                          ("frequentie", "frequency"), ("bereik", "scope"), ("betekenis", "meaning")):
            if values.get(key):
                fields[name] = values[key]
        for key, name in (("hele_getallen", "whole_numbers"), ("negatief_toegestaan", "allow_negative")):
            if values.get(key) is not None:
                fields[name] = values[key]
        fields["value_min"], fields["value_max"] = values.get("minimum"), values.get("maximum")
        fields["breakdown"] = breakdown_from_text(values.get("uitsplitsing"))
        return fields

    def _check_indicators(self, part):
        groups = {}
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, impact_rules.can_edit_indicators,
                                  _("There is no deal '%(slug)s', or you may not change its indicators."))
            name = values["indicator"]
            if not deal or not name:
                continue
            key = (deal.slug, name)
            if len(self._indicators.get(key, [])) > 1:
                self.problem(part, number, "indicator",
                             _("The deal has more than one indicator with this name."),
                             _("a name that identifies one indicator"))
                continue
            own = {k: values[k] for k in INDICATOR_KEYS}
            if key in groups:
                first_row, first = groups[key]["row"], groups[key]["values"]
                for k in INDICATOR_KEYS:
                    if own[k] != first[k] and part.mapping.get(k) is not None:
                        self.problem(part, number, k,
                                     _("This differs from row %(row)s of the same indicator.") % {"row": first_row},
                                     _("the same value in every row of one indicator"))
            else:
                groups[key] = {"row": number, "values": own, "deal": deal, "targets": [],
                               "bad": False}
            group = groups[key]
            if len(self.problems) > before:
                group["bad"] = True
                continue
            target = {k: values[k] for k in TARGET_KEYS}
            if any(v not in (None, "") for v in target.values()):
                if not (target["doel_begin"] and target["doel_einde"]):
                    self.problem(part, number, "doel_begin" if not target["doel_begin"] else "doel_einde",
                                 _("A target needs the first and the last day of its period."),
                                 _("a date, e.g. 2024-03-31 or 31-03-2024"))
                    group["bad"] = True
                    continue
                group["targets"].append((number, target))
        for key, group in groups.items():
            if not group["bad"]:
                self._plan_indicator(part, key, group)

    def _plan_indicator(self, part, key, group):
        values, row = group["values"], group["row"]
        before = len(self.problems)
        fields = self._indicator_fields(values)
        kind = fields["kind"]
        statuses = fields["milestone_statuses"] or DEFAULT_MILESTONE_STATUSES
        element = None
        if values["element"] or values["niveau"]:
            if not (values["element"] and values["niveau"]):
                self.problem(part, row, "niveau" if not values["niveau"] else "element",
                             _("A pathway element needs both its level and its title."))
            else:
                element = (values["niveau"], values["element"])
        if kind == IndicatorKind.PERCENTAGE:
            for k in ("basiswaarde", "einddoel"):
                if values[k] is not None and not 0 <= values[k] <= 100:
                    self.problem(part, row, k, _("A percentage lies between 0 and 100."),
                                 _("a number from 0 to 100"))
        if kind == IndicatorKind.MILESTONE and fields["target_status"] and fields["target_status"] not in statuses:
            self.problem(part, row, "einddoel_status",
                         _("'%(status)s' is not a status of this milestone.") % {"status": fields["target_status"]},
                         _("one of: %(list)s") % {"list": ", ".join(statuses)})
        if len(set(statuses)) != len(statuses):
            self.problem(part, row, "mijlpaalstatussen", _("Each status may appear only once."))
        if (fields["value_min"] is not None and fields["value_max"] is not None
                and fields["value_min"] > fields["value_max"]):
            self.problem(part, row, "maximum", _("The highest allowed value lies below the lowest."))
        if fields["breakdown"]:
            if kind != IndicatorKind.NUMERIC:
                self.problem(part, row, "uitsplitsing", _("Only a number is broken down by category."))
            else:
                try:  # the rules of the form and the API (impact.services)
                    fields["breakdown"] = clean_breakdown(fields["breakdown"])
                except ValidationError as exc:
                    for message in exc.message_dict["breakdown"]:
                        self.problem(part, row, "uitsplitsing", message)
        targets = []
        for number, t in sorted(group["targets"], key=lambda item: item[1]["doel_begin"]):
            if t["doel_einde"] < t["doel_begin"]:
                self.problem(part, number, "doel_einde", _("The period ends before it starts."),
                             _("a last day on or after the first day"))
                continue
            if kind == IndicatorKind.MILESTONE:
                if t["doel_status"] and t["doel_status"] not in statuses:
                    self.problem(part, number, "doel_status",
                                 _("'%(status)s' is not a status of this milestone.") % {"status": t["doel_status"]},
                                 _("one of: %(list)s") % {"list": ", ".join(statuses)})
            elif kind == IndicatorKind.PERCENTAGE and t["doel_waarde"] is not None and not 0 <= t["doel_waarde"] <= 100:
                self.problem(part, number, "doel_waarde", _("A percentage lies between 0 and 100."),
                             _("a number from 0 to 100"))
            if targets and t["doel_begin"] <= targets[-1]["period_end"]:
                self.problem(part, number, "doel_begin",
                             _("This period overlaps the period of row %(row)s.") % {"row": targets[-1]["row"]},
                             _("periods that do not overlap"))
                continue
            targets.append({"row": number, "period_start": t["doel_begin"], "period_end": t["doel_einde"],
                            "label": t["doel_periode"] or "", "value": t["doel_waarde"],
                            "status": t["doel_status"] or ""})
        if len(self.problems) > before:
            return
        for t in targets:
            t.pop("row")
        deal_slug = key[0]
        if element and (deal_slug, *element) not in self._elements:
            self.plan.elements.setdefault((deal_slug, *element), None)
        self.plan.indicators[key] = {"fields": fields, "element": element, "targets": targets,
                                     "deal": group["deal"]}

    def _indicator(self, deal, name):
        """The indicator (saved, or unsaved when this file defines it) of `deal` named `name`."""
        planned = self.plan.indicators.get((deal.slug, name))
        if planned:
            if "object" not in planned:
                planned["object"] = Indicator(deal=deal, name=name, **planned["fields"])
            return planned["object"], None
        found = self._indicators.get((deal.slug, name), [])
        if len(found) > 1:
            return None, _("The deal has more than one indicator with this name.")
        if not found:
            return None, _("The deal %(deal)s has no indicator '%(name)s'.") % {"deal": deal.name, "name": name}
        found[0].deal = deal
        return found[0], None

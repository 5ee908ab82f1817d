"""The Deal sheet: deals created or changed by the import."""


from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules



class DealSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _check_deals(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            slug = values["deal_id"]
            if not slug:
                continue
            if slug in seen:
                self.problem(part, number, "deal_id",
                             _("This deal is already in row %(row)s.") % {"row": seen[slug]},
                             _("each deal once"))
                continue
            seen[slug] = number
            existing = self.deal(slug)
            if (existing is None and not deal_rules.can_import_deals(self.actor)) or (
                existing is not None and not self.may(deal_rules.can_edit_deal_data, existing)
            ):  # one message for both: a hidden deal is not confirmed
                self.problem(part, number, "deal_id",
                             _("There is no deal '%(slug)s' that you may change; only the programme "
                               "administrator may add a deal.") % {"slug": slug})
                continue
            if values["fase"] and existing is not None and existing.phase != values["fase"] and (
                not self.may(deal_rules.can_edit_deal_data, existing)
            ):
                self.problem(part, number, "fase", _("You may not change the phase of this deal."))
            publish = values["gepubliceerd"]
            if publish is not None and (existing is None or existing.is_published != publish) and (
                not deal_rules.can_import_deals(self.actor)
            ):
                self.problem(part, number, "gepubliceerd",
                             _("Only the programme administrator may publish a deal or withdraw it."))
            if len(self.problems) > before:
                continue
            fields = {"name": values["naam"], "kind": values["soort"],
                      "description": values["omschrijving"] or ""}
            if publish is not None:
                fields["is_published"] = publish
            if values["status"]:
                fields["status"] = values["status"]
            for key, name in (("getekend", "signing_date"), ("einde", "end_date"),
                              ("verlengd_tot", "extended_to")):
                date, precision = values[key] or (None, "")
                fields[name], fields[f"{name}_precision"] = date, precision
            self.plan.deals[slug] = (fields, values["themas"] or [], values["fase"])

"""The Partners sheet: organisations and their participation in a deal.

Without a query per row: the organisations the sheet names are read at once (`_prefetch`),
whether the user may see each is asked at once (`ReferenceCheck.preload`), and the registered
organisations that could refuse the sheet's new ones are read in one query before the rows
are checked (`organisations.services.Register`)."""


from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.models import Participation
from dealmonitor.organisations import identity
from dealmonitor.organisations.services import (
    Register,
    candidate,
    import_problem,
    may_change_organisation,
)

from .base import cell_parser

# The identifier columns and the organisation's fields they fill.
IDENTIFIER_COLUMNS = {"kvk_nummer": "kvk_number", "oin": "oin", "webdomein": "web_domain"}
# The columns an organisation's fields come from.
ORGANISATION_COLUMNS = ("organisatie_id", "organisatie_naam", "organisatie_type", "cbs_code",
                        "overheidslaag", *IDENTIFIER_COLUMNS)


def organisation_fields(part, values):
    """The organisation's fields a row gives, and the (column, message) of each malformed
    identifier."""
    org_fields = {"name": values["organisatie_naam"], "type": values["organisatie_type"]}
    if values["cbs_code"]:
        org_fields["cbs_code"] = values["cbs_code"]
    errors = []
    for column_key, name in IDENTIFIER_COLUMNS.items():
        if values[column_key]:  # an empty cell leaves the registered identifier alone
            value = identity.normalise_identifier(name, values[column_key])
            error = identity.identifier_error(name, value)
            if error:
                errors.append((column_key, error))
            org_fields[name] = value
    if part.mapping.get("overheidslaag") is not None:  # else it follows from the type
        org_fields["government_level"] = values["overheidslaag"] or ""
    return org_fields, errors


class PartnerSheet:
    """Checker methods for this sheet kind (imports/checking/__init__.py puts them together)."""

    def _check_partners(self, part):
        register = self._partner_register(part)
        self.references.preload(self._organisations.values())
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, deal_rules.can_edit_deal_data,
                                  _("There is no deal '%(slug)s', or you may not change its partners."))
            org_id = values["organisatie_id"]
            if not deal or not org_id:
                continue
            key = (deal.slug, org_id)
            if key in seen:
                self.problem(part, number, "organisatie_id",
                             _("This organisation is already in this deal in row %(row)s.") % {"row": seen[key]},
                             _("each organisation once per deal"))
                continue
            seen[key] = number
            org_fields, errors = organisation_fields(part, values)
            for column_key, error in errors:
                self.problem(part, number, column_key, error,
                             _("empty, or a well-formed identifier"))
            planned = self.plan.organisations.get(org_id)
            if planned and (planned["name"], planned["type"]) != (org_fields["name"], org_fields["type"]):
                self.problem(part, number, "organisatie_naam",
                             _("Organisation %(id)s has another name or type in an earlier row.") % {"id": org_id},
                             _("the same name and type in every row of one organisation"))
                continue
            existing = self._organisations.get(org_id)
            if existing is not None and self.references.error(deal, Participation, "organisation", existing):
                # known only from deals this user may not read: neither its name nor its use
                self.problem(part, number, "organisatie_id",
                             self.references.error(deal, Participation, "organisation", existing),
                             _("the identifier of an organisation of a deal you may read, or a new one"))
                continue
            if existing is not None:
                differs = [k for k, v in org_fields.items() if getattr(existing, k) != v]
                if differs and not may_change_organisation(self.actor, existing):
                    self.problem(
                        part, number, "organisatie_naam",
                        _("Organisation %(id)s exists as '%(name)s' (%(type)s); only the programme administrator may change it.")
                        % {"id": org_id, "name": existing.name, "type": existing.type},
                        _("the name and type as registered"),
                    )
                    continue
            if existing is None and not planned:
                problem = import_problem(org_id, org_fields, self.plan.organisations, register)
                if problem:
                    self.problem(part, number, "organisatie_naam", *problem)
                    continue
            if len(self.problems) > before:
                continue
            self.plan.organisations[org_id] = org_fields
            joined = values["toegetreden"] or (None, "")
            left = values["vertrokken"] or (None, "")
            fields = {
                "role_description": values["rol"] or "",
                "joined_on": joined[0], "joined_on_precision": joined[1],
                "left_on": left[0], "left_on_precision": left[1],
            }
            if values["soort_deelname"]:
                fields["kind"] = values["soort_deelname"]
            internal = {"houding": "stance", "toezegging_euro": "commitment_money",
                        "toezegging_fte": "commitment_fte", "toezegging_in_natura": "commitment_in_kind",
                        "geleverd_euro": "delivered_money", "geleverd_fte": "delivered_fte"}
            for column_key, name in internal.items():
                if part.mapping.get(column_key) is not None:  # a column left out changes nothing
                    fields[name] = values[column_key] if values[column_key] is not None else (
                        "" if name in ("stance", "commitment_in_kind") else None)
            self.plan.participations[key] = fields

    def _partner_register(self, part):
        """The registered organisations that could refuse the sheet's new ones, read at once:
        the organisation cells of every row are parsed ahead (a cell that does not parse is
        reported when its row is checked; a candidate missed here is read on its own)."""
        specs = []
        for column in part.kind.columns:
            if column.key in ORGANISATION_COLUMNS:
                specs.append((column.key, part.mapping.get(column.key),
                              part.defaults.get(column.key), cell_parser(column)))
        candidates = []
        for _number, cells in part.sheet.rows:
            values = {}
            for key, index, fixed, parse in specs:
                raw = fixed if index is None else cells[index] if index < len(cells) else None
                try:
                    values[key] = parse(raw) if raw is not None else None
                except ValueError:
                    values[key] = None
            slug = values["organisatie_id"]
            if not slug or slug in self._organisations or not values["organisatie_naam"]:
                continue
            fields, _errors = organisation_fields(part, values)
            candidates.append(candidate(slug=slug, **fields))
        register = Register()
        if candidates:
            register.read(candidates)
        return register

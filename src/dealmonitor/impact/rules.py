"""Who may change a deal's pathway, indicators and measurements.

The predicates live in deals/rules.py (one place for every app); these names say what they
guard here.
"""

import rules

from dealmonitor.deals.rules import (  # noqa: F401  (re-exported for the impact app)
    can_edit_deal_data,
    can_record_measurement,
    can_report_for,
    can_verify_measurement,
    can_view_internal,
    is_partner_member,
    partner_organisations,
)

can_edit_pathway = can_edit_deal_data
can_edit_indicators = can_edit_deal_data
# Evidence files are internal (deals/internal.py): the deal's members, evaluators and the
# programme may download them.
can_read_evidence = can_view_internal

rules.add_perm("impact.edit_pathway", can_edit_pathway)
rules.add_perm("impact.edit_indicators", can_edit_indicators)
rules.add_perm("impact.record_measurement", can_record_measurement)
rules.add_perm("impact.read_evidence", can_read_evidence)

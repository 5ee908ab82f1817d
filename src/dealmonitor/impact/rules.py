"""Who may change a deal's pathway, indicators and measurements."""

import rules

from dealmonitor.deals.rules import can_edit_deal_data


@rules.predicate
def is_partner_member(user, deal):
    if not (user and user.is_authenticated and deal is not None):
        return False
    return user.deal_memberships.filter(deal=deal, role="partner").exists()


can_edit_pathway = can_edit_deal_data
can_edit_indicators = can_edit_deal_data
# Partner members enter measurements for their own organisation (checked in the service).
can_record_measurement = can_edit_deal_data | is_partner_member

rules.add_perm("impact.edit_pathway", can_edit_pathway)
rules.add_perm("impact.edit_indicators", can_edit_indicators)
rules.add_perm("impact.record_measurement", can_record_measurement)


def partner_organisations(user, deal):
    """The organisations a partner member may report for in this deal."""
    if not (user and user.is_authenticated):
        return []
    return [
        m.organisation_id
        for m in user.deal_memberships.filter(deal=deal, role="partner")
        if m.organisation_id
    ]

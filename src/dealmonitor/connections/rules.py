"""Permission predicates for connections between deals (django-rules; the role predicates
live in deals/rules.py).

A suggestion is decided by the programme administrator or by whoever may edit either deal
(its team or dealmaker); Community of Practice events are run by the programme; operator
tasks (rebuilds) run as the system or by staff.
"""

import rules

from dealmonitor.deals.rules import (
    can_edit_deal_data,
    can_view_internal,
    is_programme_admin,
    is_signed_in,
    is_system,
)


@rules.predicate
def may_edit_either(user, pair):
    """`pair` is (deal, other deal)."""
    if not pair:
        return False
    return any(can_edit_deal_data(user, deal) for deal in pair if deal is not None)


@rules.predicate
def sees_internals_of_both(user, pair):
    """Reasons that quote internal data (the rules behind bottlenecks) need this."""
    return bool(pair) and all(can_view_internal(user, deal) for deal in pair if deal is not None)


can_decide_connection = is_system | is_programme_admin | (is_signed_in & may_edit_either)
can_rebuild_suggestions = is_system | is_programme_admin
can_manage_events = is_system | is_programme_admin
can_update_deal_suggestions = can_edit_deal_data

rules.add_perm("connections.decide_connection", can_decide_connection)
rules.add_perm("connections.rebuild_suggestions", can_rebuild_suggestions)
rules.add_perm("connections.manage_events", can_manage_events)

"""Permission predicates for connections between deals (django-rules).

A suggestion is decided by the programme administrator (staff) or by the team of either
deal (accounts.DealMembership role 'team'); Community of Practice events are run by the
programme; operator tasks (rebuilds) run as the system or by staff.
"""

import rules

from dealmonitor.deals.rules import is_deal_team, is_programme_admin, is_system


@rules.predicate
def is_team_of_either(user, pair):
    """`pair` is (deal, other deal)."""
    if not pair:
        return False
    return any(is_deal_team(user, deal) for deal in pair)


@rules.predicate
def is_signed_in(user):
    return bool(user and user.is_authenticated)


can_decide_connection = is_system | is_programme_admin | (is_signed_in & is_team_of_either)
can_rebuild_suggestions = is_system | is_programme_admin
can_manage_events = is_system | is_programme_admin
can_update_deal_suggestions = is_system | is_programme_admin | is_deal_team

rules.add_perm("connections.decide_connection", can_decide_connection)
rules.add_perm("connections.rebuild_suggestions", can_rebuild_suggestions)
rules.add_perm("connections.manage_events", can_manage_events)

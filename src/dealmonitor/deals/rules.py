"""Permission predicates for deals, in one place (django-rules).

The programme administrator (staff) edits every deal; a deal's team (project leader,
secretary: accounts.DealMembership role 'team') edits its own deal. The roles issue adds
dealmakers, partner members and evaluators on top of these.
"""

import rules


@rules.predicate
def is_programme_admin(user):
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


@rules.predicate
def is_system(user):
    """Operator tasks run from the command line act as the system (no user)."""
    return user is None


@rules.predicate
def is_deal_team(user, deal):
    if not (user and user.is_authenticated and deal is not None):
        return False
    return user.deal_memberships.filter(deal=deal, role="team").exists()


can_import_deals = is_system | is_programme_admin
can_change_deal = is_system | is_programme_admin
can_edit_deal_data = is_system | is_programme_admin | is_deal_team

rules.add_perm("deals.import_deals", can_import_deals)
rules.add_perm("deals.change_deal_phase", can_change_deal)
rules.add_perm("deals.edit_deal_data", can_edit_deal_data)

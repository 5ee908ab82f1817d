"""Permission predicates for deals, in one place (django-rules).

For now the programme administrator (staff) edits every deal; deal teams and partner members
get their own predicates with the roles issue.
"""

import rules


@rules.predicate
def is_programme_admin(user):
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


@rules.predicate
def is_system(user):
    """Operator tasks run from the command line act as the system (no user)."""
    return user is None


can_import_deals = is_system | is_programme_admin
can_change_deal = is_system | is_programme_admin

rules.add_perm("deals.import_deals", can_import_deals)
rules.add_perm("deals.change_deal_phase", can_change_deal)

"""Who sees what in exports and reports, on the predicates of deals/rules.py: the deals a
user may read (`visible_deals`), and the deals whose internal data (deals/internal.py) the user
may see. One place, so every export, report and the open data apply the same rule."""

from django.contrib.auth.models import AnonymousUser

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.selectors import visible_deals


def readable_deals(user):
    return visible_deals(user)


def public_deals():
    """The published deals: what the public reads, and all the open data holds."""
    return visible_deals(AnonymousUser())


def internal_deal_ids(user, deals):
    """The ids among `deals` whose internal fields `user` may see (`can_view_internal`)."""
    return {d.pk for d in deals if deal_rules.can_view_internal(user, d)}

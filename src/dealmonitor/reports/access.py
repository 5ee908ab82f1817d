"""Who sees what in exports and reports: the deals a user may read (`visible_deals`), and
whether the internal fields of a deal (participation commitments and stances, unresolved
bottlenecks, self-assessment answers) may be shown. One place, so every export, report and
the open data apply the same rule."""

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.selectors import visible_deals


def readable_deals(user):
    return visible_deals(user)


def internal_deal_ids(user, deals):
    """The ids among `deals` whose internal fields `user` may see."""
    if user is None or deal_rules.is_programme_admin(user):
        return {d.pk for d in deals}
    if not (user and user.is_authenticated):
        return set()
    own = set(user.deal_memberships.filter(role="team").values_list("deal_id", flat=True))
    return {d.pk for d in deals if d.pk in own}

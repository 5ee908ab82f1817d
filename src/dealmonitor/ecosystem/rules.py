"""Who may post needs and offers, and who marks the matches: the rules of the deal they
belong to (deals/rules.py)."""

from dealmonitor.deals import rules as deal_rules


def can_post(user, deal, organisation):
    """Who may post for `organisation` in `deal`: who edits the deal's data, for any of its
    partners; a partner member for its own organisation (the rule for measurements)."""
    return deal_rules.can_report_for(user, deal, organisation)


def can_manage_post(user, post):
    """Close a post, mark its matches: as can_post, for the post's organisation and deal."""
    return deal_rules.can_report_for(user, post.deal, post.organisation)


can_post_in_deal = deal_rules.can_record_measurement

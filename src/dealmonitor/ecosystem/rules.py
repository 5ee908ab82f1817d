"""Who may post needs and offers, change or close them, and mark their matches.

A post of a deal follows the rules of that deal (deals/rules.py); a post an organisation
makes for itself, outside a deal, follows the organisation: programme administrators, and
the users linked to it (a partner member of the organisation in any deal, the one link
between a user and an organisation: accounts.DealMembership). Whoever posted a post may
always change and close it."""

import rules

from dealmonitor.deals import rules as deal_rules


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def linked_organisation_ids(user):
    """The organisations `user` is linked to: those they are a partner member for, in any
    deal (read once per request from the memberships the deal rules keep)."""
    found = set()
    for roles in deal_rules.memberships(user).values():
        found |= {i for i in roles.get("partner", set()) if i is not None}
    return found


@rules.predicate
def is_linked_to(user, organisation):
    return organisation is not None and organisation.pk in linked_organisation_ids(user)


can_post_for_organisation = deal_rules.is_system | deal_rules.is_programme_admin | is_linked_to
"""Post for `organisation` itself, outside a deal."""


def can_post(user, deal, organisation):
    """Post for `organisation`: in `deal`, who edits the deal's data, for any of its partners,
    and a partner member for its own organisation (the rule for measurements); without a
    deal, can_post_for_organisation."""
    if deal is None:
        return bool(can_post_for_organisation(user, organisation))
    return deal_rules.can_report_for(user, deal, organisation)


@rules.predicate
def is_author(user, post):
    return _active(user) and post.created_by_id is not None and post.created_by_id == user.pk


@rules.predicate
def may_post_as(user, post):
    return can_post(user, post.deal, post.organisation)


can_manage_post = is_author | may_post_as
"""Change or close a post, and mark the matches of a need: its author, or who may post for
its organisation (in its deal: the deal team, or a partner member of that organisation)."""

can_post_in_deal = deal_rules.can_record_measurement
"""Open the form on a deal's page: who may post for at least one partner of the deal."""


def may_read_post(user, post):
    """Read one post, once its deal (if any) is readable: a post for the programme needs a
    signed-in user; a closed post only its managers see (with its marks)."""
    if post.visibility != "openbaar" and not _active(user):
        return False
    return post.is_open or bool(can_manage_post(user, post))


can_read_post = rules.predicate(may_read_post)

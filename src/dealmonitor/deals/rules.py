"""Who may do what, in one place (django-rules). Every app imports its predicates from here.

The roles (docs/decisions/0004-roles.md, docs/manual.md#roles):

- the system (`user is None`): operator tasks run from the command line; may do everything;
- programme administrator: `is_staff` or superuser; reads and edits every deal;
- evaluator (`User.is_evaluator`): reads every deal, internal fields included, and exports;
  changes nothing;
- dealmaker of a deal (`DealMembership` role `dealmaker`): reads its internals, edits it;
- deal team of a deal (role `team`: project leader, secretary): reads its internals, edits it;
- partner member of a deal (role `partner`, with an organisation): reads the whole deal and
  enters measurements and self-assessment answers for that organisation only (the services
  check the organisation);
- the public (anonymous, and signed-in users for deals they have no role in): published deals
  only, never their internal fields (deals/internal.py).

A user's memberships are read once per user object and kept on it; any change to a
membership (through the admin, a service or a restore) invalidates every such cache.
"""

import rules
from django.db.models.signals import post_delete, post_save

_generation = [0]


def _bump_generation(**kwargs):
    _generation[0] += 1


post_save.connect(_bump_generation, sender="accounts.DealMembership", weak=False)
post_delete.connect(_bump_generation, sender="accounts.DealMembership", weak=False)


def _signed_in(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def memberships(user):
    """{deal id: {role: set of organisation ids (partner) or {None}}} for a signed-in user."""
    if not _signed_in(user):
        return {}
    cached = getattr(user, "_dm_memberships", None)
    if cached and cached[0] == _generation[0]:
        return cached[1]
    data = {}
    for deal_id, role, organisation_id in user.deal_memberships.values_list(
        "deal_id", "role", "organisation_id"
    ):
        data.setdefault(deal_id, {}).setdefault(role, set()).add(organisation_id)
    user._dm_memberships = (_generation[0], data)
    return data


def deal_roles(user, deal):
    """The roles `user` holds in `deal` (a set of 'dealmaker', 'team', 'partner')."""
    if deal is None or deal.pk is None:
        return set()
    return set(memberships(user).get(deal.pk, {}))


def partner_organisations(user, deal):
    """The ids of the organisations a partner member may enter data for in this deal."""
    if deal is None:
        return []
    ids = memberships(user).get(deal.pk, {}).get("partner", set())
    return sorted(i for i in ids if i is not None)


# Global roles -------------------------------------------------------------------------------


@rules.predicate
def is_system(user):
    """Operator tasks run from the command line act as the system (no user)."""
    return user is None


@rules.predicate
def is_signed_in(user):
    return _signed_in(user)


@rules.predicate
def is_programme_admin(user):
    return _signed_in(user) and (user.is_staff or user.is_superuser)


@rules.predicate
def is_evaluator(user):
    return _signed_in(user) and bool(getattr(user, "is_evaluator", False))


# Roles in one deal --------------------------------------------------------------------------


@rules.predicate
def is_dealmaker(user, deal):
    return "dealmaker" in deal_roles(user, deal)


@rules.predicate
def is_deal_team(user, deal):
    return "team" in deal_roles(user, deal)


@rules.predicate
def is_partner_member(user, deal):
    return "partner" in deal_roles(user, deal)


@rules.predicate
def is_deal_member(user, deal):
    """Any role in the deal: dealmaker, team or partner member."""
    return bool(deal_roles(user, deal))


@rules.predicate
def is_published(user, deal):
    return bool(deal is not None and deal.is_published)


# What they may do ---------------------------------------------------------------------------

sees_everything = is_system | is_programme_admin | is_evaluator

can_view_deal = sees_everything | is_deal_member | is_published
# Internal fields (deals/internal.py): commitments and their delivery, partner stances,
# unresolved bottlenecks, self-assessment answers, evidence files.
can_view_internal = sees_everything | is_deal_member
can_edit_deal_data = is_system | is_programme_admin | is_dealmaker | is_deal_team
# A partner member enters measurements for their own organisation (checked in the service).
can_record_measurement = can_edit_deal_data | is_partner_member
can_answer_assessment = can_edit_deal_data | is_partner_member
# Verifying a measurement is for the deal team (and dealmaker, programme), never for the
# organisation that reported it (docs/impact.md#verification).
can_verify_measurement = can_edit_deal_data


def can_report_for(user, deal, organisation):
    """Whether `user` may record (or change) a measurement of `deal` reported by
    `organisation` (None: no organisation): who edits the deal's data, for any organisation;
    a partner member for their own organisation only. The one rule for the measurement form,
    the API, the spreadsheet import and the services."""
    if can_edit_deal_data(user, deal):
        return True
    return bool(is_partner_member(user, deal) and organisation is not None
                and organisation.pk in partner_organisations(user, deal))
# Exports of the whole portfolio (internals included) and the codebook: not for the public.
can_export = sees_everything
# An export of one deal holds what the user may read of it: internal fields only with
# can_view_internal. The open data (published deals, no internals) is public by design.
can_export_deal = can_view_deal
can_import_deals = is_system | is_programme_admin
can_manage_roles = is_system | is_programme_admin

rules.add_perm("deals.view_deal", can_view_deal)
rules.add_perm("deals.view_internal", can_view_internal)
rules.add_perm("deals.edit_deal_data", can_edit_deal_data)
rules.add_perm("deals.record_measurement", can_record_measurement)
rules.add_perm("deals.answer_assessment", can_answer_assessment)
rules.add_perm("deals.verify_measurement", can_verify_measurement)
rules.add_perm("deals.export", can_export)
rules.add_perm("deals.export_deal", can_export_deal)
rules.add_perm("deals.import_deals", can_import_deals)
rules.add_perm("accounts.manage_roles", can_manage_roles)
rules.add_perm("deals.change_deal_phase", can_edit_deal_data)

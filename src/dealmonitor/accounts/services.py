"""The only code that gives or takes roles (docs/decisions/0004-roles.md).

Only the programme administrator (or the system: the command line) assigns roles. A role in
a deal is a `DealMembership` row, kept with its history (who granted it, when, why); the
global roles are flags on the user.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules

from .models import DealMembership

DEAL_ROLES = tuple(DealMembership.Role.values)  # dealmaker, team, partner
GLOBAL_ROLES = ("programme-admin", "evaluator")


def _may_manage(actor):
    if not deal_rules.can_manage_roles(actor):
        raise PermissionDenied(_("Only the programme administrator assigns roles."))


def grant_deal_role(*, actor, user, deal, role, organisation=None, reason=""):
    """Give `user` a role in `deal`; a partner member needs the partner organisation they
    enter data for. Granting a role the user already has changes nothing."""
    _may_manage(actor)
    if role not in DEAL_ROLES:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": role}})
    lookup = {"user": user, "deal": deal, "role": role}
    if role == DealMembership.Role.PARTNER:
        lookup["organisation"] = organisation
    existing = DealMembership.objects.filter(**lookup).first()
    if existing:
        return existing
    membership = DealMembership(**lookup)
    if role != DealMembership.Role.PARTNER:
        membership.organisation = organisation
    membership.full_clean()
    with transaction.atomic():
        membership._history_user = actor
        membership._change_reason = reason or "granted"
        membership.save()
    return membership


def revoke_deal_role(*, actor, membership, reason=""):
    _may_manage(actor)
    with transaction.atomic():
        membership._history_user = actor
        membership._change_reason = reason or "revoked"
        membership.delete()


def set_global_role(*, actor, user, role, value=True):
    """Make `user` programme administrator (`is_staff`) or evaluator, or take it back."""
    _may_manage(actor)
    if role not in GLOBAL_ROLES:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": role}})
    field = "is_staff" if role == "programme-admin" else "is_evaluator"
    if getattr(user, field) != value:
        setattr(user, field, value)
        user.save(update_fields=[field])
    return user


PREFERENCE_FIELDS = ("round_invitations", "measurement_reminders", "bottleneck_notices",
                     "weekly_digest", "language")


def preferences_of(user):
    """The user's notification preferences (unsaved defaults when they chose none yet)."""
    from .models import NotificationPreferences

    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)


def set_profile(*, actor, user, email, reason="", **preferences):
    """Set `user`'s e-mail address and notification preferences: the user themself, or the
    programme administrator."""
    if actor != user and not deal_rules.can_manage_roles(actor):
        raise PermissionDenied(_("Only you set what you receive."))
    unknown = set(preferences) - set(PREFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    prefs = preferences_of(user)
    for name, value in preferences.items():
        setattr(prefs, name, value)
    with transaction.atomic():
        if user.email != email:
            user.email = email
            user.full_clean(exclude=["password"])
            user.save(update_fields=["email"])
        prefs.full_clean()
        prefs._history_user = actor
        prefs._change_reason = reason or "profile"
        prefs.save()
    return prefs

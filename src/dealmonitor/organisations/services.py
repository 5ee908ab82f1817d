"""The only code that writes organisations. An organisation is shared by every deal it takes
part in, so a new one may be added by anyone who edits a deal's partners, and an existing one
changed only by the programme administrator."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .constants import government_level_for
from .models import Organisation
from .rules import can_change_organisation

ORGANISATION_FIELDS = ("name", "type", "subtype", "government_level", "cbs_code")


def may_change_organisation(actor, organisation):
    return organisation.pk is None or can_change_organisation(actor)


def save_organisation(*, actor, slug, reason="", **fields):
    """Create or change an organisation; the government level follows from the type unless
    given. Writes (with history) only when a value differs."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
    if "government_level" not in fields and "type" in fields:
        fields["government_level"] = government_level_for(fields["type"], fields.get("subtype", ""))
    changed = [k for k, v in fields.items() if getattr(organisation, k) != v]
    if not changed and organisation.pk:
        return organisation
    if not may_change_organisation(actor, organisation):
        raise PermissionDenied(_("Only the programme administrator may change an existing organisation."))
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation._history_user = actor
    organisation._change_reason = reason
    with transaction.atomic():
        organisation.save()
    return organisation

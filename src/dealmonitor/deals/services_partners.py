"""Writing a deal's partners from its pages: adding a registered organisation or a new one
(checked against the register for duplicates), changing a participation, and a partner member
updating their own organisation's commitment and contact. Each goes through
services.save_participation or organisations.services.save_organisation, so the permission
rules, reference checks and history are the ones of every other path."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import DuplicateOrganisation, save_organisation

from . import rules as deal_rules
from .models import Participation
from .selectors import visible_organisations
from .services import save_participation

# What a partner member may change of their own organisation's participation.
OWN_FIELDS = ("commitment_money", "commitment_fte", "commitment_in_kind", "contact_name",
              "contact_email")


def _free_slug(name):
    base = slugify(name, allow_unicode=True)[:180] or "organisatie"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def shown_duplicate_error(actor, error):
    """The message of a DuplicateOrganisation as this user may read it: a match in deals the
    user cannot read is not named."""
    visible = set(visible_organisations(actor).filter(
        pk__in=[m.organisation.pk for m in error.matches]).values_list("pk", flat=True))
    named = [m for m in error.matches if m.organisation.pk in visible]
    if named:
        return DuplicateOrganisation(named)
    hidden = ValidationError(_(
        "An organisation with this identifier or name is already registered, in a deal you "
        "cannot read. Ask the programme administrator to add it to this deal."), code="duplicate")
    hidden.needs_confirmation = error.needs_confirmation
    hidden.matches = []
    return hidden


def add_partner(*, actor, deal, organisation=None, new_organisation=None, confirmed=False,
                reason="", **fields):
    """Add `organisation` (registered) or a new one (`new_organisation`: name, type and
    identifiers) to `deal`. A new one that is a registered organisation is refused with a
    pointer to it; one that resembles one needs `confirmed`."""
    if not deal_rules.can_edit_deal_data(actor, deal):
        raise PermissionDenied(_("You may not change the partners of this deal."))
    with transaction.atomic():
        if organisation is None:
            values = {k: v for k, v in (new_organisation or {}).items() if v not in (None, "")}
            try:
                organisation = save_organisation(actor=actor, slug=_free_slug(values.get("name", "")),
                                                 confirmed=confirmed, reason=reason, **values)
            except DuplicateOrganisation as error:
                raise shown_duplicate_error(actor, error) from None
        elif Participation.objects.filter(deal=deal, organisation=organisation).exists():
            raise ValidationError(_("%(name)s is already a partner of this deal.") % {"name": organisation.name})
        return save_participation(actor=actor, deal=deal, organisation=organisation,
                                  reason=reason, **fields)


def update_own_commitment(*, actor, participation, reason="", **fields):
    """A partner member updates their own organisation's commitment and contact (the deal
    team may too: the same rule as for measurements, rules.can_report_for)."""
    unknown = set(fields) - set(OWN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    deal = participation.deal
    if not deal_rules.can_report_for(actor, deal, participation.organisation):
        raise PermissionDenied(_("You may change only your own organisation's commitment."))
    with transaction.atomic():
        row = Participation.objects.select_for_update().get(pk=participation.pk)
        changed = False
        for name, value in fields.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            row.full_clean()
            row._history_user = actor
            row._change_reason = reason
            row.save()
    return row

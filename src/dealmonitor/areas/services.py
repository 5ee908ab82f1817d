"""The only code that writes areas and the areas of a deal (figures: importing.py)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealmonitor.deals import writing
from dealmonitor.organisations import reference

from . import rules
from .constants import AreaKind, kind_of_code, parent_code
from .models import Area, DealArea

# The refusals of the writes, also given by the API before it reads a body (api/areas.py).
ONLY_THE_TEAM_CHOOSES = gettext_lazy("Only the deal team and the dealmaker choose the areas of the deal.")


def sync_municipalities(area_model=Area):
    """Make the municipalities of the reference list areas: the current list (valid from the
    date of its reorganisation when it has one) and the municipalities that ended since the
    oldest list kept (valid to the day before, pointing at their successor). Idempotent; run
    by the migration and by `dealmonitor areas sync`. `area_model`: the migration's model.
    Returns (created, changed)."""
    current = {a.code: a for a in reference.areas().values() if a.code.startswith("GM")}
    started = {}
    for change in reference.changes():
        started.setdefault(change.new_code, change.date)
    ended = {c.old_code: c for c in reference.changes()}
    wanted = {}
    for code, area in current.items():
        new = code in started and code not in _codes_of_previous_lists()  # Voorne aan Zee
        wanted[code] = {"kind": AreaKind.MUNICIPALITY, "name": area.name, "province": area.province,
                        "valid_from": started[code] if new else None, "valid_to": None}
    for code, change in ended.items():
        if code in current:
            continue
        wanted[code] = {"kind": AreaKind.MUNICIPALITY, "name": change.old_name,
                        "province": _province_in_previous_lists(code),
                        "valid_from": None, "valid_to": change.date - dt.timedelta(days=1)}
    created = changed = 0
    with transaction.atomic():
        existing = {a.code: a for a in area_model.objects.filter(code__in=wanted)}
        for code, fields in wanted.items():
            row = existing.get(code)
            if row is None:
                existing[code] = area_model.objects.create(code=code, **fields)
                created += 1
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(row, k, v)
                row.save()
                changed += 1
        for code, change in ended.items():
            row, successor = existing.get(code), existing.get(reference.current_code(code))
            if row is not None and successor is not None and row.successor_id != successor.pk:
                row.successor = successor
                row.save(update_fields=["successor"])
    return created, changed


def _previous_rows():
    import csv

    rows = {}
    for path in reference.PREVIOUS_MUNICIPALITIES_FILES:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows.setdefault(row["code"], row)
    return rows


def _codes_of_previous_lists():
    return set(_previous_rows())


def _province_in_previous_lists(code):
    return _previous_rows().get(code, {}).get("provincie", "")


def add_area(*, actor, code, name):
    """A district (WKxxxxxx) or neighbourhood (BUxxxxxxxx) for figures and deals: the
    municipality (or district) it lies in must be known."""
    if not rules.can_manage_areas(actor):
        raise PermissionDenied(_("Only the programme team adds districts and neighbourhoods."))
    code = (code or "").strip().upper()
    name = (name or "").strip()
    kind = kind_of_code(code)
    if kind not in (AreaKind.DISTRICT, AreaKind.NEIGHBOURHOOD):
        raise ValidationError({"code": _("A district code is WK with six digits (WK051801), a neighbourhood "
                                         "code BU with eight (BU05180101); municipalities come from the "
                                         "reference list.")})
    if not name:
        raise ValidationError({"name": _("Give the name of the district or neighbourhood.")})
    parent = Area.objects.filter(code=parent_code(code)).first()
    if parent is None and kind == AreaKind.NEIGHBOURHOOD:
        parent = Area.objects.filter(code="GM" + code[2:6]).first()
    if parent is None:
        raise ValidationError({"code": _("The municipality of %(code)s (%(municipality)s) is not known.") % {
            "code": code, "municipality": "GM" + code[2:6]}})
    row = Area.objects.filter(code=code).first() or Area(code=code)
    row.kind, row.name, row.parent, row.province = kind, name, parent, parent.province
    row.full_clean()
    row.save()
    return row


def _default_codes(deal):
    from .selectors import partner_municipality_codes

    return partner_municipality_codes(deal)


def choose_area(*, actor, deal, area, note="", reason=""):
    """Declare `area` an area of the deal (or take back a partner municipality left out)."""
    writing.check(rules.can_choose_areas, actor, deal,
                  str(ONLY_THE_TEAM_CHOOSES))
    with transaction.atomic():
        row = DealArea.objects.select_for_update().filter(deal=deal, area=area).first()
        if row is not None and row.included:
            raise ValidationError({"area": _("%(area)s already belongs to this deal.") % {"area": area}})
        if row is None and area.code in _default_codes(deal):
            raise ValidationError({"area": _("%(area)s already belongs to this deal (a partner municipality).") % {
                "area": area}})
        row = row or DealArea(deal=deal, area=area, added_by=actor)
        writing.assign(row, {"included": True, "note": note}, ("included", "note"))
        return writing.save(row, actor, reason=reason)


def leave_out_area(*, actor, deal, area, reason=""):
    """Take `area` off the deal's areas: a chosen one is removed, a partner municipality is
    recorded as left out (it would otherwise come back as a default)."""
    writing.check(rules.can_choose_areas, actor, deal,
                  str(ONLY_THE_TEAM_CHOOSES))
    with transaction.atomic():
        row = DealArea.objects.select_for_update().filter(deal=deal, area=area).first()
        is_default = area.code in _default_codes(deal)
        if is_default:
            if row is not None and not row.included:
                raise ValidationError({"area": _("%(area)s has already been left out.") % {"area": area}})
            row = row or DealArea(deal=deal, area=area, added_by=actor)
            writing.assign(row, {"included": False}, ("included",))
            return writing.save(row, actor, reason=reason)
        if row is None or not row.included:
            raise ValidationError({"area": _("%(area)s does not belong to this deal.") % {"area": area}})
        writing.delete(row, actor, reason=reason)
        return None

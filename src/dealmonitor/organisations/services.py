"""The only code that writes organisations. An organisation is shared by every deal it takes
part in, so a new one may be added by anyone who edits a deal's partners, and an existing one
changed only by the programme administrator.

A new organisation is first compared with the register (`check_new_organisation`): one with the
identifier or the normalised name of a registered organisation is refused with a pointer to it,
one whose name resembles a registered one is refused unless the user confirmed it is another."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import identity
from .constants import government_level_for
from .models import Organisation
from .rules import can_change_organisation

ORGANISATION_FIELDS = ("name", "type", "subtype", "government_level", "cbs_code",
                       "kvk_number", "oin", "web_domain")


class DuplicateOrganisation(ValidationError):
    """A new organisation that is, or may be, one already registered. `matches` holds the
    `identity.Match`es; `needs_confirmation` is true when only resemblances were found."""

    def __init__(self, matches):
        self.matches = matches
        self.needs_confirmation = not any(m.refuses for m in matches)
        super().__init__(duplicate_message(matches), code="duplicate")


def duplicate_message(matches):
    first = matches[0]
    names = {"name": first.organisation.name, "slug": first.organisation.slug,
             "reason": first.describe()}
    if first.refuses:
        return _("This organisation is already registered as '%(name)s' (%(slug)s): %(reason)s. "
                 "Use that one.") % names
    return _("This resembles '%(name)s' (%(slug)s): %(reason)s. Use that one, or confirm that "
             "it is another organisation.") % names


def candidate(*, slug="", **fields):
    """An unsaved organisation with its identity computed, for comparing with the register."""
    org = Organisation(slug=slug, **{k: v for k, v in fields.items() if k in ORGANISATION_FIELDS})
    org.refresh_identity()
    return org


def duplicates_of(org):
    """The registered organisations that `org` (saved or not) would duplicate, strongest first.
    Reads only the rows that can match: same identifier, or the same type (for the names)."""
    query = Q(type=org.type) | Q(name_key=org.name_key)
    for field in identity.IDENTIFIERS:
        if getattr(org, field):
            query |= Q(**{field: getattr(org, field)})
    rows = Organisation.objects.filter(query).only(
        "pk", "slug", "name", "type", "name_key", *identity.IDENTIFIERS)
    return identity.matches(org, list(rows))


def check_new_organisation(*, slug="", confirmed=False, **fields):
    """Raise DuplicateOrganisation when an organisation with these fields would duplicate a
    registered one: always for the same identifier or normalised name, for a resembling name
    unless `confirmed`. Called by every path that creates an organisation."""
    found = duplicates_of(candidate(slug=slug, **fields))
    if not confirmed:
        blocking = found
    else:
        blocking = [m for m in found if m.refuses]
    if blocking:
        raise DuplicateOrganisation(blocking)


def _wanted(candidates):
    """{column: stored values} that can refuse `candidates`: their identifiers as stored
    (`identity.stored_identifiers`) and their normalised names."""
    wanted = {field: set() for field in (*identity.IDENTIFIERS, "name_key")}
    for org in candidates:
        for field in identity.IDENTIFIERS:
            wanted[field] |= identity.stored_identifiers(field, getattr(org, field))
        if org.name_key:
            wanted["name_key"].add(org.name_key)
    return wanted


def _registered_with(wanted):
    query = Q()
    for field, values in wanted.items():
        if values:
            query |= Q(**{f"{field}__in": sorted(values)})
    if not query:
        return []
    return list(Organisation.objects.filter(query).only(
        "pk", "slug", "name", "type", "name_key", *identity.IDENTIFIERS))


def registered_like(candidates):
    """The registered organisations that share an identifier or the normalised name with any
    of `candidates` (unsaved organisations with their identity computed): every row
    `identity.matches` could refuse them for, read in one query by the indexed columns, not
    the whole register."""
    return _registered_with(_wanted(candidates))


def _refusing_keys(org):
    """The values by which another organisation can be refused as `org` (an identifier, as
    compared, or the normalised name): two organisations that share none never refuse one
    another (see identity.matches)."""
    return [(f, identity.comparable_identifier(f, getattr(org, f)))
            for f in (*identity.IDENTIFIERS, "name_key") if getattr(org, f)]


class Register:
    """The registered organisations that can refuse new ones, for checking a file of many:
    `read(candidates)` fetches those of all candidates at once (one query), `like(org)` gives
    the ones of one candidate, exactly the rows `registered_like([org])` would read, and reads
    them only for a value not asked before (so a candidate the caller did not foresee is
    still compared with the whole register)."""

    def __init__(self):
        self._asked = set()  # (column, stored value)
        self._by_value = {}  # (column, stored value) -> {pk: organisation}
        self._planned = {}  # slug -> (its fields, its candidate) of the file's organisations
        self._planned_keys = {}  # _refusing_keys -> {slug: None}
        self._order = {}  # slug -> place among the planned ones (as the file named them first)

    def read(self, candidates):
        wanted = {field: {v for v in values if (field, v) not in self._asked}
                  for field, values in _wanted(candidates).items()}
        rows = _registered_with(wanted)
        for field, values in wanted.items():
            self._asked.update((field, v) for v in values)
        for org in rows:
            for field in (*identity.IDENTIFIERS, "name_key"):
                if getattr(org, field):
                    self._by_value.setdefault((field, getattr(org, field)), {})[org.pk] = org

    def like(self, org):
        wanted = _wanted([org])
        if any((field, v) not in self._asked for field, values in wanted.items() for v in values):
            self.read([org])
        found = {}
        for field, values in wanted.items():
            for value in values:
                found.update(self._by_value.get((field, value), {}))
        return list(found.values())

    def planned_like(self, org, planned):
        """The organisations of `planned` ({slug: fields}, planned earlier in the same file)
        other than `org` that share a value with it by which one can refuse the other, in the
        order of `planned`: what comparing `org` with each of them would refuse, without
        building and comparing every one for every row."""
        for slug in [s for s in self._planned if s not in planned]:
            self._forget(slug)
        for slug, fields in planned.items():
            held = self._planned.get(slug)
            if held is not None and held[0] == fields:
                continue
            if held is not None:
                self._forget(slug)
            other = candidate(slug=slug, **fields)
            # unsaved: told apart by their place
            other.pk = -1 - self._order.setdefault(slug, len(self._order))
            self._planned[slug] = (dict(fields), other)
            for key in _refusing_keys(other):
                self._planned_keys.setdefault(key, {})[slug] = None
        slugs = {s for key in _refusing_keys(org) for s in self._planned_keys.get(key, ())
                 if s != org.slug}
        return sorted((self._planned[s][1] for s in slugs), key=lambda o: self._order[o.slug])

    def _forget(self, slug):
        _fields, other = self._planned.pop(slug)
        for key in _refusing_keys(other):
            self._planned_keys[key].pop(slug, None)


def check_new_organisations(new, held=()):
    """`check_new_organisation` (confirmed) for many at once, for an import: raise
    DuplicateOrganisation for the first of `new` ({slug: fields}) with the identifier or the
    normalised name of a registered organisation. A resembling name is not refused (a file
    cannot confirm). Reads, in one query, only the registered organisations that could match
    (`registered_like`); `held` are registered organisations as the caller holds them (changed
    by the same import), compared in place of their rows as stored."""
    candidates = {slug: candidate(slug=slug, **fields) for slug, fields in new.items()}
    registered = {o.pk: o for o in registered_like(candidates.values())}
    registered.update({o.pk: o for o in held if o.pk is not None})
    by_key = {}
    for org in registered.values():
        for key in _refusing_keys(org):
            by_key.setdefault(key, []).append(org)
    for org in candidates.values():
        possible = {o.pk: o for key in _refusing_keys(org) for o in by_key.get(key, ())}
        found = [m for m in identity.matches(org, list(possible.values())) if m.refuses]
        if found:
            raise DuplicateOrganisation(found)


def may_change_organisation(actor, organisation):
    return organisation.pk is None or can_change_organisation(actor)


def _derive_level(organisation, fields):
    """The government level follows from the type when `fields` give none: for a new
    organisation, or when its type or subtype changes. An existing one named with its own
    type keeps the level it has (also one the administrator set otherwise), so a row that
    repeats what is registered changes nothing (and needs no administrator)."""
    if "government_level" in fields or "type" not in fields:
        return
    subtype = fields.get("subtype", organisation.subtype)
    if organisation.pk is None or fields["type"] != organisation.type or subtype != organisation.subtype:
        fields["government_level"] = government_level_for(fields["type"], fields.get("subtype", ""))


def _prepared(organisation, given):
    """`given` as `organisation` would store it: unknown fields refused, the government level
    derived (`_derive_level`), the identifiers normalised."""
    unknown = set(given) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    fields = dict(given)
    _derive_level(organisation, fields)
    for field in identity.IDENTIFIERS:
        if field in fields:
            fields[field] = identity.normalise_identifier(field, fields[field])
    return fields


def save_organisation(*, actor, slug, reason="", confirmed=False, **fields):
    """Create or change an organisation; the government level follows from the type unless
    given. Writes (with history) only when a value differs. A new organisation is checked
    against the register first (see check_new_organisation)."""
    organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
    fields = _prepared(organisation, fields)
    changed = [k for k, v in fields.items() if getattr(organisation, k) != v]
    if not changed and organisation.pk:
        return organisation
    if not may_change_organisation(actor, organisation):
        raise PermissionDenied(_("Only the programme administrator may change an existing organisation."))
    if organisation.pk is None:
        check_new_organisation(slug=slug, confirmed=confirmed, **fields)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation._history_user = actor
    organisation._change_reason = reason
    with transaction.atomic():
        organisation.save()
    return organisation


def _refuse_duplicates(order, new, organisations):
    """Raise DuplicateOrganisation for the first new organisation (slugs in `new`, in
    `order`) with the identifier or normalised name of a registered one, as saving them one
    by one in `order` would: compared with the register as it is, but with the organisations
    changed earlier in `order` as changed and the new ones earlier in `order` as added. The
    registered rows that can match any of them are read in one query (`Register`)."""
    if not new:
        return
    candidates = {}
    for i, slug in enumerate(new):
        org = candidate(slug=slug, **new[slug])
        org.pk = -1 - i  # unsaved: tell them apart
        candidates[slug] = org
    register = Register()
    register.read(candidates.values())
    earlier = {}  # _refusing_keys -> [organisation as this call writes it]
    replaced = set()  # pks of registered organisations changed earlier in `order`
    for slug in order:
        org = candidates.get(slug)
        if org is None:  # an existing organisation changed: from here on as changed
            changed = organisations[slug]
            replaced.add(changed.pk)
            for key in _refusing_keys(changed):
                earlier.setdefault(key, []).append(changed)
            continue
        possible = {o.pk: o for o in register.like(org) if o.pk not in replaced}
        possible.update({o.pk: o for key in _refusing_keys(org) for o in earlier.get(key, ())})
        found = [m for m in identity.matches(org, list(possible.values())) if m.refuses]
        if found:
            raise DuplicateOrganisation(found)
        for key in _refusing_keys(org):
            earlier.setdefault(key, []).append(org)


def import_organisations(*, actor, organisations, reason=""):
    """`save_organisation` (confirmed) for many at once, for a spreadsheet import:
    {slug: fields} -> {slug: Organisation}, in one transaction. The same rules: unknown
    fields are refused, the government level follows from the type unless given, the
    identifiers are normalised, an organisation is written (with its history row) only when
    a value differs, only the programme administrator changes an existing one, and a new one
    with the identifier or normalised name of one registered (as saving them in the order
    given would find it) is refused (DuplicateOrganisation; a resembling name is not: a file
    cannot confirm).

    Queries: a fixed number, whatever the count (the rows by slug; the registered rows that
    could refuse the new ones; the new rows with their history; the changed rows with theirs;
    the cache's data versions once)."""
    from simple_history.utils import bulk_update_with_history

    from dealmonitor.utils.bulk import insert_with_history
    from dealmonitor.utils.cache import data_changed

    found = {o.slug: o for o in Organisation.objects.filter(slug__in=list(organisations))}
    out, new, changed = {}, {}, []
    order = []  # (slug, new or changed) in the order given: what one-by-one saving would meet
    for slug, given in organisations.items():
        organisation = found.get(slug) or Organisation(slug=slug)
        out[slug] = organisation
        fields = _prepared(organisation, given)
        if organisation.pk and all(getattr(organisation, k) == v for k, v in fields.items()):
            continue
        if not may_change_organisation(actor, organisation):
            raise PermissionDenied(
                _("Only the programme administrator may change an existing organisation."))
        for name, value in fields.items():
            setattr(organisation, name, value)
        # the slug's uniqueness needs no query per row: read above, and a key of `organisations`
        organisation.full_clean(validate_unique=False)
        if organisation.pk is None:
            new[slug] = fields
        else:
            changed.append(organisation)
        order.append(slug)
    _refuse_duplicates(order, new, out)
    if not new and not changed:
        return out
    with transaction.atomic():
        created = [out[slug] for slug in new]
        for organisation in created:  # what save() computes; a bulk insert skips save()
            organisation.refresh_identity()
        insert_with_history(created, user=actor, reason=reason)
        if changed:
            for organisation in changed:
                organisation.refresh_identity()
            bulk_update_with_history(changed, Organisation, [*ORGANISATION_FIELDS, "name_key"],
                                     default_user=actor, default_change_reason=reason or None)
        data_changed(sender=Organisation)  # the cache's versions, once (no signals in bulk)
    return out


def import_problem(slug, fields, planned, register=None):
    """For a spreadsheet import (imports/checking): the (message, expected) of a new
    organisation that is one registered or planned earlier in the same file, or None. A
    resembling name is no problem here (a file cannot confirm): it is written and the
    duplicates list (`dealmonitor organisations duplicates`) shows it for merging.
    `register`: a `Register` that read the registered rows of the whole file at once (else
    this organisation's are read on their own)."""
    register = register or Register()
    org = candidate(slug=slug, **fields)
    # only the rows that can refuse it (same identifier or normalised name), not every
    # organisation of its type that `duplicates_of` reads for the resemblances
    found = [m for m in identity.matches(org, register.like(org)) if m.refuses]
    if not found:
        found = [m for m in identity.matches(org, register.planned_like(org, planned)) if m.refuses]
    if not found:
        return None
    return (duplicate_message(found),
            _("the identifier of the registered organisation (%(slug)s)") % {"slug": found[0].organisation.slug})

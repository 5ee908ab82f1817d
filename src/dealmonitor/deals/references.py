"""References between deals: one check for every write, whoever writes (a page, the API, an
import).

A row of a deal may point only at rows of the same deal (an effect at an element of its own
pathway, an indicator at an ambition of its own deal, a lesson at its own bottlenecks), and at
shared rows (organisations, people, themes, sources) only when the writer may see them: an
organisation is visible when it takes part in a deal the writer may read. Otherwise a write
could copy what an unpublished deal holds into a published one (an element's title, an
organisation's name), or tie a deal to another deal's data.

`check_references(actor=..., deal=..., instance=... | model=..., values=...)` walks every
foreign key of the row (and the many-to-many links given) and raises ValidationError per
field with one message, the same for a row that does not exist, a row of another deal and a
row the actor may not see, so that the answer tells nothing about hidden rows. The services
call it before they write; the API's serializers and the spreadsheet import call it (or
`ReferenceCheck.error`) to report the problem at its field or cell.

Every kind of row a foreign key can lead to has a rule here; a foreign key to a model without
one raises ImproperlyConfigured, so a new relation cannot slip past (the tests in
deals/tests/test_references.py walk every foreign key of every writable model).
"""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules as deal_rules

# One message for "does not exist", "belongs to another deal" and "you may not see it".
REFERENCE_MESSAGE = _("Unknown, or not allowed here.")

# Rows shipped with the product or owned by the programme, readable by everyone: the
# reference sets (broad prosperity themes, SDGs), the self-assessment templates and their
# statements, the Community of Practice events.
GLOBAL = {
    "impact.referenceset", "impact.referenceitem", "learning.assessmenttemplate",
    "learning.statement", "connections.communityevent",
    # areas (municipalities, districts, neighbourhoods by CBS code): public reference data
    "areas.area",
}

# Rows shared by every deal that uses them: visible to a writer as ReferenceCheck says.
SHARED = {"organisations.organisation", "organisations.person", "deals.theme", "deals.source"}

# Parent links that history.TRACKED does not list (rows that are a history themselves).
_EXTRA_OWNERS = {"deals.phasechange": "deal"}


def _label(model):
    return model._meta.label_lower


@functools.cache
def _owners():
    from .history import TRACKED

    owners = {label: owner for label, _part, owner, _parent in TRACKED if isinstance(owner, str)}
    owners.update(_EXTRA_OWNERS)
    return owners


def owner_field(model):
    """The field that leads from a row of `model` to its deal, directly or through a parent
    row ("deal", "pathway", "indicator", ...); None for rows that belong to no single deal."""
    return _owners().get(_label(model))


def is_deal_owned(model):
    return _label(model) != "deals.deal" and owner_field(model) is not None


def deal_id_of(obj):
    """The id of the deal a deal-owned row belongs to."""
    name = owner_field(type(obj))
    if name is None:
        raise ImproperlyConfigured(f"{_label(type(obj))} does not belong to one deal")
    if name == "deal":
        return obj.deal_id
    return deal_id_of(getattr(obj, name))


class ReferenceCheck:
    """The reference rules for one actor, with what it has looked up kept (an import checks
    thousands of rows that point at the same few organisations)."""

    def __init__(self, actor):
        self.actor = actor
        self._seen = {}

    # shared rows ----------------------------------------------------------------------------

    def _visible_deals(self):
        from .selectors import visible_deals

        return visible_deals(self.actor)

    def _not_in_any_deal(self, obj):
        """Nothing of any deal points at this shared row: it was added but not yet used (an
        organisation an import creates before its participation), so it tells nothing."""
        return obj.pk in self._unused([obj])

    def _unused(self, objs):
        """The pks of those of `objs` (shared rows of one model) that nothing of any deal
        points at (`_not_in_any_deal` for many): a query per relation, not per row."""
        left = {o.pk for o in objs}
        if not left:
            return left
        model = type(next(iter(objs)))
        for rel in model._meta.related_objects:
            related = rel.related_model
            if _label(related) != "deals.deal" and not is_deal_owned(related):
                continue
            used = (related._base_manager.filter(**{f"{rel.field.name}__in": sorted(left)})
                    .values_list(rel.field.attname, flat=True).order_by().distinct())
            left -= set(used)
            if not left:
                break
        return left

    def preload(self, organisations):
        """Ask at once whether the actor may see each of `organisations` (saved ones), as
        `allowed` would one by one: an import names hundreds. Three queries or so, whatever
        their number; `allowed` then answers from what is kept."""
        label = "organisations.organisation"
        todo = [o for o in {o.pk: o for o in organisations}.values()
                if o.pk is not None and (label, o.pk) not in self._seen]
        if not todo or deal_rules.sees_everything(self.actor):
            return
        for pk, visible in self._organisations_visible(todo).items():
            self._seen[(label, pk)] = visible

    def _organisations_visible(self, orgs):
        """{pk: whether the actor may see it} of saved organisations: a ministry (a public
        body; a bottleneck may name any of them), one taking part in a deal the actor may
        read, or one no deal uses yet. A query per rule, whatever their number."""
        from dealmonitor.organisations.constants import OrganisationType

        from .models import Participation

        visible = {o.pk for o in orgs if o.type == OrganisationType.MINISTERIE}
        rest = sorted({o.pk for o in orgs} - visible)
        if rest:
            visible |= set(Participation.objects.filter(
                organisation__in=rest, deal__in=self._visible_deals()).values_list(
                "organisation_id", flat=True).order_by().distinct())
        visible |= self._unused([o for o in orgs if o.pk not in visible])
        return {o.pk: o.pk in visible for o in orgs}

    def _organisation_visible(self, org):
        return self._organisations_visible([org])[org.pk]

    def _person_visible(self, person):
        if person.roles.filter(deal__in=self._visible_deals()).exists():
            return True
        return self._not_in_any_deal(person)

    def _theme_visible(self, theme):
        if theme.deals.filter(pk__in=self._visible_deals()).exists():
            return True
        return not theme.deals.exists()  # a theme of lessons only, or not used yet

    def _source_visible(self, source):
        from .models import Deal

        if Deal.objects.filter(all_sources=source, pk__in=self._visible_deals()).exists():
            return True
        return self._not_in_any_deal(source)

    def _shared_visible(self, label, obj):
        if deal_rules.sees_everything(self.actor):
            return True
        check = {
            "organisations.organisation": self._organisation_visible,
            "organisations.person": self._person_visible,
            "deals.theme": self._theme_visible,
            "deals.source": self._source_visible,
        }[label]
        key = (label, obj.pk)
        if key not in self._seen:
            self._seen[key] = bool(check(obj))
        return self._seen[key]

    # the rule per field ---------------------------------------------------------------------

    def allowed(self, deal, model, field_name, obj):
        """Whether a row of `model` written to `deal` may point at `obj` through `field_name`."""
        kind = rule_for(model, field_name)
        if obj is None:
            return True
        if kind == OWN_DEAL:  # the row's own deal
            return deal is not None and (obj is deal or obj.pk is not None and obj.pk == deal.pk)
        if kind == OTHER_DEAL:  # a link to another deal by design (connections, events)
            return bool(deal_rules.can_view_deal(self.actor, obj))
        if kind == OTHER_DEAL_ROW:  # a row of any readable deal, or of no deal
            owner = deal_of(obj)
            return owner is None or bool(deal_rules.can_view_deal(self.actor, owner))
        if kind == SAME_DEAL:
            if deal is None:
                return False
            if deal.pk is not None:
                key = ("deal", deal.pk)
                if key not in self._seen:
                    self._seen[key] = bool(deal_rules.can_view_deal(self.actor, deal))
                if not self._seen[key]:
                    return False
            return deal_id_of(obj) == deal.pk
        if kind == VISIBLE:
            if obj.pk is None:
                return True  # added by this very write (an import's new organisation)
            return self._shared_visible(_label(type(obj)), obj)
        return True  # GLOBAL, or ACTOR: who recorded it, set by the service from the actor

    def error(self, deal, model, field_name, obj):
        """The message for a reference that is not allowed, or None."""
        return None if self.allowed(deal, model, field_name, obj) else REFERENCE_MESSAGE

    def check(self, *, deal, instance=None, model=None, values=None):
        """Raise ValidationError({field: message}) for every reference of the row that is not
        allowed. `instance`: the row as it will be saved (all its foreign keys are checked);
        `values`: {field name: row or rows} for many-to-many links, or for the fields of a row
        not built yet (`model` then says which)."""
        model = model or type(instance)
        refs = {}
        if instance is not None:
            for field in model._meta.concrete_fields:
                if field.is_relation and getattr(instance, field.attname) is not None:
                    refs[field.name] = [getattr(instance, field.name)]
        for name, value in (values or {}).items():
            if value is None:
                continue
            refs[name] = list(value) if _is_many(model, name) else [value]
        errors = {name: REFERENCE_MESSAGE for name, objs in refs.items()
                  if any(not self.allowed(deal, model, name, o) for o in objs)}
        if errors:
            raise ValidationError(errors)


OWN_DEAL, OTHER_DEAL, SAME_DEAL, VISIBLE, ANYONE, ACTOR, OTHER_DEAL_ROW = (
    "own deal", "other deal", "same deal", "visible", "anyone", "actor", "other deal's row")

# Relations to a row of another deal by design: the offer a need's poster marks (ecosystem)
# may be posted in any deal the writer may read, or by an organisation outside a deal.
ACROSS_DEALS = {("ecosystem.matchmark", "offer")}


def rule_for(model, field_name):
    """Which rule holds for the relation `model.field_name`: the row's own deal, another deal
    (must be readable), a row of the same deal, a shared row the writer must see, a row
    anyone may name, or a user the service sets. ImproperlyConfigured for a relation to a
    kind of row without a rule: add one here before such a relation can be written."""
    related = model._meta.get_field(field_name).related_model
    label = _label(related)
    if label == "deals.deal":
        return OWN_DEAL if field_name == owner_field(model) else OTHER_DEAL
    if (_label(model), field_name) in ACROSS_DEALS:
        return OTHER_DEAL_ROW
    if is_deal_owned(related):
        return SAME_DEAL
    if label in SHARED:
        return VISIBLE
    if label in GLOBAL:
        return ANYONE
    if label == settings.AUTH_USER_MODEL.lower():
        return ACTOR
    raise ImproperlyConfigured(
        f"No reference rule for {_label(model)}.{field_name} -> {label}: add one to "
        "deals/references.py"
    )


def _is_many(model, name):
    return model._meta.get_field(name).many_to_many


def check_references(*, actor, deal, instance=None, model=None, values=None):
    """See ReferenceCheck.check: the one check every service runs before it writes."""
    ReferenceCheck(actor).check(deal=deal, instance=instance, model=model, values=values)


def relation_fields(model):
    """The foreign-key and many-to-many fields of `model` a write can set."""
    return [f for f in model._meta.get_fields()
            if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)]


def deal_of(obj):
    """The deal a row belongs to (following its parent rows), or None for rows of no deal."""
    name = owner_field(type(obj))
    if name is None:
        return None
    parent = getattr(obj, name)
    return parent if name == "deal" else deal_of(parent)


def check_row(*, actor, instance, values=None, deal=None):
    """check_references for a row about to be saved; its deal follows from the row itself
    unless given."""
    if deal is None:
        deal = deal_of(instance)
    check_references(actor=actor, deal=deal, instance=instance, values=values)


def check_partner(*, deal, organisation, field="organisation"):
    """A row of a deal written for an organisation (a post of needs and offers) needs that
    organisation to be a partner of the deal. Run after check_references, so an organisation
    the writer may not see gets the one reference message first."""
    from django.utils.translation import gettext

    from .models import Participation

    if deal is None or organisation is None:
        return
    if not Participation.objects.filter(deal=deal, organisation=organisation).exists():
        raise ValidationError({field: gettext("This organisation is not a partner of this deal.")})

"""Finding and merging duplicate organisations.

The register knows nothing of the apps above it, so a merge finds what points at an
organisation generically, from Django's model metadata: every foreign key and many-to-many
field of every installed model whose target is Organisation (history tables excepted: they
keep what each organisation was). Rows of the duplicate move to the kept organisation; where
that would break a unique constraint (both organisations in one deal, both answered one
statement) the kept organisation's row stays, takes the values it lacked from the duplicate's
row, and the duplicate's row is removed. Everything done is recorded in a `Merge`, so the merge
can be undone, and the duplicate's address redirects to the kept organisation."""

import json
from dataclasses import dataclass

from django.apps import apps
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ForeignKey, ManyToManyField, OneToOneField, UniqueConstraint
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges
from simple_history.utils import bulk_update_with_history

from dealmonitor.utils.cache import data_changed

from . import identity
from .models import Merge, Organisation
from .rules import can_change_organisation

REASON = "merge"


@dataclass(frozen=True)
class Pair:
    """Two registered organisations that are probably one, with the reason."""

    keep: Organisation
    duplicate: Organisation
    match: identity.Match

    def as_dict(self):
        return {
            "keep": {"slug": self.keep.slug, "name": self.keep.name, "type": self.keep.type},
            "duplicate": {"slug": self.duplicate.slug, "name": self.duplicate.name,
                          "type": self.duplicate.type},
            "reason": self.match.reason,
            "field": self.match.field,
            "score": round(self.match.score, 1),
            "explanation": str(self.match.describe()),
        }


def _keep_first(a, b, counts):
    """Which of two organisations to keep: the one with more rows pointing at it, then the one
    with an identifier, then the older."""
    def rank(org):
        has_identifier = any(getattr(org, f) for f in identity.IDENTIFIERS)
        return (-counts.get(org.pk, 0), not has_identifier, org.pk)
    return (a, b) if rank(a) <= rank(b) else (b, a)


def likely_duplicates(organisations=None):
    """Pairs of registered organisations that are probably one, strongest reason first."""
    rows = list(organisations if organisations is not None else Organisation.objects.all())
    for org in rows:
        if not org.name_key:  # written around the model (bulk loads): compute as save would
            org.refresh_identity()
    counts = {}
    for model, field in pointing_fields():
        if isinstance(field, ManyToManyField):
            continue
        for pk in model._default_manager.filter(**{f"{field.name}__isnull": False}).values_list(
                field.attname, flat=True):
            counts[pk] = counts.get(pk, 0) + 1
    pairs, seen = [], set()
    for org in rows:
        for match in identity.matches(org, rows):
            key = frozenset((org.pk, match.organisation.pk))
            if key in seen:
                continue
            seen.add(key)
            keep, duplicate = _keep_first(org, match.organisation, counts)
            pairs.append(Pair(keep, duplicate, match))
    order = {"identifier": 0, "name": 1, "similar": 2}
    return sorted(pairs, key=lambda p: (order[p.match.reason], -p.match.score, p.keep.name))


def pointing_fields():
    """(model, field) for every relation to Organisation outside the history tables."""
    found = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or model is Merge:
            continue
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if (isinstance(field, (ForeignKey, ManyToManyField))
                    and field.related_model is Organisation):
                found.append((model, field))
    return found


def _unique_sets(model, field):
    """(other fields, condition) of each uniqueness rule of `model` that includes `field`."""
    rules = []
    if isinstance(field, OneToOneField) or field.unique:
        rules.append(((), None))
    for fields in model._meta.unique_together:
        if field.name in fields:
            rules.append((tuple(f for f in fields if f != field.name), None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and field.name in (constraint.fields or ()):
            rules.append((tuple(f for f in constraint.fields if f != field.name), constraint.condition))
    return rules


def _twin(model, field, row, keep):
    """The kept organisation's row that `row` (the duplicate's) would collide with, or None."""
    for others, condition in _unique_sets(model, field):
        rows = model._default_manager.filter(**{field.name: keep})
        if condition is not None:
            if not model._default_manager.filter(condition, pk=row.pk).exists():
                continue
            rows = rows.filter(condition)
        twin = rows.filter(**{f: getattr(row, model._meta.get_field(f).attname)
                              for f in [model._meta.get_field(o).name for o in others]}).first()
        if twin is not None:
            return twin
    return None


def _blank(value):
    return value is None or value == "" or value == [] or value == {}


def _serialize(instances):
    return json.loads(serializers.serialize("json", instances))


def _with_history(model, rows, fields, actor, reason):
    """Update `rows` in bulk with their history, and name them to the cache (a bulk update
    sends no signal per row: the figures kept of their deals and indicators count again)."""
    if not rows:
        return
    if getattr(model._meta, "simple_history_manager_attribute", None):
        bulk_update_with_history(rows, model, fields, default_user=actor,
                                 default_change_reason=reason)
    else:
        model._default_manager.bulk_update(rows, fields)
    data_changed(sender=model, rows=rows)


def merge_organisations(*, actor, keep, duplicate, reason=""):
    """Merge `duplicate` into `keep` in one transaction; returns the `Merge` record."""
    if not can_change_organisation(actor):
        raise PermissionDenied(_("Only the programme administrator may merge organisations."))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("An organisation cannot be merged with itself."))
    label = f"{REASON}: {duplicate.slug} → {keep.slug}"[:100]
    with transaction.atomic():
        keep = Organisation.objects.select_for_update().get(pk=keep.pk)
        duplicate = Organisation.objects.select_for_update().get(pk=duplicate.pk)
        record = Merge(kept=keep, kept_slug=keep.slug, duplicate_slug=duplicate.slug,
                       duplicate_name=duplicate.name, duplicate_data=_serialize([duplicate]),
                       reason=reason[:300], merged_by=actor)
        moved, filled, removed = {}, {}, []

        # identifiers the kept organisation lacks come from the duplicate
        own = {f: getattr(keep, f) for f in (*identity.IDENTIFIERS, "subtype")
               if _blank(getattr(keep, f)) and not _blank(getattr(duplicate, f))}
        if own:
            filled.setdefault("organisations.organisation", {})[str(keep.pk)] = own
        for model, field in pointing_fields():
            key = f"{model._meta.label_lower}.{field.name}"
            if isinstance(field, ManyToManyField):
                through = field.remote_field.through
                source = field.m2m_reverse_field_name()
                owner = field.m2m_field_name()
                links = list(through._default_manager.filter(**{source: duplicate}))
                has_keep = set(through._default_manager.filter(**{source: keep}).values_list(
                    f"{owner}_id", flat=True))
                for link in links:
                    if getattr(link, f"{owner}_id") in has_keep:
                        removed.extend(_serialize([link]))
                        link.delete()
                    else:
                        setattr(link, source, keep)
                        link.save()
                        moved.setdefault(f"{through._meta.label_lower}.{source}", []).append(link.pk)
                continue
            rows = list(model._default_manager.filter(**{field.name: duplicate}))
            to_move = []
            for row in rows:
                twin = _twin(model, field, row, keep)
                if twin is None:
                    setattr(row, field.name, keep)
                    to_move.append(row)
                    continue
                # the kept organisation already has this row: it takes what it lacked
                changes = {}
                for f in model._meta.concrete_fields:
                    if f.primary_key or f is field:
                        continue
                    mine, theirs = getattr(twin, f.attname), getattr(row, f.attname)
                    if _blank(mine) and not _blank(theirs):
                        changes[f.attname] = mine
                        setattr(twin, f.attname, theirs)
                if changes:
                    filled.setdefault(model._meta.label_lower, {})[str(twin.pk)] = changes
                    _with_history(model, [twin], list(changes), actor, label)
                collector = Collector(using=router.db_for_write(model))
                collector.collect([row])
                for instances in collector.data.values():
                    removed.extend(_serialize(list(instances)))
                row._history_user = actor
                row._change_reason = label
                row.delete()
            if to_move:
                _with_history(model, to_move, [field.name], actor, label)
                moved[key] = [row.pk for row in to_move]
        for f, _old in own.items():
            setattr(keep, f, getattr(duplicate, f))
        record.moved, record.filled, record.removed = moved, filled, removed
        duplicate._history_user = actor
        duplicate._change_reason = label
        duplicate.delete()
        if own:
            keep._history_user = actor
            keep._change_reason = label
            keep.save()
        record.save()
    return record


def undo_merge(*, actor, merge):
    """Put the merged organisation back, with every row as it was before the merge."""
    if not can_change_organisation(actor):
        raise PermissionDenied(_("Only the programme administrator may undo a merge."))
    label = f"{REASON} undone: {merge.duplicate_slug}"[:100]
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError(_("This merge has already been undone."))
        if Organisation.objects.filter(slug=merge.duplicate_slug).exists():
            raise ValidationError(_("The identifier %(slug)s is in use again.") % {"slug": merge.duplicate_slug})
        for item in serializers.deserialize("json", json.dumps(merge.duplicate_data)):
            duplicate = item.object
            duplicate._history_user = actor
            duplicate._change_reason = label
            duplicate.save(force_insert=True)
        for item in serializers.deserialize("json", json.dumps(merge.removed)):
            item.save()
        for label_lower, rows in merge.filled.items():
            model = apps.get_model(label_lower)
            for pk, values in rows.items():
                row = model._default_manager.get(pk=pk)
                for attname, value in values.items():
                    setattr(row, attname, value)
                _with_history(model, [row], list(values), actor, label)
        for key, pks in merge.moved.items():
            app_label, model_name, field_name = key.split(".")
            model = apps.get_model(app_label, model_name)
            rows = list(model._default_manager.filter(pk__in=pks))
            for row in rows:
                setattr(row, field_name, duplicate)
            _with_history(model, rows, [field_name], actor, label)
        merge.undone_at = timezone.now()
        merge.undone_by = actor
        merge.save(update_fields=["undone_at", "undone_by"])
    return duplicate


def merged_into(slug):
    """The organisation an old identifier was merged into (following later merges), or None."""
    seen = set()
    while slug not in seen:
        seen.add(slug)
        merge = Merge.objects.filter(duplicate_slug=slug, undone_at__isnull=True).first()
        if merge is None:
            return None
        org = Organisation.objects.filter(slug=merge.kept_slug).first()
        if org is not None:
            return org
        slug = merge.kept_slug
    return None

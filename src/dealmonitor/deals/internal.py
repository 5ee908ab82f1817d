"""Which data of a deal is internal: never on public pages, never in the open data, never shown
to a user without `can_view_internal` for the deal (deals/rules.py).

Serialisers, exports, reports and templates consult this registry rather than listing fields
themselves, so marking a field internal here hides it everywhere that asks.

- `INTERNAL_FIELDS`: per model (its label, `app.model` in lower case), the internal fields.
- `INTERNAL_MODELS`: models whose rows are internal as a whole.
- Rows that are internal by their state: a bottleneck that is not resolved
  (`bottleneck_is_internal`, `public_bottlenecks`).
"""

from django.db.models import Q

from .registry import INTERNAL_FIELDS, INTERNAL_MODELS

# INTERNAL_FIELDS and INTERNAL_MODELS are registered by each app in its AppConfig.ready()
# (deals/registry.py).

# Bottleneck statuses that are public: the bottleneck was resolved.
PUBLIC_BOTTLENECK_STATUSES = ("opgelost",)


def _label(model_or_label):
    if isinstance(model_or_label, str):
        return model_or_label.lower()
    return model_or_label._meta.label_lower


def internal_fields(model_or_label):
    """The internal field names of a model (a model class, an instance or its label)."""
    label = _label(model_or_label)
    if label in INTERNAL_MODELS:
        from django.apps import apps

        return tuple(f.name for f in apps.get_model(label)._meta.concrete_fields)
    return tuple(INTERNAL_FIELDS.get(label, ()))


def is_internal(model_or_label, field_name=None):
    """Is the model (field_name None) or one of its fields internal?"""
    label = _label(model_or_label)
    if label in INTERNAL_MODELS:
        return True
    return field_name is not None and field_name in INTERNAL_FIELDS.get(label, ())


def public_fields(model_or_label, names):
    """`names` without the internal ones, in their order."""
    hidden = set(internal_fields(model_or_label))
    return [n for n in names if n not in hidden]


def strip_internal(model_or_label, data):
    """A copy of the dict `data` (field name -> value) without internal fields."""
    hidden = set(internal_fields(model_or_label))
    return {k: v for k, v in data.items() if k not in hidden}


def bottleneck_is_internal(bottleneck):
    return bottleneck.status not in PUBLIC_BOTTLENECK_STATUSES


def public_bottlenecks_q(prefix=""):
    """A filter for bottlenecks anyone who may read their deal may see (the resolved ones)."""
    return Q(**{f"{prefix}status__in": PUBLIC_BOTTLENECK_STATUSES})

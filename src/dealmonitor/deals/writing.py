"""The one write path of the domain services. Every service that writes a row of a deal goes
through these helpers, so that every write does the same four things, in this order:

1. `check(predicate, actor, obj, message)`: may the actor do this (rules predicate)?
2. `assign(instance, fields, allowed)`: only the fields the service names, no others;
3. `save(instance, actor, reason=..., relations=...)`: every reference of the row checked
   against its deal and the actor's visibility (deals/references.py), the row validated
   (`full_clean`), and saved with a history entry that names the actor and the reason;
4. `set_links(...)`: many-to-many links set with one history entry (deals/history.py).

`delete(instance, actor, reason)` removes a row with the same history. Views never save; they
call a service (docs/development.md)."""

from django.core.exceptions import PermissionDenied

from .history import set_relations
from .references import check_row


def check(predicate, actor, obj, message):
    if not predicate(actor, obj):
        raise PermissionDenied(message)


def assign(instance, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def save(instance, actor, reason="", exclude=(), relations=None, validate=True):
    """Check the row's references and fields, then save it with history. `validate=False`
    skips `full_clean` (for rows whose fields the service has just computed itself)."""
    check_row(actor=actor, instance=instance, values=relations)
    if validate:
        instance.full_clean(exclude=list(exclude))
    instance._history_user = actor
    instance._change_reason = reason
    instance.save()
    return instance


def delete(instance, actor, reason=""):
    instance._history_user = actor
    instance._change_reason = reason
    instance.delete()


def set_links(instance, *, actor, reason="", record=True, **relations):
    return set_relations(instance, actor=actor, reason=reason, record=record, **relations)

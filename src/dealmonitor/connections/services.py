"""The only code that writes connections data. Each service checks permission, runs in one
transaction and leaves a history entry (django-simple-history) for every row it changes.
The stored suggestions are derived data, rewritten by the engine (`related.py`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealmonitor.deals import writing
from dealmonitor.deals.history import set_relations
from dealmonitor.deals.references import check_references

from . import related
from . import rules as connection_rules
from .constants import DecisionStatus, LinkKind
from .models import CommunityEvent, Connection, EventLesson, EventTable


def _ordered(deal, other):
    if deal.pk == other.pk:
        raise ValidationError(_("A deal cannot be connected to itself."))
    return (deal, other) if deal.pk < other.pk else (other, deal)


def _save(instance, actor, reason):
    # Other deals only when the actor may read them (the reference check of writing.save).
    return writing.save(instance, actor, reason, validate=False)


def decide_connection(*, actor, deal, other, status, kind="", note="", event=None):
    """Confirm (with the kind of link) or dismiss (with a reason) the pair deal–other.
    A later decision on the same pair replaces the earlier one; history keeps both."""
    if not connection_rules.can_decide_connection(actor, (deal, other)):
        raise PermissionDenied(_("You may not decide on connections of this deal."))
    note = (note or "").strip()
    if status == DecisionStatus.CONFIRMED:
        if kind not in LinkKind.values:
            raise ValidationError({"kind": _("Choose the kind of connection.")})
    elif status == DecisionStatus.DISMISSED:
        if not note:
            raise ValidationError({"note": _("Say why these deals are not related.")})
        kind = ""
    else:
        raise ValidationError({"status": _("Unknown decision.")})
    a, b = _ordered(deal, other)
    with transaction.atomic():
        row = (
            Connection.objects.select_for_update().filter(deal_a=a, deal_b=b).first()
            or Connection(deal_a=a, deal_b=b)
        )
        row.status, row.kind, row.note = status, kind, note
        if event is not None:
            row.event = event
        row.decided_by = actor
        return _save(row, actor, f"{status} from {deal.slug}")


def confirm_connection(*, actor, deal, other, kind, note="", event=None):
    return decide_connection(
        actor=actor, deal=deal, other=other, status=DecisionStatus.CONFIRMED, kind=kind,
        note=note, event=event,
    )


def dismiss_connection(*, actor, deal, other, reason):
    return decide_connection(
        actor=actor, deal=deal, other=other, status=DecisionStatus.DISMISSED, note=reason
    )


def withdraw_decision(*, actor, deal, other):
    """Undo a decision: the pair becomes a plain suggestion again (history keeps the rest)."""
    if not connection_rules.can_decide_connection(actor, (deal, other)):
        raise PermissionDenied(_("You may not decide on connections of this deal."))
    a, b = _ordered(deal, other)
    with transaction.atomic():
        row = Connection.objects.filter(deal_a=a, deal_b=b).first()
        if row is None:
            return False
        row._history_user = actor
        row._change_reason = f"withdrawn from {deal.slug}"
        row.delete()
        return True


def rebuild_suggestions(*, actor):
    """Recompute every deal's related list. Returns (deals, suggestions)."""
    if not connection_rules.can_rebuild_suggestions(actor):
        raise PermissionDenied(_("You may not rebuild the suggestions."))
    return related.build_all()


def update_suggestions(*, actor, deal):
    """Recompute one deal's related list (and the lists it enters or leaves)."""
    if not connection_rules.can_update_deal_suggestions(actor, deal):
        raise PermissionDenied(_("You may not update the suggestions of this deal."))
    return related.update_for_deal(deal.pk)


# -- Community of Practice ------------------------------------------------------------------


def _require_event_manager(actor):
    if not connection_rules.can_manage_events(actor):
        raise PermissionDenied(_("Only the programme team plans Community of Practice events."))


def create_event(*, actor, title, date, place="", deals=()):
    _require_event_manager(actor)
    with transaction.atomic():
        event = _save(
            CommunityEvent(title=title, date=date, place=place, created_by=actor), actor, "created"
        )
        if deals:
            check_references(actor=actor, deal=None, model=CommunityEvent, values={"deals": deals})
            set_relations(event, actor=actor, reason="created", deals=deals)
    return event


def set_event_deals(*, actor, event, deals):
    _require_event_manager(actor)
    check_references(actor=actor, deal=None, model=CommunityEvent, values={"deals": deals})
    with transaction.atomic():
        set_relations(event, actor=actor, reason="deals", deals=deals)
    return event


def save_seating(*, actor, event, tables):
    """Store a seating plan: `tables` is a list of lists of deals, one list per table.
    Replaces an earlier plan; every deal must take part in the event."""
    _require_event_manager(actor)
    taking_part = set(event.deals.values_list("pk", flat=True))
    for table in tables:
        for deal in table:
            if deal.pk not in taking_part:
                raise ValidationError(
                    _("%(deal)s does not take part in this event.") % {"deal": deal.name}
                )
    with transaction.atomic():
        for old in event.tables.all():
            old._history_user = actor
            old._change_reason = "seating replaced"
            old.delete()
        rows = []
        for number, table in enumerate((t for t in tables if t), start=1):
            row = _save(EventTable(event=event, number=number), actor, "seating")
            row.deals.set(table)
            rows.append(row)
    return rows


def record_event_lesson(*, actor, event, text, deal=None):
    _require_event_manager(actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the lesson down.")})
    with transaction.atomic():
        return _save(
            EventLesson(event=event, deal=deal, text=text, recorded_by=actor), actor, "lesson"
        )


def record_event_connection(*, actor, event, deal, other, kind, note=""):
    """A connection found at an event: confirmed, with the event kept on it."""
    _require_event_manager(actor)
    return confirm_connection(actor=actor, deal=deal, other=other, kind=kind, note=note,
                              event=event)

"""Keep the stored suggestions fresh: a change to a deal's data updates that deal's related
list once its transaction commits (incrementally), or rebuilds all lists after a large
import. Set CONNECTIONS_AUTO_UPDATE = False to leave it to `dealmonitor related --rebuild`."""

import logging
import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from dealmonitor.deals.models import Ambition, Deal, DealFact, Participation, Result, Role

logger = logging.getLogger(__name__)

# More changed deals than this in one transaction: one full rebuild is cheaper.
REBUILD_ABOVE = 20
_pending = threading.local()


def _flush():
    from . import related
    from .models import RelatedSuggestion

    ids = getattr(_pending, "ids", None)
    _pending.ids = set()
    if not ids:
        return
    if len(ids) > REBUILD_ABOVE or not RelatedSuggestion.objects.exists():
        related.build_all()
    else:
        for pk in sorted(ids):
            related.update_for_deal(pk)


def mark_changed(deal_id):
    if deal_id is None or not settings.CONNECTIONS_AUTO_UPDATE:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(deal_id)
    transaction.on_commit(_flush, robust=True)


def _deal_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # a fixture or a restore writes the stored suggestions as they were
        mark_changed(instance.pk)


def _part_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_changed(instance.deal_id)


def _themes_changed(sender, instance, action, **kwargs):  # m2m_changed has no raw flag
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Deal):
        mark_changed(instance.pk)


def connect():
    post_save.connect(_deal_saved, sender=Deal, dispatch_uid="connections-deal")
    for model in (Participation, Role, Ambition, Result, DealFact):
        post_save.connect(_part_saved, sender=model, dispatch_uid=f"connections-{model.__name__}")
    # Removing a partner or a person changes the ranking; removing a text hardly does, and
    # every receiver makes Django fetch rows before a bulk delete, so only these two.
    for model in (Participation, Role):
        post_delete.connect(
            _part_saved, sender=model, dispatch_uid=f"connections-del-{model.__name__}"
        )
    m2m_changed.connect(_themes_changed, sender=Deal.themes.through,
                        dispatch_uid="connections-themes")

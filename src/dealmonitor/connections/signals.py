"""Keep the stored suggestions fresh: a change to a deal's data queues a background task
(connections/tasks.py) that updates that deal's related list, once its transaction commits
and RELATED_UPDATE_DELAY seconds later, so a burst of changes to one deal (a form saved five
times, an import of its partners) costs one update: the task for a deal that is already
waiting in the queue takes the later changes with it. After a large import, one task
rebuilds all lists. Set CONNECTIONS_AUTO_UPDATE = False to leave it to `dealmonitor related
--rebuild`."""

import datetime as dt
import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from dealmonitor.deals.models import Ambition, Deal, DealFact, Participation, Result, Role
from dealmonitor.deals.signals import rows_imported

logger = logging.getLogger(__name__)

# More changed deals than this in one transaction: one full rebuild is cheaper.
REBUILD_ABOVE = 20
_pending = threading.local()


def waiting_key(deal_id):
    """The cache key that says an update of this deal's related list is waiting in the queue."""
    return f"connections:related-update-waiting:{deal_id}"


def schedule_update(deal_id):
    """Queue one update of the related list of `deal_id`, unless one is already waiting.
    With a backend that cannot defer (the immediate backend of the tests) it runs now."""
    from . import tasks

    delay = settings.RELATED_UPDATE_DELAY
    if delay <= 0 or not tasks.update_related.get_backend().supports_defer:
        tasks.update_related.enqueue(deal_id)
        return
    # cache.add is atomic in every cache backend: of two requests at once, one queues.
    if cache.add(waiting_key(deal_id), 1, timeout=int(delay) + 600):
        run_after = timezone.now() + dt.timedelta(seconds=delay)
        tasks.update_related.using(run_after=run_after).enqueue(deal_id)


def _flush():
    from . import index, tasks
    from .models import RelatedSuggestion

    ids = getattr(_pending, "ids", None)
    _pending.ids = set()
    if not ids:
        return
    # Nothing built yet: neither lists nor the similarity index (a rebuild writes the index
    # even where no pair is related enough for a list, so empty lists alone do not mean that).
    never_built = not index.is_built() and not RelatedSuggestion.objects.exists()
    if len(ids) > REBUILD_ABOVE or never_built:
        tasks.rebuild_related.enqueue()
    else:
        for pk in sorted(ids):
            schedule_update(pk)


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


def _rows_imported(sender, deal_ids=(), **kwargs):
    """Rows of these deals written in bulk (deals/signals.py): as if each was saved."""
    if sender in (Deal, Participation, Role, Ambition, Result, DealFact):
        for deal_id in deal_ids:
            mark_changed(deal_id)


def _deal_deleted(sender, instance, **kwargs):
    # Before its index rows go with it: the stems it used count one deal less. Whatever
    # CONNECTIONS_AUTO_UPDATE says: the counts are part of the stored index.
    from . import index

    index.forget(instance.pk)


def connect():
    pre_delete.connect(_deal_deleted, sender=Deal, dispatch_uid="connections-deal-deleted")
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
    rows_imported.connect(_rows_imported, dispatch_uid="connections-rows-imported")

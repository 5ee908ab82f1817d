"""The related-deal update as background tasks (Django's task framework; queued by
connections/signals.py after a change; docs/decisions/0007)."""

from django.core.cache import cache
from django_tasks import task


@task()
def update_related(deal_id):
    """Recompute the related list of one deal (`related.update_for_deal`)."""
    from . import related
    from .signals import waiting_key

    # From here on a new change queues a new update: this one may have read the data before it.
    cache.delete(waiting_key(deal_id))
    related.update_for_deal(deal_id)


@task()
def rebuild_related():
    """Recompute every deal's related list (`related.build_all`), after a large import."""
    from . import related

    related.build_all()

"""The related-deal update after a change is a background task, debounced per deal: a burst
of changes to one deal queues one deferred update; a change after that update started
queues the next. Run with the dummy backend (it keeps what is queued without running it),
so this also shows the tasks carry only JSON (what a Celery or any other backend needs)."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from dealmonitor.connections import signals
from dealmonitor.connections.models import RelatedSuggestion
from dealmonitor.deals.tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def updates(queue, name="update_related"):
    return [r for r in queue.results if r.task.module_path == f"dealmonitor.connections.tasks.{name}"]


@pytest.fixture(autouse=True)
def nothing_pending():
    """Deals made by the factories outside a captured commit leave nothing waiting."""
    yield
    signals._pending.ids = set()


def made(*deals):
    signals._pending.ids = set()  # their creation was never committed (the test's transaction)
    return deals


def change(deal, text, capture):
    with capture(execute=True):
        deal.description = text
        deal.save()


def test_a_burst_of_changes_to_one_deal_queues_one_deferred_update(
        queue, django_capture_on_commit_callbacks):
    deal, other = made(DealFactory(), DealFactory())
    RelatedSuggestion.objects.create(deal=other, other=deal, rank=1, score=0.5)  # lists exist
    cache.delete(signals.waiting_key(deal.pk))
    before = timezone.now()
    for text in ("een", "twee", "drie"):
        change(deal, text, django_capture_on_commit_callbacks)

    (update,) = updates(queue)
    assert update.args == [deal.pk] and update.kwargs == {}
    json.dumps([update.args, update.kwargs])  # what any broker can carry
    assert update.task.run_after >= before + dt.timedelta(seconds=10)
    assert updates(queue, "rebuild_related") == []

    # The update starts (a worker calls it): from then on a change queues the next one.
    update.task.call(*update.args)
    change(deal, "vier", django_capture_on_commit_callbacks)
    assert [u.args for u in updates(queue)] == [[deal.pk], [deal.pk]]


def test_changes_to_two_deals_queue_one_update_each(queue, django_capture_on_commit_callbacks):
    a, b = made(DealFactory(), DealFactory())
    RelatedSuggestion.objects.create(deal=a, other=b, rank=1, score=0.5)
    for deal in (a, b):
        cache.delete(signals.waiting_key(deal.pk))
    for deal in (a, b, a, b):
        change(deal, f"tekst {deal.pk}", django_capture_on_commit_callbacks)
    assert sorted(u.args[0] for u in updates(queue)) == sorted([a.pk, b.pk])


def test_without_any_lists_yet_one_rebuild_is_queued(queue, django_capture_on_commit_callbacks):
    (deal,) = made(DealFactory())
    change(deal, "eerste", django_capture_on_commit_callbacks)
    assert len(updates(queue, "rebuild_related")) == 1 and updates(queue) == []


def test_deals_imported_in_bulk_get_their_related_deals(queue, django_capture_on_commit_callbacks):
    """The portfolio import writes new deals and their partners in bulk (no post_save): the
    related deals follow as after saving them one by one; a second import that changes
    nothing queues nothing."""
    from pathlib import Path

    from django.conf import settings

    from dealmonitor.deals.importer import parse_portfolio
    from dealmonitor.deals.models import Deal
    from dealmonitor.deals.services import import_portfolio

    records = parse_portfolio(json.loads(Path(settings.DEMO_DATA_FILE).read_text("utf-8")))
    deal, = made(DealFactory())
    RelatedSuggestion.objects.create(deal=deal, other=DealFactory(), rank=1, score=0.5)  # lists exist
    signals._pending.ids = set()
    with django_capture_on_commit_callbacks(execute=True):
        import_portfolio(actor=None, records=records[:3])
    imported = Deal.objects.filter(slug__in=[r.slug for r in records[:3]]).values_list("pk", flat=True)
    assert sorted(u.args[0] for u in updates(queue)) == sorted(imported)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_portfolio(actor=None, records=records[:3])
    assert updates(queue) == [] and updates(queue, "rebuild_related") == []
    with django_capture_on_commit_callbacks(execute=True):  # more than REBUILD_ABOVE deals at once
        import_portfolio(actor=None, records=records)
    assert len(updates(queue, "rebuild_related")) == 1

"""The `demo_data` fixture copies the rows of one import of the demo data into each test's
tables (see DemoSnapshot in src/dealmonitor/conftest.py). These tests hold it to what it stands
for: the tables hold what a real import of the demo file leaves, row for row, in a test's
transaction and in a test that commits (where the related-deal lists are built on commit)."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from dealmonitor.conftest import _DEMO, DemoSnapshot
from dealmonitor.deals.models import Deal, DealFact
from dealmonitor.deals.services import import_portfolio


def table_contents():
    """Rows per table, and what the rows say without their ids, for every table but the
    cache."""
    tables = DemoSnapshot._tables()
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return {
        "rows": {t: n for t, n in counts.items() if n},
        "deals": sorted(Deal.objects.values_list("slug", "name", "status", "phase",
                                                 "is_published")),
        "facts": sorted(DealFact.objects.values_list("deal__slug", "field", "note")),
        "history": sorted(Deal.history.values_list("slug", "history_type",
                                                   "history_change_reason")),
    }


@pytest.mark.django_db
def test_the_copied_demo_data_is_what_the_import_writes(demo_records):
    with transaction.atomic():
        report = _DEMO.load(demo_records)
        copied = table_contents()
        transaction.set_rollback(True)
    assert _DEMO.snapshots, "the copy was not used"
    assert copied["rows"]["deals_deal"] == 26

    imported_report = import_portfolio(actor=None, records=demo_records, publish=True)

    assert table_contents() == copied
    assert (report.created, report.updated) == (imported_report.created, imported_report.updated)


@pytest.mark.django_db(transaction=True)
def test_the_copied_demo_data_is_what_a_committed_import_writes(demo_records):
    before = table_contents()["rows"]
    import_portfolio(actor=None, records=demo_records, publish=True)
    imported = table_contents()
    assert imported["rows"]["connections_relatedsuggestion"] > 0  # built on commit
    # Empty every table, as a test that commits leaves them (the migrations' rows too).
    call_command("flush", "--no-input", verbosity=0)

    _DEMO.load(demo_records)

    copied = table_contents()
    written = {t for t, n in imported["rows"].items() if before.get(t) != n}
    assert {t: copied["rows"].get(t) for t in written} == {t: imported["rows"][t] for t in written}
    assert [copied[k] for k in ("deals", "facts", "history")] == [
        imported[k] for k in ("deals", "facts", "history")]


@pytest.mark.django_db
def test_a_test_with_its_own_deals_gets_the_real_import(demo_records):
    from dealmonitor.deals.tests.factories import DealFactory

    DealFactory(slug="cd-eigen")
    _DEMO.load(demo_records)
    assert Deal.objects.count() == 27


@pytest.mark.django_db
def test_the_copied_demo_site_is_what_the_import_and_the_demo_commands_write(demo_records):
    """`demo_site`: the demo with the impact and learning demos on top, copied back."""
    from dealmonitor.conftest import _DEMO_SITE, _build_demo_site
    from dealmonitor.impact.models import Measurement
    from dealmonitor.learning.models import Lesson

    with transaction.atomic():
        _DEMO_SITE.load(demo_records)
        copied = table_contents()
        counts = (Measurement.objects.count(), Lesson.objects.count())
        transaction.set_rollback(True)
    assert _DEMO_SITE.snapshots, "the copy was not used"
    assert all(counts), counts

    _build_demo_site(demo_records)

    assert table_contents() == copied
    assert (Measurement.objects.count(), Lesson.objects.count()) == counts

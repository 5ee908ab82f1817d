"""The performance table page keeps its table's layout and each indicator's rows (the figures
and their HTML) in the cache until something they are computed from changes: a reader sees
every committed change at once, and pays for the computation of a row only after a change to
it."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dealmonitor.deals import services as deal_services
from dealmonitor.impact import selectors, services
from dealmonitor.impact.constants import Level
from dealmonitor.impact.performance_html import layout_tables, row_tables
from dealmonitor.organisations import services as organisation_services
from dealmonitor.utils import cache

pytestmark = pytest.mark.django_db


def page(client, deal, query=""):
    response = client.get(reverse("impact:performance", args=[deal.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def afresh(deal):
    """As right after a change to every row of `deal`'s table: its next page computes the
    whole table (and the versions exist, so counting queries counts the page's own)."""
    cache.bump()
    rows = [t for pk in deal.indicators.values_list("pk", flat=True) for t in row_tables(pk)]
    cache.mark_changed({cache.label(t) for t in [*layout_tables(deal), *rows]})


def table(html):
    return html[html.index('<table class="utrecht-table dm-iptt"'):html.index("</table>")]


@pytest.fixture
def computed(monkeypatch):
    """How often the page computed its table."""
    calls = []
    real = selectors.performance_table

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "performance_table", counting)
    return calls


@pytest.fixture
def measured(numeric):
    services.set_targets(actor=None, indicator=numeric, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023",
         "value": Decimal(40)}])
    return services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=31)


def test_the_table_is_computed_once_until_its_data_changes(client, deal, measured, computed):
    first = table(page(client, deal))
    assert table(page(client, deal)) == first and ">31<" in first
    assert len(computed) == 1
    services.record_measurement(actor=None, indicator=measured.indicator, date=dt.date(2023, 9, 1), value=6)
    assert ">37<" in page(client, deal)  # cumulative: 31 + 6
    assert len(computed) == 2


def test_every_change_to_what_the_table_shows_is_seen_at_once(client, deal, measured, elements):
    page(client, deal)  # kept
    services.update_measurement(actor=None, measurement=measured, value=Decimal(33), reason="typefout")
    assert ">33<" in page(client, deal)
    services.set_targets(actor=None, indicator=measured.indicator, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023",
         "value": Decimal(66)}])
    assert ">66<" in page(client, deal)
    services.save_indicator(actor=None, deal=deal, indicator=measured.indicator, name="Woningen geïsoleerd")
    assert "Woningen geïsoleerd" in page(client, deal)
    services.save_indicator(actor=None, deal=deal, indicator=measured.indicator, element=elements[Level.OUTCOME])
    assert re.search(r"rowgroup colspan=\d+>Outcome", page(client, deal))
    services.withdraw_measurement(actor=None, measurement=measured, reason="dubbel geteld")
    assert ">33<" not in page(client, deal)
    deal_services.save_deal(actor=None, slug=deal.slug, name="Een andere naam", reason="hernoemd")
    deal.refresh_from_db()
    assert "Indicatoren van Een andere naam" in page(client, deal)


def test_a_partner_renamed_is_renamed_in_the_contributions(client, deal, numeric, partner_org, other_org):
    for org, value in ((partner_org, 10), (other_org, 5)):
        services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=value,
                                    reporting_organisation=org)
    assert partner_org.name in page(client, deal, "?bijdragen=1")
    organisation_services.save_organisation(actor=None, slug=partner_org.slug, name="Nieuwe Naam BV",
                                            reason="fusie")
    shown = page(client, deal, "?bijdragen=1")
    assert "Nieuwe Naam BV" in shown and partner_org.name not in shown


def test_each_filter_and_language_has_a_table_of_its_own(client, deal, measured, computed):
    dutch = page(client, deal)
    assert "Indicatoren van" in dutch
    english = client.get("/en" + reverse("impact:performance", args=[deal.slug])).content.decode()
    assert "Indicators of" in english and "Indicatoren van" not in english
    assert 'id="performance-table"' in page(client, deal, "?niveau=output")
    assert 'id="performance-table"' not in page(client, deal, "?niveau=outcome")
    page(client, deal, "?geverifieerd=1")
    assert ">31<" in page(client, deal, "?periode=2023")
    page(client, deal, "?periode=%3Cscript%3E")  # any text: part of the key, never of the markup
    # rows computed for each language, for verified figures only and for other columns (no
    # period is called "<script>"); the levels show rows kept, and so does the period 2023,
    # which is every column the deal has
    assert len(computed) == 4


def test_a_change_in_another_deal_keeps_this_deals_table(client, deal, other_deal, measured, computed):
    """The table's versions are the deal's own: a measurement recorded in one deal does not
    make every other deal's table be computed again."""
    other = services.save_indicator(actor=None, deal=other_deal, name="Elders", kind=measured.indicator.kind)
    page(client, deal)
    services.record_measurement(actor=None, indicator=other, date=dt.date(2023, 6, 1), value=5)
    services.set_targets(actor=None, indicator=other, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023",
         "value": Decimal(9)}])
    page(client, deal)
    assert len(computed) == 1
    services.record_measurement(actor=None, indicator=measured.indicator, date=dt.date(2023, 7, 1), value=1)
    assert ">32<" in page(client, deal)
    assert len(computed) == 2


def test_a_write_that_names_no_row_gives_every_deal_a_new_table(client, deal, measured, computed):
    """Bulk writes (an import) send no signal per row: they mark the table changed, and every
    deal's table is computed again."""
    from dealmonitor.impact.models import Measurement

    page(client, deal)
    cache.data_changed(sender=Measurement)
    page(client, deal)
    assert len(computed) == 2


def test_deleting_an_indicator_or_a_measurement_is_seen_at_once(client, deal, measured, numeric, percentage):
    assert "Woningen verduurzaamd" in page(client, deal)
    services.delete_measurement(actor=None, measurement=measured, reason="fout")
    assert ">31<" not in page(client, deal)
    assert percentage.name in page(client, deal)
    percentage.delete()
    assert percentage.name not in page(client, deal)


def test_every_row_of_a_deal_names_its_deal_for_the_cache(deal, other_deal, measured, elements, partner_org):
    from dealmonitor.connections.models import Connection
    from dealmonitor.deals.registry import ANY_DEAL, deal_scope, row_scope, scopes
    from dealmonitor.impact.models import Element, Measurement, MeasurementPart

    own = (deal_scope(deal.pk),)
    part = MeasurementPart(measurement=Measurement.objects.get(pk=measured.pk), dimension="leeftijd",
                           category="jong", value=1)
    # part -> measurement -> indicator (a version of its own) -> deal
    assert scopes(MeasurementPart, part) == (row_scope("impact.indicator", measured.indicator_id),) + own
    # element -> pathway -> deal; the deal's elements have a version of their own (the
    # performance table's layout)
    assert scopes(Element, elements[Level.OUTPUT]) == own + (deal_scope(deal.pk, Element),)
    assert scopes(type(deal), deal) == own
    assert set(scopes(Connection, Connection(deal_a=deal, deal_b=other_deal))) == {
        deal_scope(deal.pk), deal_scope(other_deal.pk)}
    assert scopes(Measurement, None) == (ANY_DEAL,)  # a bulk write: every deal
    # a cascade's rows come without their parents: every deal, not a query per row
    assert scopes(Measurement, Measurement.objects.get(pk=measured.pk), deleting=True) == (ANY_DEAL,)
    assert scopes(Measurement, Measurement.objects.get(pk=measured.pk))[-1:] == own
    assert scopes(type(partner_org), partner_org) == ()  # no deal's row: its table only


def test_what_one_user_saves_in_the_form_another_sees_in_the_table(client, deal, team_user, measured,
                                                                   django_user_model):
    """Two people at once: a reader keeps the page open while the deal team records a figure
    through the form; the reader's next view has it."""
    from django.test import Client

    reader = Client()
    reader.force_login(django_user_model.objects.create_user("meelezer", is_staff=True))
    assert ">31<" in table(page(reader, deal))
    client.force_login(team_user)
    response = client.post(reverse("impact:measurement_create", args=[deal.slug, measured.indicator.pk]), {
        "date": "2023-09-30", "value": "9", "verification": "zelfgerapporteerd",
    })
    assert response.status_code == 302, response.content.decode()[:500]
    assert ">40<" in table(page(reader, deal))  # cumulative: 31 + 9
    assert ">40<" in table(page(client, deal))


# Rows kept per indicator --------------------------------------------------------------------
#
# After a change the page is computed again, but only the rows of the indicators that changed:
# each indicator's row is kept as well, under its own version (every write of the indicator,
# its targets, measurements and their parts marks it) and the columns it was computed for.


@pytest.fixture
def rows_computed(monkeypatch):
    """The ids of the indicators whose rows each computation of the table computed."""
    calls = []
    real = selectors.performance_table

    def counting(*args, **kwargs):
        table = real(*args, **kwargs)
        calls.append(sorted(r.indicator["id"] for r in table.rows))
        return table

    monkeypatch.setattr(selectors, "performance_table", counting)
    return calls


def computed_whole(client, deal, query=""):
    """The page's table as computed from nothing kept (nothing in the cache counts)."""
    cache.bump()
    return table(page(client, deal, query))


def test_after_a_new_figure_only_its_indicators_row_is_computed_again(client, deal, measured, percentage,
                                                                      milestone, rows_computed):
    numeric = measured.indicator
    page(client, deal)
    assert rows_computed == [sorted([numeric.pk, percentage.pk, milestone.pk])]
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 9, 1), value=6)
    kept = table(page(client, deal))
    assert ">37<" in kept  # cumulative: 31 + 6
    assert rows_computed[1:] == [[numeric.pk]]
    services.record_measurement(actor=None, indicator=percentage, date=dt.date(2023, 10, 1), value=55)
    kept = table(page(client, deal))
    assert rows_computed[2:] == [[percentage.pk]]
    assert kept == computed_whole(client, deal)


def test_a_row_kept_is_the_row_the_whole_table_computes(client, deal, measured, percentage, partner_org,
                                                        other_org):
    """Whatever changed, the page put together from kept rows is the page computed whole: also
    when the change gives the deal a new column (every row then has a new cell), with each filter
    and with the contributions."""
    numeric = measured.indicator
    queries = ["", "?bijdragen=1", "?geverifieerd=1", "?niveau=output", "?periode=2023"]
    for query in queries:
        page(client, deal, query)
    services.record_measurement(actor=None, indicator=percentage, date=dt.date(2023, 3, 1), value=40,
                                reporting_organisation=partner_org)
    services.record_measurement(actor=None, indicator=percentage, date=dt.date(2023, 3, 2), value=50,
                                reporting_organisation=other_org)
    kept = {query: table(page(client, deal, query)) for query in queries}
    assert kept == {query: computed_whole(client, deal, query) for query in queries}
    # a figure past every target: a column of its own ("geen doel") in every row
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2025, 2, 1), value=3)
    kept = {query: table(page(client, deal, query)) for query in queries}
    assert "2025" in kept[""]
    assert kept == {query: computed_whole(client, deal, query) for query in queries}
    # a new target period in one indicator: a new column too
    services.set_targets(actor=None, indicator=percentage, targets=[
        {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "label": "2024",
         "value": Decimal(70)}])
    kept = {query: table(page(client, deal, query)) for query in queries}
    assert ">70<" in kept[""]
    assert kept == {query: computed_whole(client, deal, query) for query in queries}


def test_every_row_under_an_indicator_names_the_indicator_for_the_cache(deal, measured):
    from dealmonitor.deals.registry import deal_scope, row_scope, scopes
    from dealmonitor.impact.models import Indicator, Measurement, MeasurementPart, Target

    numeric = Indicator.objects.get(pk=measured.indicator.pk)
    own = {deal_scope(deal.pk), row_scope(Indicator, numeric.pk)}
    measurement = Measurement.objects.get(pk=measured.pk)
    assert set(scopes(Measurement, measurement)) == own
    assert set(scopes(MeasurementPart, MeasurementPart(measurement=measurement, dimension="leeftijd",
                                                       category="jong", value=1))) == own
    # targets and indicators mark the deal's version of their table too (the table's layout)
    target = Target.objects.filter(indicator=numeric).first()
    assert set(scopes(Target, target)) == own | {deal_scope(deal.pk, Target)}
    assert set(scopes(Indicator, numeric)) == own | {deal_scope(deal.pk, Indicator)}
    assert set(scopes(type(deal), deal)) == {deal_scope(deal.pk)}


def test_after_a_migration_nothing_kept_is_shown(client, deal, measured):
    """A data migration writes without signals: after `migrate` every table is computed anew."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS

    from dealmonitor.impact.models import Measurement

    assert ">31<" in table(page(client, deal))
    Measurement.objects.filter(pk=measured.pk).update(value=Decimal(35))  # as a migration would
    assert ">31<" in table(page(client, deal))  # kept: nothing said it changed
    emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS)
    assert ">35<" in table(page(client, deal))


def test_measurements_imported_in_bulk_have_only_their_indicators_rows_computed(
        client, deal, other_deal, measured, percentage, rows_computed):
    """A spreadsheet's measurements are written in bulk, with no signal per row: the write
    names its rows, so their indicators' versions and deal are marked, not every deal's."""
    from dealmonitor.impact.models import Measurement

    numeric = measured.indicator
    elsewhere = services.save_indicator(actor=None, deal=other_deal, name="Elders", kind=numeric.kind)
    page(client, deal), page(client, other_deal)
    assert len(rows_computed) == 2
    written = services.import_measurements(actor=None, measurements=[
        Measurement(indicator=numeric, date=dt.date(2023, 7, 1), value=Decimal(4)),
        Measurement(indicator=numeric, date=dt.date(2023, 8, 1), value=Decimal(5))])
    assert written == 2
    assert ">40<" in table(page(client, deal))  # cumulative: 31 + 4 + 5
    assert rows_computed[2:] == [[numeric.pk]]
    page(client, other_deal)
    assert len(rows_computed) == 3  # the other deal's row kept
    assert elsewhere.pk not in rows_computed[-1]


def test_a_bulk_writes_labels_walk_each_parent_once(deal, measured, percentage, monkeypatch):
    from dealmonitor.deals import registry
    from dealmonitor.deals.registry import ANY_DEAL, deal_scope, row_scope, scopes_of_rows
    from dealmonitor.impact.models import Measurement, MeasurementPart

    numeric = measured.indicator
    rows = [Measurement(indicator=ind, date=dt.date(2023, 1, d)) for ind in (numeric, percentage)
            for d in range(1, 6)]
    assert set(scopes_of_rows(Measurement, rows)) == {
        deal_scope(deal.pk), row_scope("impact.indicator", numeric.pk),
        row_scope("impact.indicator", percentage.pk)}
    parts = [MeasurementPart(measurement=m, dimension="leeftijd", category="jong") for m in rows]
    assert set(scopes_of_rows(MeasurementPart, parts)) == set(scopes_of_rows(Measurement, rows))
    # parents not loaded are read, a few hundred at most; past that every deal is marked
    loaded = list(Measurement.objects.all())
    assert deal_scope(deal.pk) in scopes_of_rows(Measurement, loaded)
    monkeypatch.setattr(registry, "MANY_READS", 0)
    assert scopes_of_rows(Measurement, list(Measurement.objects.all())) == (ANY_DEAL,)


@pytest.fixture
def level(deal, elements):
    """A level reported by several partners: its figure is the sum of each one's latest level,
    so which organisation reported a figure changes the row."""
    from dealmonitor.impact.constants import Aggregation, IndicatorKind, Meaning

    return services.save_indicator(
        actor=None, deal=deal, name="Deelnemers nu", element=elements[Level.OUTPUT],
        kind=IndicatorKind.NUMERIC, meaning=Meaning.LEVEL, aggregation=Aggregation.CUMULATIVE,
        unit="deelnemers", target_value=Decimal(100))


def test_a_partner_renamed_leaves_the_plain_tables_rows_kept(client, deal, level, partner_org, rows_computed):
    """The plain table names no partner: renaming one anywhere does not make every deal's table
    be computed again (the contributions, which name partners, are: the test above)."""
    services.record_measurement(actor=None, indicator=level, date=dt.date(2023, 6, 1), value=10,
                                reporting_organisation=partner_org)
    first = table(page(client, deal))
    organisation_services.save_organisation(actor=None, slug=partner_org.slug, name="Nieuwe Naam BV",
                                            reason="fusie")
    assert table(page(client, deal)) == first
    assert len(rows_computed) == 1


def test_a_merge_that_moves_figures_has_their_rows_computed_again(client, deal, level, partner_org,
                                                                  other_org, staff_user, rows_computed):
    """Merging moves the duplicate's measurements to the organisation kept, in bulk (no signal
    per row): the merge names them, so the rows whose figures it changed are computed again."""
    from dealmonitor.organisations.merging import merge_organisations, undo_merge

    services.record_measurement(actor=None, indicator=level, date=dt.date(2023, 6, 1), value=10,
                                reporting_organisation=partner_org)
    services.record_measurement(actor=None, indicator=level, date=dt.date(2023, 6, 2), value=5,
                                reporting_organisation=other_org)
    assert ">15<" in table(page(client, deal))  # 10 + 5: each partner's latest level
    merge = merge_organisations(actor=staff_user, keep=partner_org, duplicate=other_org, reason="dubbel")
    for query in ("", "?bijdragen=1"):
        kept = table(page(client, deal, query))
        assert ">15<" not in kept and ">5<" in kept  # one partner now: its latest level
        assert kept == computed_whole(client, deal, query)
    undo_merge(actor=staff_user, merge=merge)  # the measurements go back, in bulk too
    for query in ("", "?bijdragen=1"):
        kept = table(page(client, deal, query))
        assert ">15<" in kept
        assert kept == computed_whole(client, deal, query)


def test_an_organisation_deleted_has_the_rows_of_its_figures_computed_again(client, deal, level, other_org,
                                                                            rows_computed):
    """Deleting an organisation empties the reporting organisation of its measurements in the
    database (SET NULL, no signal per row): those rows are computed again."""
    from dealmonitor.deals.models import Participation

    services.record_measurement(actor=None, indicator=level, date=dt.date(2023, 6, 1), value=10,
                                reporting_organisation=other_org)
    services.record_measurement(actor=None, indicator=level, date=dt.date(2023, 6, 2), value=5)
    assert ">15<" in table(page(client, deal))  # 10 from the partner + 5 from no one in particular
    Participation.objects.filter(organisation=other_org).delete()
    other_org.delete()
    kept = table(page(client, deal))
    assert ">15<" not in kept and ">5<" in kept  # both from no one in particular: the latest
    assert kept == computed_whole(client, deal)

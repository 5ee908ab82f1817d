"""The impact pages through Django's test client: what they show, who may post, how many
queries they need."""

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dealmonitor.deals.models import Deal
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.impact import selectors, services
from dealmonitor.impact.constants import Level
from dealmonitor.ops.generator import FLAGSHIP_SLUG, Spec, generate
from dealmonitor.utils.queries import count_queries

from .test_performance_cache import afresh
from dealmonitor.impact.models import Assumption, Effect, Element, Link, Measurement, ReferenceItem, ReferenceSet

pytestmark = pytest.mark.django_db


def url(name, deal, **kw):
    return reverse(f"impact:{name}", kwargs={"slug": deal.slug, **kw})


# Reference data ----------------------------------------------------------------------------

def test_reference_data_ships_with_source_edition_and_licence():
    bw = ReferenceSet.objects.get(code="brede-welvaart")
    assert bw.edition == "2023" and "CC BY" in bw.licence and "CBS" in bw.attribution
    assert {"Welzijn", "Wonen", "Milieu", "Natuurlijk kapitaal"} <= set(bw.items.values_list("name", flat=True))
    sdg = ReferenceSet.objects.get(code="sdg")
    assert sdg.items.count() == 17
    assert ReferenceItem.objects.get(reference_set=sdg, code="SDG 11").name == "Duurzame steden en gemeenschappen"
    assert "iconen" in sdg.licence  # the restricted icons are not shipped, and the licence says so


# The pathway page and editor -----------------------------------------------------------------

def test_a_deal_without_pathway_says_so(client, deal):
    response = client.get(url("pathway", deal))
    assert response.status_code == 200
    assert b'id="no-pathway"' in response.content
    assert b'name="action" value="create"' not in response.content  # anonymous: no editor


def test_the_team_builds_a_pathway_in_the_browser_forms(client, deal, team_user):
    client.force_login(team_user)
    assert client.post(url("pathway", deal), {"action": "create"}).status_code == 302
    for level, title in [("activiteiten", "Energiecoaches op pad"), ("outcome", "Lagere energierekening")]:
        response = client.post(url("pathway", deal), {
            "action": "element", "element-level": level, "element-title": title,
        })
        assert response.status_code == 302
    cause = Element.objects.get(title="Energiecoaches op pad")
    effect = Element.objects.get(title="Lagere energierekening")
    client.post(url("pathway", deal), {"action": "link", "link-cause": cause.pk, "link-effect": effect.pk})
    link = Link.objects.get()
    client.post(url("pathway", deal), {"action": "assumption", "link": link.pk,
                                        "assumption-text": "Huishoudens volgen het advies op."})
    assumption = Assumption.objects.get()
    client.post(url("pathway", deal), {
        "action": "evidence", "assumption": assumption.pk, "evidence-date": "2023-04-01",
        "evidence-stance": "voor", "evidence-text": "Enquête onder 200 huishoudens.",
        "evidence-url": "https://example.org/enquete", "evidence-new_status": "ondersteund",
    })
    client.post(url("pathway", deal), {
        "action": "pathway", "summary": "", "beneficiary_group": "Huurders met een hoge energierekening",
        "beneficiary_involvement": "Bewonerspanel per wijk",
    })
    client.post(url("pathway", deal), {"action": "element-toggle-ingredient", "element": cause.pk})

    page = client.get(url("pathway", deal)).content.decode()
    assert "Huurders met een hoge energierekening" in page
    assert "Huishoudens volgen het advies op." in page and "Enquête onder 200 huishoudens." in page
    assert 'role="img"' in page and "<title" in page  # the diagram, with its accessible name
    assert page.count("dm-pathway-diagram__arrow") == 1
    assert "dm-pathway-diagram__box--active" in page
    assumption.refresh_from_db()
    assert assumption.status == "ondersteund"
    assert Element.history.filter(history_user=team_user).count() >= 3


def test_editor_errors_are_shown_and_nothing_is_written(client, deal, team_user, elements):
    client.force_login(team_user)
    a = elements[Level.OUTPUT]
    response = client.post(url("pathway", deal), {"action": "link", "link-cause": a.pk, "link-effect": a.pk})
    assert response.status_code == 400
    assert not Link.objects.exists()
    response = client.post(url("pathway", deal), {"action": "element", "element-level": "output", "element-title": ""})
    assert response.status_code == 400
    assert Element.objects.count() == 3


@pytest.mark.parametrize("who", ["outsider", "partner_user"])
def test_others_cannot_post_to_the_editor(client, request, who, deal, pathway):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url("pathway", deal), {"action": "element", "element-level": "output", "element-title": "x"})
    assert response.status_code == 403
    assert not Element.objects.exists()
    assert b'id="add-element"' not in client.get(url("pathway", deal)).content


def test_anonymous_posts_are_sent_to_sign_in(client, deal, pathway):
    response = client.post(url("pathway", deal), {"action": "element", "element-level": "output", "element-title": "x"})
    assert response.status_code == 302 and "/account/" in response["Location"]
    assert not Element.objects.exists()


def test_effects_are_recorded_with_themes_and_goals(client, deal, team_user, pathway):
    client.force_login(team_user)
    wonen = ReferenceItem.objects.get(name="Wonen")
    sdg7 = ReferenceItem.objects.get(code="SDG 7")
    response = client.post(url("effects", deal), {
        "description": "Minder energiearmoede in de wijk", "valence": "positief", "intended": "on",
        "dimension": "sociaal", "who": "Huurders", "tags": [wonen.pk, sdg7.pk],
    })
    assert response.status_code == 302
    effect = Effect.objects.get()
    assert set(effect.tags.all()) == {wonen, sdg7}
    page = client.get(url("effects", deal)).content.decode()
    assert "Minder energiearmoede in de wijk" in page and "SDG 7" in page and "CC BY 4.0" in page
    client.logout()
    response = client.post(url("effects", deal), {"description": "x", "valence": "positief", "dimension": "sociaal"})
    assert response.status_code == 302 and Effect.objects.count() == 1


# Measurements ----------------------------------------------------------------------------

def test_the_measurement_form_shows_the_services_message(client, deal, team_user, percentage):
    client.force_login(team_user)
    response = client.post(url("measurement_create", deal, pk=percentage.pk), {
        "date": "2023-06-30", "value": "104", "verification": "zelfgerapporteerd",
    })
    assert response.status_code == 400
    assert "104" in response.content.decode()
    assert not Measurement.objects.exists()


def test_evidence_files_are_checked_and_served_only_to_the_deal(client, deal, team_user, outsider, numeric,
                                                                settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(team_user)
    fake = SimpleUploadedFile("rapport.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = client.post(url("measurement_create", deal, pk=numeric.pk), {
        "date": "2023-06-30", "value": "12", "verification": "zelfgerapporteerd", "evidence_file": fake,
    })
    assert response.status_code == 400 and not Measurement.objects.exists()
    real = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 een echt rapport", content_type="application/pdf")
    response = client.post(url("measurement_create", deal, pk=numeric.pk), {
        "date": "2023-06-30", "value": "12", "verification": "zelfgerapporteerd", "evidence_file": real,
    })
    assert response.status_code == 302
    m = Measurement.objects.get()
    evidence = reverse("impact:evidence", kwargs={"pk": m.pk})
    download = client.get(evidence)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(outsider)  # the deal is published, its evidence files are internal
    assert client.get(evidence).status_code == 403
    client.logout()
    assert client.get(evidence).status_code == 302
    Deal.objects.filter(pk=deal.pk).update(is_published=False)
    client.force_login(outsider)  # an unpublished deal's measurements do not exist for them
    assert client.get(evidence).status_code == 404


# Performance table -------------------------------------------------------------------------

def _count_queries(fn):
    with count_queries() as counted:
        fn()
    return counted.count


def _small_and_large_deal():
    """Two generated deals: the flagship with 200 indicators (12 quarterly targets each) and
    one with 10."""
    generate(Spec(deals=2, organisations=60, indicators=210, measurements=5250), related=False)
    large = Deal.objects.get(slug=FLAGSHIP_SLUG)
    small = Deal.objects.exclude(pk=large.pk).get()
    assert small.indicators.count() == 10
    return small, large


def test_the_performance_table_needs_the_same_queries_for_10_and_200_indicators():
    small, large = _small_and_large_deal()
    n_small = _count_queries(lambda: selectors.performance_table(small))
    table = selectors.performance_table(large)
    n_large = _count_queries(lambda: selectors.performance_table(large))
    assert len(table.rows) == 200 and len(table.periods) == 12
    # indicators, measurements, targets, values per category (asked for whether or not the deal
    # has a breakdown: the generator gives the flagship's indicators some, the small deal none);
    # the reporting organisations' names come when a page asks for them
    # (impact/tests/test_figures_add_up.py)
    assert n_small == n_large <= 4


def test_one_indicators_figure_is_its_row_of_the_whole_table():
    """The measurement form and its message compute one indicator's row alone: its total and
    its partners' totals are those of its row in the deal's whole table."""
    _small, large = _small_and_large_deal()
    whole = {r.indicator["id"]: r for r in selectors.performance_table(large).rows}
    assert len(whole) == 200
    for pk, row in list(whole.items())[::7]:
        [alone] = selectors.performance_table(large, indicator=pk).rows
        assert alone.total == row.total
        assert [(p.label, p.total) for p in alone.partners] == [(p.label, p.total) for p in row.partners]
    assert _count_queries(lambda: selectors.performance_table(large, indicator=pk)) <= 4


def test_one_indicators_row_with_the_deals_columns_is_its_row_of_the_whole_table():
    """The indicator page shows its row with the deal's periods as columns, cell for cell as
    in the whole table, without computing the other rows."""
    _small, large = _small_and_large_deal()
    first, *_ = large.indicators.order_by("pk")
    # a figure past every target: a column of its own ("geen doel") in every row
    services.record_measurement(actor=None, indicator=first, date=dt.date(2026, 5, 1), value=1)
    for verified_only in (False, True):
        table = selectors.performance_table(large, verified_only=verified_only)
        whole = {r.indicator["id"]: r for r in table.rows}
        for pk in list(whole)[::23]:
            alone = selectors.performance_table(large, indicator=pk, deal_columns=True,
                                                verified_only=verified_only)
            assert alone.periods == table.periods and alone.all_periods == table.all_periods
            assert verified_only or any(p.start.year == 2026 for p in alone.periods)
            [row] = alone.rows
            assert row.cells == whole[pk].cells and row.total == whole[pk].total
            assert [p.cells for p in row.partners] == [p.cells for p in whole[pk].partners]
    assert _count_queries(lambda: selectors.performance_table(large, indicator=pk, deal_columns=True)) <= 6


def test_the_performance_page_needs_the_same_queries_for_10_and_200_indicators(client):
    small, large = _small_and_large_deal()
    afresh(small)  # each page computes its table
    n_small = _count_queries(lambda: client.get(url("performance", small)))
    afresh(large)
    n_large = _count_queries(lambda: client.get(url("performance", large)))
    assert n_small == n_large
    # the deal; the layout's versions and entry, its two queries and its entry written; the
    # days past every target; the rows' versions and entries; the table of the rows not kept
    # (its indicators again, after their versions, and its three); the rows' entries written
    # (each write, within the test's transaction, a savepoint, the write and the cache's size
    # on SQLite: 4)
    assert 3 <= n_large <= 18
    # seen again: the layout and the rows kept (the deal, two cache reads, the days)
    assert _count_queries(lambda: client.get(url("performance", large))) <= 4


@pytest.fixture
def tables_made(monkeypatch):
    """A weak reference to every performance table a page computes, with the garbage
    collector off: what is still alive after the response is kept by a cycle."""
    import gc
    import weakref

    made, real = [], selectors.performance_table

    def kept(*args, **kwargs):
        table = real(*args, **kwargs)
        made.append(weakref.ref(table))
        return table

    monkeypatch.setattr(selectors, "performance_table", kept)
    gc.disable()
    yield made
    gc.enable()


def test_the_performance_page_frees_its_table_without_the_garbage_collector(client, deal, numeric, tables_made):
    """The table is not left to the template's context, which refers to itself: a table kept
    until a collection made the collector walk some 11,000 objects every few pages."""
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=30)
    response = client.get(url("performance", deal))
    assert response.status_code == 200 and "Woningen verduurzaamd" in response.content.decode()
    assert len(tables_made) == 1 and tables_made[0]() is None


def test_the_dashboard_frees_its_table_without_the_garbage_collector(client, deal, numeric, tables_made):
    """As the performance page: the dashboard shows each indicator's end figure, not the whole
    table, so the template's context (which refers to itself) does not keep the table alive."""
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=30)
    response = client.get(url("dashboard", deal))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="indicator-status"' in html
    row = html[html.index(f'href="{url("indicator", deal, pk=numeric.pk)}"'):].split("</tr>")[0]
    assert "Woningen verduurzaamd" in row and "30" in row and "utrecht-status-badge" in row
    assert "dm-example" not in row  # not invented for the demo
    assert len(tables_made) == 1 and tables_made[0]() is None


def test_the_dashboard_marks_an_indicator_invented_for_the_demo(client, deal, numeric, percentage):
    services.save_indicator(actor=None, deal=deal, indicator=numeric, is_example=True)
    html = client.get(url("dashboard", deal)).content.decode()
    rows = {pk: html[html.index(f'href="{url("indicator", deal, pk=pk)}"'):].split("</tr>")[0]
            for pk in (numeric.pk, percentage.pk)}
    assert "dm-example" in rows[numeric.pk] and "dm-example" not in rows[percentage.pk]


def test_missing_data_is_empty_in_the_export_never_zero(client, deal, numeric):
    services.set_targets(actor=None, indicator=numeric, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023", "value": Decimal(40)},
        {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "label": "2024", "value": Decimal(80)},
    ])
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=30)
    rows = list(csv.DictReader(io.StringIO(client.get(url("performance_export", deal, fmt="csv") + "?csv=analyse").content.decode())))
    by_period = {r["periode"]: r for r in rows if r["indicator"] == "Woningen verduurzaamd"}
    assert by_period["2023"]["gerealiseerd"] == "30" and by_period["2023"]["procent_gehaald"] == "75"
    assert by_period["2024"]["gerealiseerd"] == "" and by_period["2024"]["status"] == "geen_gegevens"


@pytest.mark.office
def test_the_excel_export_opens_in_libreoffice(client, deal, numeric, tmp_path):
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice is missing: `make test` installs it (scripts/ensure-system-packages.sh)"
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=30)
    response = client.get(url("performance_export", deal, fmt="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "prestaties.xlsx"
    path.write_bytes(response.content)
    assert load_workbook(path).sheetnames == ["Prestatietabel", "Codeboek"]
    subprocess.run(
        [libreoffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "csv",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    text = (tmp_path / "prestaties.csv").read_text(encoding="utf-8", errors="replace")
    assert "Woningen verduurzaamd" in text and "gerealiseerd" in text


def test_pages_render_for_a_reader(client, deal, numeric, percentage, milestone):
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 6, 1), value=30)
    for name, kw in [("dashboard", {}), ("indicators", {}), ("performance", {}), ("effects", {}),
                     ("pathway", {}), ("indicator", {"pk": numeric.pk})]:
        response = client.get(url(name, deal, **kw))
        assert response.status_code == 200, name
        assert "Woningen verduurzaamd" in response.content.decode() or name in ("effects", "pathway"), name


def test_custom_periods_can_be_given_next_to_calendar_periods(client, deal, team_user, numeric):
    client.force_login(team_user)
    page = url("indicator_targets", deal, pk=numeric.pk)
    assert b'id="start_0"' in client.get(page).content  # custom rows even without calendar periods
    response = client.post(page, {
        "count": "0",
        "start_0": "2022-09-01", "end_0": "2023-02-28", "label_0": "Pilotfase", "value_0": "25",
        "start_1": "2023-03-01", "end_1": "2023-12-31", "label_1": "", "value_1": "60,5",
        "start_2": "", "end_2": "", "label_2": "", "value_2": "",
    })
    assert response.status_code == 302
    targets = list(numeric.targets.order_by("period_start").values_list("label", "value"))
    assert targets == [("Pilotfase", Decimal(25)), ("2023-03-01 – 2023-12-31", Decimal("60.5"))]

    response = client.post(page, {"count": "0", "start_0": "2023-05-01", "end_0": "2023-01-01", "value_0": "5"})
    assert response.status_code == 400
    assert "eindigt vóór" in response.content.decode() or "ends before" in response.content.decode()
    assert numeric.targets.count() == 2  # nothing replaced

"""The synthetic portfolio generator, and the guard behind every scale target: the pages the
benchmark times need the same number of queries for a small and a much larger portfolio."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.urls import reverse

from dealmonitor.accounts.models import User
from dealmonitor.deals.models import Deal
from dealmonitor.impact.models import Indicator, Measurement, Target
from dealmonitor.learning.models import Lesson
from dealmonitor.utils.bench import refuse_own_database
from dealmonitor.ops.bench_pages import SEARCH
from dealmonitor.ops.generator import FLAGSHIP_SLUG, Spec, generate
from dealmonitor.utils.queries import count_queries

pytestmark = pytest.mark.django_db

SMALL = Spec(deals=3, organisations=80, indicators=215, measurements=2_000)
LARGE = Spec(deals=15, organisations=400, indicators=500, measurements=8_000)


def test_a_generated_portfolio_has_the_size_asked_and_one_flagship_of_200_indicators():
    generate(SMALL, seed=5, related=False)
    assert Deal.objects.count() == 3
    assert Indicator.objects.count() == 215
    assert Measurement.objects.count() == 2_000
    flagship = Deal.objects.get(slug=FLAGSHIP_SLUG)
    assert flagship.indicators.count() == 200
    assert Target.objects.filter(indicator__deal=flagship).count() == 200 * 12
    for deal in Deal.objects.all():  # a realistic partner mix: a ministry, a municipality, more
        types = set(deal.participations.values_list("organisation__type", flat=True))
        assert {"ministerie", "gemeente"} <= types and len(types) >= 3
    assert Lesson.objects.exclude(search_stems="").count() == Lesson.objects.count() > 0


def _fingerprint(prefix):
    deals = Deal.objects.filter(slug__startswith=prefix)
    return (
        list(deals.order_by("pk").values_list("name", "status", "phase", "signing_date")),
        Measurement.objects.filter(indicator__deal__in=deals).aggregate(
            n=Count("pk"), total=Sum("value")),
        list(Lesson.objects.filter(deal__in=deals).order_by("pk").values_list("title", "kind")),
    )


def test_the_same_seed_gives_the_same_portfolio_and_another_seed_another():
    generate(SMALL, seed=7, related=False, namespace="a-")
    generate(SMALL, seed=7, related=False, namespace="b-")
    generate(SMALL, seed=8, related=False, namespace="c-")
    assert _fingerprint("a-") == _fingerprint("b-")
    assert _fingerprint("a-") != _fingerprint("c-")


def test_generate_refuses_the_database_dealmonitor_itself_uses(tmp_path, monkeypatch):
    own = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "own.sqlite3")}
    monkeypatch.setattr("dealmonitor.utils.bench.settings",
                        type("Settings", (), {"DATABASES": {"default": own}}))
    with pytest.raises(ValueError):
        refuse_own_database(f"sqlite:///{tmp_path / 'own.sqlite3'}")
    refuse_own_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")  # another one is fine
    monkeypatch.undo()
    with pytest.raises(CommandError):
        call_command("generate", "--scale", "S")  # no database named at all


def _page_counts(client, small_deal, large_deal):
    """Queries per benchmarked page; the whole-portfolio figures computed, not cached."""
    pages = {
        "portfolio": reverse("deals:portfolio"),
        "portfolio filtered": reverse("deals:portfolio") + "?status=lopend&page=1",
        "deal": reverse("deals:detail", args=[small_deal.slug]),
        "deal, large": reverse("deals:detail", args=[large_deal.slug]),
        "performance table": reverse("impact:performance", args=[small_deal.slug]),
        "performance table, 200 indicators": reverse("impact:performance", args=[large_deal.slug]),
        "programme": reverse("learning:programme"),
        "related": reverse("connections:deal", args=[small_deal.slug]),
        "lessons": reverse("learning:lessons"),
        "lessons search": reverse("learning:lessons") + "?q=" + SEARCH,
    }
    counts = {}
    for name, path in pages.items():
        client.get(path)
        cache.clear()
        with count_queries() as counted:
            assert client.get(path).status_code == 200, name
        counts[name] = counted.count
    return counts


def test_the_benchmarked_pages_need_the_same_queries_for_3_and_18_deals(client):
    client.force_login(User.objects.create(username="programma", is_staff=True))
    generate(SMALL, seed=1, namespace="klein-")
    flagship = Deal.objects.get(slug=f"klein-{FLAGSHIP_SLUG}")
    small_deal = Deal.objects.filter(slug__startswith="klein-").exclude(pk=flagship.pk).first()
    before = _page_counts(client, small_deal, flagship)
    # (Two deals may differ by a query: Django skips a prefetch with nothing to fetch.)
    assert before["performance table"] == before["performance table, 200 indicators"]

    generate(LARGE, seed=2, namespace="groot-")
    assert Deal.objects.count() == 18

    assert _page_counts(client, small_deal, flagship) == before


@pytest.mark.own_database
def test_generate_fills_a_database_named_on_the_command_line(tmp_path, capsys,
                                                            migrated_sqlite_copy):
    target = tmp_path / "portfolio.sqlite3"
    # A migrated database without deals, as `generate` makes one (its `migrate` then has
    # nothing to do; migrating an empty file costs about 60 s of CPU).
    if migrated_sqlite_copy is not None:
        migrated_sqlite_copy.rename(target)
    size_before = target.stat().st_size if target.exists() else 0
    call_command("generate", "--scale", "S", "--database-url", f"sqlite:///{target}",
                 "--no-related")
    out = capsys.readouterr().out
    assert "impact.Measurement" in out and "15,000" in out
    assert Path(target).stat().st_size > size_before + 1_000_000


def test_the_lessons_library_shows_25_lessons_a_page_and_counts_them_all(client):
    generate(Spec(deals=12, organisations=150, indicators=220, measurements=500), related=False)
    total = Lesson.objects.filter(visibility="programma", deal__is_published=True).count()
    assert total > 30

    first = client.get(reverse("learning:lessons"))
    second = client.get(reverse("learning:lessons") + "?page=2")

    assert len(first.context["lessons"]) == 25
    assert first.context["page"].paginator.count == total
    shown = {lesson.pk for lesson in first.context["lessons"]} | {
        lesson.pk for lesson in second.context["lessons"]}
    assert len(shown) == 25 + len(second.context["lessons"])  # no lesson on both pages
    assert "Volgende pagina" in first.content.decode()


def test_the_performance_table_of_200_indicators_by_12_quarters_weighs_at_most_250_kb(client):
    """Issue 20: compact markup (no class list per cell); the quarters of each year fold
    behind a <details> toggle in the caption, one per year, the latest begun year open; every
    value stays in the page."""
    import re

    from dealmonitor.accounts.models import User

    generate(SMALL, seed=5, related=False)
    client.force_login(User.objects.create_user("lezer", is_staff=True))
    flagship = Deal.objects.get(slug=FLAGSHIP_SLUG)
    html = client.get(reverse("impact:performance", args=[flagship.slug])).content.decode()
    assert len(html.encode()) <= 250 * 1024, len(html.encode())
    table = html[html.index('id="performance-table"'):html.index("</table>")]
    assert table.count("<tr><th scope=row>") == 200  # one row per indicator
    assert table.count("<td") == 200 * (12 + 1) * 3  # every period and the total, three cells
    years = re.findall(r'<details class="dm-fold y(\d+)"( open)?><summary>(\d{4})', table)
    assert len(years) == 3 and sum(1 for _n, is_open, _y in years if is_open) <= 1
    # of each year's four quarters three fold with it; its last stays in view
    assert table.count("<td class=q1>") == 200 * 3 * 3
    assert "utrecht-table__cell" not in table and "<i class=k>op koers</i>" in table


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics of PostgreSQL")
def test_the_related_deal_suggestions_have_planner_statistics_after_generating():
    """The suggestions are written after the portfolio's statistics are taken. Without their
    own, PostgreSQL planned the related-deals page as a join over every deal (10 ms instead of
    0.1 ms at scale L), and the benchmark blamed the page for a missing ANALYZE."""
    generate(SMALL, seed=3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s",
                       ["connections_relatedsuggestion"])
        assert cursor.fetchone()[0] > 0


def test_every_bench_case_runs_and_reports_its_floor():
    """`dealmonitor bench` at any scale runs these same cases: each must run on a small
    portfolio, page and floor alike (a case that fails is found here, not at scale L)."""
    from dealmonitor.ops import bench_pages

    generate(SMALL, seed=1)
    slow = {"related_rebuild", "import"}  # a full rebuild three times; the demo file's import
    names = [c.name for c in bench_pages.CASES if c.name not in slow]
    results = bench_pages.run(repeat=1, only=names)
    assert sorted(results) == sorted(names)
    for name, result in results.items():
        assert result["median_ms"] > 0 and "median_ms" in result["floor"], name
    # right after a new measurement, the performance table is put together again (one row
    # computed), and after an import every row is computed
    assert results["iptt_page_changed"]["queries"] > results["iptt_page"]["queries"]
    assert results["iptt_page_whole"]["queries"] >= results["iptt_page_changed"]["queries"]

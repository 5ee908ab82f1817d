"""The cases of `dealmonitor bench`: the pages people wait for, each next to its floor.

Every case is timed through Django's test client as a signed-in programme administrator
(the user who sees the most), so middleware, the session, the selectors and the template
all count. Its *floor* is the bare SQL that returns the same figures the page shows, written
by hand against the tables and timed the same way: the ratio page / floor says how much the
application adds on top of the database. See bench/README.md and docs/performance.md.
"""

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from dealmonitor.utils.bench import timed
from dealmonitor.ops.generator import FLAGSHIP_SLUG
from dealmonitor.utils.queries import count_queries

PAGE_SIZE = 50  # deals.views.PAGE_SIZE
LESSONS_PAGE = 25  # learning.views.LESSONS_PER_PAGE
SEARCH = "bewoners wijk"  # two Dutch words many generated lessons share
SAMPLE_DEALS = 20  # deal pages are timed over this many deals in turn


@dataclass
class Case:
    name: str
    label: str
    target_p95_ms: float | None  # the target on PostgreSQL at scale L
    page: bool = True  # a page: held to 2 x (SQL floor + empty page)
    max_html_kb: float | None = None


CASES = [
    Case("empty", "empty page (the framework's floor)", None, page=False),
    Case("portfolio", "portfolio page (50 of all deals, totals)", 200),
    Case("deal", "deal page", 100),
    Case("iptt_table", "performance table, 200 indicators (selector)", 60, page=False),
    Case("iptt_page", "performance table page (HTML)", 100, max_html_kb=250),
    # the page keeps its table until what it is computed from changes, and each indicator's
    # row until that indicator changes: the first reader after a new measurement computes that
    # indicator's row and puts the table together (impact/performance_html.py)
    Case("iptt_page_changed", "performance table page right after a new measurement", 100,
         max_html_kb=250),
    # after a new column (a figure past every target, a new target period), a restore,
    # `migrate` or a write that names no row: every row computed
    Case("iptt_page_whole", "performance table page with every row anew (a new column, a restore)",
         100, max_html_kb=250),
    # after an organisation was renamed anywhere: the plain table names no partner
    Case("iptt_page_renamed", "performance table page right after a partner was renamed", 100,
         max_html_kb=250),
    # with every indicator's contributions per partner and per category computed (issue 17)
    Case("iptt_parts", "performance table with partners and categories (selector)", 60, page=False),
    Case("iptt_page_parts", "performance table page with contributions (?bijdragen=1)", None),
    Case("iptt_page_parts_changed", "the same, right after a new measurement", None),
    Case("programme", "programme view /leren/", 200),
    Case("programme_lesson", "programme view right after a new lesson", 200),
    Case("programme_cold", "programme view, all figures counted afresh", 100),
    Case("related", "related deals of a deal", None),
    Case("related_update", "related deals: one deal updated after a change", 1000, page=False),
    Case("related_rebuild", "related deals: full rebuild (3 runs)", 60_000, page=False),
    Case("lessons", f"lessons search '{SEARCH}'", None),
    Case("import", "import of 26 deals (rolled back)", None, page=False),
]
# The performance table page within this many times its selector's time (issue 20).
IPTT_PAGE_OVER_SELECTOR = 3


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(ids):
    return ", ".join(str(int(i)) for i in ids) or "NULL"


# Floors: the bare SQL behind each page ---------------------------------------------------


def floor_portfolio():
    _rows("SELECT status, COUNT(*) FROM deals_deal GROUP BY status")
    _rows("SELECT phase, COUNT(*) FROM deals_deal GROUP BY phase")
    _rows("SELECT t.name FROM deals_theme t WHERE EXISTS (SELECT 1 FROM deals_deal_themes "
          "dt WHERE dt.theme_id = t.id) ORDER BY t.name")
    page = _rows(
        "SELECT d.id, d.slug, d.name, d.kind, d.other_kind, d.status, d.phase, "
        "(SELECT COUNT(*) FROM deals_participation p WHERE p.deal_id = d.id), "
        "(SELECT pc.count FROM deals_partnercount pc WHERE pc.deal_id = d.id "
        " ORDER BY (pc.as_of IS NULL), pc.as_of DESC, pc.count DESC LIMIT 1) "
        f"FROM deals_deal d ORDER BY d.name LIMIT {PAGE_SIZE}")
    _rows("SELECT dt.deal_id, t.name FROM deals_deal_themes dt JOIN deals_theme t "
          f"ON t.id = dt.theme_id WHERE dt.deal_id IN ({_in(r[0] for r in page)}) ORDER BY t.name")


def floor_deal(deal_id):
    _rows("SELECT id, slug, kind, other_kind, name, aliases, description, signing_date, "
          "signing_date_precision, end_date, end_date_precision, extended_to, "
          "extended_to_precision, status, phase FROM deals_deal WHERE id = %s", [deal_id])
    _rows("SELECT t.name FROM deals_deal_themes dt JOIN deals_theme t ON t.id = dt.theme_id "
          "WHERE dt.deal_id = %s ORDER BY t.name", [deal_id])
    _rows("SELECT s.reference FROM deals_deal_all_sources x JOIN deals_source s "
          "ON s.id = x.source_id WHERE x.deal_id = %s", [deal_id])
    _rows("SELECT phase, started_on, started_on_precision, note FROM deals_phasechange "
          "WHERE deal_id = %s ORDER BY started_on", [deal_id])
    _rows("SELECT t.name, p.name, o.name FROM deals_track t "
          "LEFT JOIN organisations_person p ON p.id = t.lead_person_id "
          "LEFT JOIN organisations_organisation o ON o.id = t.lead_organisation_id "
          "WHERE t.deal_id = %s", [deal_id])
    _rows("SELECT name FROM deals_workinggroup WHERE deal_id = %s", [deal_id])
    _rows("SELECT p.id, p.kind, p.role_description, p.name_in_source, p.stance, p.joined_on, "
          "p.commitment_money, p.commitment_fte, p.delivered_money, p.delivered_fte, "
          "o.slug, o.name, o.type FROM deals_participation p JOIN organisations_organisation o "
          "ON o.id = p.organisation_id WHERE p.deal_id = %s ORDER BY o.name", [deal_id])
    _rows("SELECT x.participation_id, s.reference FROM deals_participation_sources x "
          "JOIN deals_participation p ON p.id = x.participation_id "
          "JOIN deals_source s ON s.id = x.source_id WHERE p.deal_id = %s", [deal_id])
    _rows("SELECT f.field, f.note, s.reference FROM deals_dealfact f "
          "LEFT JOIN deals_dealfact_sources x ON x.dealfact_id = f.id "
          "LEFT JOIN deals_source s ON s.id = x.source_id WHERE f.deal_id = %s", [deal_id])
    _rows("SELECT r.kind, r.description, r.start, r.end, p.slug, p.name FROM deals_role r "
          "JOIN organisations_person p ON p.id = r.person_id WHERE r.deal_id = %s "
          "ORDER BY r.kind, p.slug", [deal_id])
    _rows("SELECT count, as_of, breakdown, note FROM deals_partnercount WHERE deal_id = %s "
          "ORDER BY as_of, count", [deal_id])
    _rows("SELECT text, kind, date FROM deals_result WHERE deal_id = %s ORDER BY date, id",
          [deal_id])
    _rows("SELECT text, target_value, unit, target_year, scope FROM deals_ambition "
          "WHERE deal_id = %s ORDER BY scope, id", [deal_id])


def floor_iptt(deal_id, contributions=False):
    """With `contributions`: also who reported each measurement (their names) and its values
    per category, which the page's rows per partner and per category show."""
    ids = [r[0] for r in _rows(
        "SELECT i.id, i.name, i.kind, i.unit, i.direction, i.aggregation, i.baseline_value, "
        "i.target_value, i.target_status, e.level, e.title FROM impact_indicator i "
        "LEFT JOIN impact_element e ON e.id = i.element_id "
        "WHERE i.deal_id = %s AND i.scope = 'prestatie'", [deal_id])]
    measurements = _rows("SELECT indicator_id, date, value, status, evidence_file, evidence_url"
                         + (", reporting_organisation_id" if contributions else "")
                         + f" FROM impact_measurement WHERE indicator_id IN ({_in(ids)}) "
                         "ORDER BY indicator_id, date, id")
    _rows("SELECT indicator_id, period_start, period_end, label, value, status "
          f"FROM impact_target WHERE indicator_id IN ({_in(ids)})")
    if contributions:
        reporters = {row[6] for row in measurements} - {None}
        _rows("SELECT p.measurement_id, p.dimension, p.category, p.value "
              "FROM impact_measurementpart p JOIN impact_measurement m ON m.id = p.measurement_id "
              f"WHERE m.indicator_id IN ({_in(ids)})")
        _rows(f"SELECT o.id, o.name FROM organisations_organisation o WHERE o.id IN ({_in(reporters)})")


def floor_programme(year_ago):
    """The figures of /leren/ as a programme administrator sees them (every deal), in bare
    SQL against the tables the page reads: partners by type from the summary the database
    keeps (learning/summary.py), as the page does."""
    _rows("SELECT phase, COUNT(*) FROM deals_deal GROUP BY phase")
    _rows("SELECT t.name, x.n FROM deals_theme t JOIN (SELECT theme_id, COUNT(*) AS n "
          "FROM deals_deal_themes GROUP BY theme_id) x ON x.theme_id = t.id")
    _rows("SELECT type, organisations, deals FROM learning_partnertypetotal")
    _rows("SELECT status, COUNT(*) FROM learning_bottleneck GROUP BY status")
    _rows("SELECT kind, COUNT(*) FROM learning_uptake GROUP BY kind")
    recent = ("EXISTS (SELECT 1 FROM learning_assessmentround r WHERE r.deal_id = d.id "
              "AND r.opened_on >= %s)")
    _rows(f"SELECT COUNT(*), SUM(CASE WHEN {recent} THEN 1 ELSE 0 END) FROM deals_deal d "
          "WHERE d.status = 'lopend'", [year_ago])
    _rows(f"SELECT d.slug, d.name, (SELECT MAX(r.opened_on) FROM learning_assessmentround r "
          f"WHERE r.deal_id = d.id) FROM deals_deal d WHERE d.status = 'lopend' AND NOT {recent} "
          "ORDER BY d.name LIMIT 50", [year_ago])
    _rows("SELECT COUNT(*) FROM learning_lesson")  # an administrator sees every lesson
    _rows("SELECT COUNT(*) FROM learning_deliverable")
    _rows("SELECT d.slug, d.name, s.reviewed_on FROM learning_scalingplan s "
          "JOIN deals_deal d ON d.id = s.deal_id WHERE s.reviewed_on <= %s "
          "AND d.status <> 'afgerond'", [year_ago])
    _rows("SELECT d.slug, d.name, s.reviewed_on FROM learning_startconversation s "
          "JOIN deals_deal d ON d.id = s.deal_id WHERE s.reviewed_on <= %s "
          "AND d.status <> 'afgerond'", [year_ago])


def floor_related(deal_id):
    _rows("SELECT id, slug, name FROM deals_deal WHERE id = %s", [deal_id])
    _rows("SELECT c.deal_a_id, c.deal_b_id, c.status, c.kind, c.note FROM "
          "connections_connection c WHERE c.deal_a_id = %s OR c.deal_b_id = %s",
          [deal_id, deal_id])
    _rows("SELECT s.rank, s.score, s.reasons, d.slug, d.name FROM "
          "connections_relatedsuggestion s JOIN deals_deal d ON d.id = s.other_id "
          "WHERE s.deal_id = %s ORDER BY s.rank", [deal_id])


def floor_related_update(deal_id):
    """Reading the deal's own rows the engine reads, and the lists it may enter."""
    _rows("SELECT name, aliases, description, phase FROM deals_deal WHERE id = %s", [deal_id])
    for table in ("deals_participation", "deals_role", "deals_ambition", "deals_result"):
        _rows(f"SELECT * FROM {table} WHERE deal_id = %s", [deal_id])
    _rows("SELECT deal_id, other_id, rank, score FROM connections_relatedsuggestion "
          "WHERE deal_id = %s OR other_id = %s", [deal_id, deal_id])


def floor_related_rebuild():
    """Reading every text and link the engine reads (no scoring, no writing)."""
    for sql in ("SELECT id, name, aliases, description FROM deals_deal",
                "SELECT deal_id, organisation_id, note, role_description FROM deals_participation",
                "SELECT deal_id, person_id, kind, description FROM deals_role",
                "SELECT deal_id, text, scope FROM deals_ambition",
                "SELECT deal_id, text, note FROM deals_result",
                "SELECT deal_id, title, text FROM learning_lesson",
                "SELECT deal_id, title, description, rule FROM learning_bottleneck"):
        _rows(sql)


def floor_lessons():
    from dealmonitor.learning.search import query_stems

    if connection.vendor == "postgresql":
        document = "l.search_document"  # kept by a trigger, GIN-indexed (learning 0004)
        match = f"{document} @@ plainto_tsquery('dutch', %s)"
        _rows(f"SELECT COUNT(*) FROM learning_lesson l WHERE {match}", [SEARCH])
        page = _rows(
            f"SELECT l.id, l.title, l.text, l.kind, l.phase, d.name, "
            f"ts_rank_cd({document}, plainto_tsquery('dutch', %s), 1) AS rank "
            f"FROM learning_lesson l JOIN deals_deal d ON d.id = l.deal_id WHERE {match} "
            f"ORDER BY rank DESC, l.learned_on DESC, l.id LIMIT {LESSONS_PAGE}",
            [SEARCH, SEARCH])
    else:
        likes = " AND ".join("l.search_stems LIKE %s" for _ in set(query_stems(SEARCH)))
        params = [f"% {s} %" for s in set(query_stems(SEARCH))]
        found = _rows(f"SELECT l.id, l.search_stems, l.learned_on FROM learning_lesson l "
                      f"WHERE {likes}", params)
        ids = [r[0] for r in found[:LESSONS_PAGE]]
        page = _rows("SELECT l.id, l.title, l.text, l.kind, l.phase, d.name FROM "
                     "learning_lesson l JOIN deals_deal d ON d.id = l.deal_id "
                     f"WHERE l.id IN ({_in(ids)})")
    _rows("SELECT x.lesson_id, t.name FROM learning_lesson_themes x JOIN deals_theme t "
          f"ON t.id = x.theme_id WHERE x.lesson_id IN ({_in(r[0] for r in page)})")


# The import: the demo file into the big portfolio, rolled back after every run ------------


class _Rollback(Exception):
    pass


def _import_once(records):
    from dealmonitor.deals.services import import_portfolio

    try:
        with transaction.atomic():
            import_portfolio(actor=None, records=records)
            raise _Rollback
    except _Rollback:
        pass


def _written_rows(records):
    """The rows one import writes, per table (read inside a rolled-back transaction), so the
    floor can write exactly those rows with bare INSERTs (COPY on PostgreSQL)."""
    from django.apps import apps

    from dealmonitor.deals.services import import_portfolio

    models = [m for m in apps.get_models(include_auto_created=True)
              if m._meta.app_label in {"deals", "organisations"} and not m._meta.proxy]
    before = {m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
              for m in models}
    written = {}
    try:
        with transaction.atomic():
            import_portfolio(actor=None, records=records)
            for m in models:
                columns = [f.attname for f in m._meta.concrete_fields]
                rows = list(m.objects.filter(pk__gt=before[m]).values_list(*columns))
                if rows:
                    written[m] = (columns, rows)
            raise _Rollback
    except _Rollback:
        pass
    return written


def floor_import(written):
    from dealmonitor.utils import bulk

    try:
        with transaction.atomic():
            for model, (columns, rows) in written.items():
                bulk.write(model, columns, rows)
            raise _Rollback
    except _Rollback:
        pass


# Running the cases ----------------------------------------------------------------------


def _measure(fn, floor, repeat):
    fn()  # warm: templates loaded, cached figures kept (as the timed runs find them)
    with count_queries() as page_queries:
        size = fn()
    with count_queries() as floor_queries:
        floor()
    result = timed(fn, repeat=repeat)
    result["queries"] = page_queries.count
    result["floor"] = {**timed(floor, repeat=repeat), "queries": floor_queries.count}
    result["ratio"] = round(result["median_ms"] / max(result["floor"]["median_ms"], 0.01), 2)
    if isinstance(size, int):
        result["html_bytes"] = size
    return result


def _measure_slow(fn, floor, repeat):
    """For a case of many seconds: the first run counts the queries, then `repeat` runs."""
    with count_queries() as queries:
        fn()
    result = timed(fn, repeat=repeat, warmup=0)
    result["queries"] = queries.count
    result["floor"] = {**timed(floor, repeat=repeat, warmup=0), "queries": 0}
    result["ratio"] = round(result["median_ms"] / max(result["floor"]["median_ms"], 0.01), 2)
    return result


# The change the update case makes before it recomputes (rolled back after each run): a
# sentence of common and rarer words, so that rarity weights of other deals move as well.
RELATED_CHANGE = " Bewoners en ondernemers maken de wijk groener met deelauto's en geveltuinen."


def _update_related(deal_id):
    """After a change to one deal (a sentence added to its description, rolled back
    afterwards): its related list and the lists it enters or leaves."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from dealmonitor.connections import related
    from dealmonitor.deals.models import Deal

    with transaction.atomic():
        Deal.objects.filter(pk=deal_id).update(
            description=Concat("description", Value(RELATED_CHANGE)))
        related.update_for_deal(deal_id)
        transaction.set_rollback(True)


def _after_a_change(path, tables=None):
    """As right after someone saved something to `tables` (labels): the figures counting
    those tables no longer count. Without tables: as after a restore, nothing kept counts."""
    from dealmonitor.utils import cache

    if tables:
        cache.mark_changed(set(tables))
    else:
        cache.bump()
    return path


def _get(client, path):
    def fn():
        response = client.get(path() if callable(path) else path)
        assert response.status_code == 200, (path, response.status_code)
        return len(response.content)
    return fn


def run(*, repeat, only=None, log=lambda m: None):
    """Every case against the portfolio in the default database; a dict per case."""
    import datetime as dt

    from django.utils import timezone

    from dealmonitor.accounts.models import User
    from dealmonitor.deals.importer import parse_portfolio
    from dealmonitor.deals.models import Deal
    from dealmonitor.deals.registry import ANY_DEAL, deal_scope, row_scope
    from dealmonitor.impact import selectors as impact_selectors

    user, _ = User.objects.get_or_create(username="bench-programme",
                                         defaults={"is_staff": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    flagship = Deal.objects.get(slug=FLAGSHIP_SLUG)
    total = Deal.objects.count()
    step = max(1, total // SAMPLE_DEALS)
    sample = list(Deal.objects.exclude(pk=flagship.pk).order_by("pk")
                  .values_list("pk", "slug")[::step][:SAMPLE_DEALS])
    turn = itertools.cycle(sample)
    floor_turn = itertools.cycle(sample)
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    # what recording a measurement in the flagship marks: the table, the deal's own version
    # and its indicator's (deals/registry.py, scopes); what a write that names no row marks:
    # every deal's
    indicator = flagship.indicators.order_by("pk").values_list("pk", flat=True).first()
    measured = ["impact.measurement", deal_scope(flagship.pk), row_scope("impact.indicator", indicator)]
    imported = ["impact.measurement", ANY_DEAL]
    renamed = ["organisations.organisation"]  # what saving an organisation marks
    records = parse_portfolio(json.loads(Path(settings.DEMO_DATA_FILE).read_text("utf-8")))
    # As the app servers run (wsgi.py): the garbage collector tuned once everything is loaded.
    from dealmonitor.utils.runtime import tune_garbage_collector

    tune_garbage_collector()

    cases = {
        "empty": lambda: (_get(client, "/bench/leeg/"), lambda: None),
        "portfolio": lambda: (_get(client, reverse("deals:portfolio")), floor_portfolio),
        "deal": lambda: (_get(client, lambda: reverse("deals:detail", args=[next(turn)[1]])),
                         lambda: floor_deal(next(floor_turn)[0])),
        "iptt_table": lambda: (lambda: impact_selectors.performance_table(flagship),
                               lambda: floor_iptt(flagship.pk)),
        "iptt_page": lambda: (_get(client, reverse("impact:performance", args=[flagship.slug])),
                              lambda: floor_iptt(flagship.pk)),
        "iptt_parts": lambda: (lambda: [(r.partners, r.categories) for r in
                                        impact_selectors.performance_table(flagship).rows],
                               lambda: floor_iptt(flagship.pk)),
        "iptt_page_changed": lambda: (_get(client, lambda: _after_a_change(
                                          reverse("impact:performance", args=[flagship.slug]),
                                          measured)),
                                      lambda: floor_iptt(flagship.pk)),
        "iptt_page_whole": lambda: (_get(client, lambda: _after_a_change(
                                        reverse("impact:performance", args=[flagship.slug]),
                                        imported)),
                                    lambda: floor_iptt(flagship.pk)),
        "iptt_page_renamed": lambda: (_get(client, lambda: _after_a_change(
                                          reverse("impact:performance", args=[flagship.slug]),
                                          renamed)),
                                      lambda: floor_iptt(flagship.pk)),
        "iptt_page_parts": lambda: (_get(client, reverse("impact:performance", args=[flagship.slug])
                                         + "?bijdragen=1"),
                                    lambda: floor_iptt(flagship.pk, contributions=True)),
        "iptt_page_parts_changed": lambda: (_get(client, lambda: _after_a_change(
                                                reverse("impact:performance", args=[flagship.slug])
                                                + "?bijdragen=1", measured)),
                                            lambda: floor_iptt(flagship.pk, contributions=True)),
        "programme": lambda: (_get(client, reverse("learning:programme")),
                              lambda: floor_programme(year_ago)),
        "programme_lesson": lambda: (_get(client, lambda: _after_a_change(
                                         reverse("learning:programme"), ["learning.lesson"])),
                                     lambda: floor_programme(year_ago)),
        "programme_cold": lambda: (_get(client, lambda: _after_a_change(
                                       reverse("learning:programme"))),
                                   lambda: floor_programme(year_ago)),
        "related": lambda: (
            _get(client, lambda: reverse("connections:deal", args=[next(turn)[1]])),
            lambda: floor_related(next(floor_turn)[0])),
        "related_update": lambda: (
            lambda: _update_related(next(turn)[0]),
            lambda: floor_related_update(next(floor_turn)[0])),
        "lessons": lambda: (_get(client, reverse("learning:lessons") + "?q=" + SEARCH.replace(" ", "+")),
                            floor_lessons),
    }
    from django.test.utils import override_settings

    results = {}
    with override_settings(ROOT_URLCONF="dealmonitor.ops.bench_urls"):
        _run_cases(cases, results, records, repeat, only, log)
    framework = results.get("empty", {}).get("median_ms")
    for name, result in results.items():
        if framework is not None and name != "empty":
            # every page as SQL floor + the framework's floor + the rest (issue 20, item 2)
            result["framework_ms"] = framework
            result["rest_ms"] = round(result["median_ms"] - result["floor"]["median_ms"] - framework, 2)
    return results


def _run_cases(cases, results, records, repeat, only, log):
    for case in CASES:
        if only and case.name not in only:
            continue
        log(f"  {case.label} …")
        if case.name == "related_rebuild":
            from dealmonitor.connections import related

            result = _measure_slow(related.build_all, floor_related_rebuild, 3)
        elif case.name == "import":
            written = _written_rows(records)
            result = _measure(lambda: _import_once(records), lambda: floor_import(written),
                              max(3, repeat // 6))
            result["rows"] = sum(len(rows) for _c, rows in written.values())
            result["floor"]["queries"] = len(written)  # one COPY per table (not counted)
        else:
            fn, floor = cases[case.name]()
            result = _measure(fn, floor, repeat)
        results[case.name] = result
    return results


def browser(*, repeat=3, log=lambda m: None):
    """The main pages in Chromium (ops/bench_browser.py): bytes and time until usable."""
    from dealmonitor.accounts.models import User
    from dealmonitor.deals.models import Deal
    from dealmonitor.ops import bench_browser

    user, _ = User.objects.get_or_create(username="bench-programme", defaults={"is_staff": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    slug = Deal.objects.exclude(slug=FLAGSHIP_SLUG).order_by("pk").values_list("slug", flat=True).first()
    paths = [
        ("portfolio page", reverse("deals:portfolio")),
        ("deal page", reverse("deals:detail", args=[slug])),
        ("performance table page", reverse("impact:performance", args=[FLAGSHIP_SLUG])),
        ("programme view", reverse("learning:programme")),
        ("related deals", reverse("connections:deal", args=[slug])),
        ("lessons search", reverse("learning:lessons") + "?q=" + SEARCH.replace(" ", "+")),
    ]
    try:
        return bench_browser.run(paths, session_cookie=cookie, repeat=repeat, log=log)
    except Exception as exc:  # no Chromium here: the page figures stand on their own
        log(f"  Chromium could not run: {exc}")
        return {"error": str(exc)[:300]}

"""`dealmonitor bench`: the pages of Dealmonitor on a synthetic portfolio, on SQLite and
PostgreSQL side by side, at one or more scales; medians, 95th percentiles, query counts and
the ratio to the bare SQL floor; a growth table; JSON with the machine's description in
bench/results/. See bench/README.md."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dealmonitor.utils import bench
from dealmonitor.ops.bench_pages import CASES
from dealmonitor.ops.generator import SCALES

ORDER = ["S", "M", "L"]
GENERATOR_VERSION = 2  # bump when the generator's output changes: stale databases are rebuilt


class Command(BaseCommand):
    help = ("Benchmark the pages on a synthetic portfolio (dealmonitor generate) on SQLite and "
            "PostgreSQL: median, p95, queries and ratio to the bare SQL floor.")

    def add_arguments(self, parser):
        parser.add_argument("subject", nargs="?", choices=["iptt"],
                            help="`iptt`: only the indicator performance table of the 200-indicator "
                                 "deal (its selector and its page), at scale S unless --scale says "
                                 "otherwise.")
        parser.add_argument("--scale", choices=ORDER, default=None, help="S, M (default) or L.")
        parser.add_argument("--growth", action="store_true",
                            help="Also run every smaller scale (S … SCALE) for the growth table.")
        parser.add_argument("--databases", default="sqlite,postgresql",
                            help="Comma-separated: sqlite, postgresql (default: both).")
        parser.add_argument("--postgres-url", default=bench.DEFAULT_POSTGRES,
                            help="PostgreSQL server and database name prefix; the scale is "
                                 "appended (…_m). Default: %(default)s")
        parser.add_argument("--repeat", type=int, default=30, help="Timed runs per case.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--cases", default="", help="Comma-separated subset of: "
                            + ", ".join(c.name for c in CASES))
        parser.add_argument("--fresh", action="store_true",
                            help="Generate the portfolios again even when one is there.")
        parser.add_argument("--no-browser", action="store_true",
                            help="Leave out loading the main pages in Chromium.")
        parser.add_argument("--worker", action="store_true", help="(internal)")
        parser.add_argument("--generate", action="store_true", help="(internal)")

    # The child process: one scale on one database -------------------------------------------

    def _work(self, options):
        from django.db import connection

        from dealmonitor.ops import bench_pages
        from dealmonitor.ops.generator import generate
        from dealmonitor.utils import bulk

        log = self.stderr.write
        spec = SCALES[options["scale"]]
        generation = None
        if options["generate"]:
            from dealmonitor.deals.models import Deal

            if Deal.objects.exists():
                raise CommandError("The benchmark database is not empty.")
            log(f"generating scale {options['scale']} on {connection.vendor} …")
            started = time.perf_counter()
            generation = generate(spec, seed=options["seed"], log=log)
            generation["total_s"] = round(time.perf_counter() - started, 1)
        stale = bulk.analyze_stale()
        if stale:
            log(f"fresh planner statistics (as autovacuum would take them) for: {', '.join(stale)}")
        only = [c for c in options["cases"].split(",") if c]
        cases = bench_pages.run(repeat=options["repeat"], only=only, log=log)
        browser = None if options["no_browser"] or options["subject"] else bench_pages.browser(log=log)
        return {"vendor": connection.vendor, "scale": options["scale"],
                "spec": spec.__dict__, "generation": generation, "cases": cases,
                "browser": browser}

    # The parent: databases, scales, report --------------------------------------------------

    def _url(self, vendor, scale, options):
        if vendor == "sqlite":
            return bench.sqlite_url(f"bench-{scale.lower()}")
        return f"{options['postgres_url']}_{scale.lower()}"

    def _marker(self, vendor, scale):
        return Path(settings.VAR_DIR) / "bench" / f"generated-{vendor}-{scale.lower()}.json"

    def handle(self, *args, **options):
        if options["subject"] == "iptt":
            options["scale"] = options["scale"] or "S"
            options["cases"] = options["cases"] or ("iptt_table,iptt_parts,iptt_page,iptt_page_changed,"
                                                   "iptt_page_whole,iptt_page_renamed,iptt_page_parts,"
                                                   "iptt_page_parts_changed")
        options["scale"] = options["scale"] or "M"
        if options["worker"]:
            self.stdout.write(json.dumps(self._work(options)))
            return
        scales = ORDER[: ORDER.index(options["scale"]) + 1] if options["growth"] else [
            options["scale"]]
        vendors = [v for v in options["databases"].split(",") if v]
        results = []
        started = time.perf_counter()
        load_at_start = bench.machine()["load_average"]
        for scale in scales:
            for vendor in vendors:
                url = self._url(vendor, scale, options)
                bench.refuse_own_database(url)
                marker = self._marker(vendor, scale)
                wanted = {"url": bench.safe_url(url), "scale": scale, "seed": options["seed"],
                          "generator": GENERATOR_VERSION}
                fresh = options["fresh"] or not marker.exists() or json.loads(
                    marker.read_text()) != wanted
                self.stderr.write(f"scale {scale} on {vendor} ({bench.safe_url(url)}) …")
                if fresh:
                    marker.unlink(missing_ok=True)
                    bench.prepare_database(url, replace=True)
                args = ["bench", "--worker", "--scale", scale, "--repeat", str(options["repeat"]),
                        "--seed", str(options["seed"]), "--cases", options["cases"]]
                if options["no_browser"]:
                    args.append("--no-browser")
                if fresh:
                    args.append("--generate")
                try:
                    result = bench.run_in(url, args, echo=self.stderr.write)
                except Exception as exc:  # a database that cannot be reached is reported
                    raise CommandError(f"scale {scale} on {vendor} failed: {exc}") from exc
                if fresh:
                    marker.parent.mkdir(parents=True, exist_ok=True)
                    marker.write_text(json.dumps(wanted))
                results.append(result)
        elapsed = round(time.perf_counter() - started)
        report(results, self.stdout.write)
        self.stdout.write(f"whole run: {elapsed} s; load average at the start {load_at_start}, "
                          f"at the end {bench.machine()['load_average']} "
                          f"({bench.machine()['cpus']} cores)")
        path = bench.write_results("pages", results, {
            "elapsed_s": elapsed, "repeat": options["repeat"], "load_average_at_start": load_at_start})
        self.stdout.write(f"figures written to {path}")


def _budget(m):
    """What a page may take: twice its SQL floor plus the empty page (issue 20, item 2)."""
    return 2 * (m["floor"]["median_ms"] + m.get("framework_ms", 0))


def report(results, write):
    """The tables: per scale and database every case; then growth; then the targets."""
    labels = {c.name: c.label for c in CASES}
    pages = {c.name for c in CASES if c.page}
    for r in results:
        spec = r["spec"]
        gen = r["generation"]
        write("")
        write(f"== scale {r['scale']} on {r['vendor']}: {spec['deals']:,} deals, "
              f"{spec['organisations']:,} organisations, {spec['indicators']:,} indicators, "
              f"{spec['measurements']:,} measurements"
              + (f" (generated in {gen['total_s']} s)" if gen else " (generated earlier)"))
        write("ms; 'sql' is the bare SQL floor, 'empty' the empty page (the framework's floor), "
              "'rest' what the page adds on top of both; 'x budget' is median / 2 x (sql + empty)")
        write(f"{'case':<48} {'median':>8} {'p95':>8} {'queries':>7} {'sql':>7} {'empty':>6} "
              f"{'rest':>7} {'x budget':>8} {'HTML KB':>8}")
        for name, m in r["cases"].items():
            budget = f"{m['median_ms'] / _budget(m):.2f}" if name in pages and "framework_ms" in m else "-"
            html = f"{m['html_bytes'] / 1024:.0f}" if "html_bytes" in m else "-"
            write(f"{labels[name]:<48} {m['median_ms']:>8.1f} {m['p95_ms']:>8.1f} "
                  f"{m['queries']:>7} {m['floor']['median_ms']:>7.1f} "
                  f"{m.get('framework_ms', 0):>6.1f} {m.get('rest_ms', 0):>7.1f} {budget:>8} {html:>8}")
        for name, b in (r.get("browser") or {}).items():
            if name == "error":
                write(f"browser: {b}")
                continue
            write(f"  in Chromium: {name:<30} usable after {b['usable_ms']:>6.0f} ms; HTML+CSS+JS "
                  f"{b['bytes'] / 1024:>5.0f} KB as sent ({b['raw_bytes'] / 1024:.0f} KB unpacked)")
    scales = sorted({r["scale"] for r in results}, key=ORDER.index)
    if len(scales) > 1:
        write("")
        write("== growth: median ms against size (deals); 'x' = time factor from the "
              "smallest to the largest scale, next to the size factor")
        header = f"{'case':<48} {'database':<11}" + "".join(
            f"{s + ' (' + format(SCALES[s].deals, ',') + ')':>16}" for s in scales)
        write(header + f"{'time x':>9} {'size x':>8}")
        by = {(r["scale"], r["vendor"]): r for r in results}
        vendors = sorted({r["vendor"] for r in results})
        size = SCALES[scales[-1]].deals / SCALES[scales[0]].deals
        for case in CASES:
            for vendor in vendors:
                cells = [by.get((s, vendor), {}).get("cases", {}).get(case.name) for s in scales]
                if not any(cells):
                    continue
                row = f"{case.label:<48} {vendor:<11}" + "".join(
                    f"{c['median_ms']:>16.1f}" if c else f"{'-':>16}" for c in cells)
                if cells[0] and cells[-1]:
                    row += f"{cells[-1]['median_ms'] / cells[0]['median_ms']:>8.1f}x {size:>7.0f}x"
                write(row)
    write("")
    write("== targets (PostgreSQL at the largest scale run; the issue sets them for L)")
    pg = [r for r in results if r["vendor"] == "postgresql"]
    if not pg:
        write("no PostgreSQL run")
        return
    top = max(pg, key=lambda r: ORDER.index(r["scale"]))
    for line in targets(top):
        write(line)


def targets(run):
    """One line per target: what was measured, the target, met or NOT met."""
    from dealmonitor.ops.bench_pages import IPTT_PAGE_OVER_SELECTOR

    def verdict(ok):
        return "met" if ok else "NOT met"

    lines = []
    cases = run["cases"]
    for case in CASES:
        m = cases.get(case.name)
        if not m:
            continue
        checks = []
        if case.target_p95_ms:
            checks.append(f"p95 {m['p95_ms']:.1f} <= {case.target_p95_ms:.0f} ms: "
                          + verdict(m["p95_ms"] <= case.target_p95_ms))
        if case.page and "framework_ms" in m:
            budget = _budget(m)
            checks.append(f"median {m['median_ms']:.1f} <= 2 x (sql + empty) = {budget:.1f} ms: "
                          + verdict(m["median_ms"] <= budget))
        if case.max_html_kb and "html_bytes" in m:
            kb = m["html_bytes"] / 1024
            checks.append(f"HTML {kb:.0f} <= {case.max_html_kb:.0f} KB: " + verdict(kb <= case.max_html_kb))
        if case.name.startswith("iptt_page") and "parts" not in case.name and "iptt_table" in cases:
            limit = IPTT_PAGE_OVER_SELECTOR * cases["iptt_table"]["median_ms"]
            checks.append(f"median {m['median_ms']:.1f} <= {IPTT_PAGE_OVER_SELECTOR} x selector = "
                          f"{limit:.1f} ms: " + verdict(m["median_ms"] <= limit))
        if checks:
            lines.append(f"{case.label:<48} scale {run['scale']}: " + "; ".join(checks))
    for name, b in (run.get("browser") or {}).items():
        if name != "error":
            lines.append(f"{'in Chromium: ' + name:<48} scale {run['scale']}: HTML+CSS+JS "
                         f"{b['bytes'] / 1024:.0f} <= 300 KB: " + verdict(b["bytes"] <= 300 * 1024)
                         + f"; usable after {b['usable_ms']:.0f} ms")
    return lines

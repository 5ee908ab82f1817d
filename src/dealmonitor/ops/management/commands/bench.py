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
GENERATOR_VERSION = 1  # bump when the generator's output changes: stale databases are rebuilt


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
        parser.add_argument("--worker", action="store_true", help="(internal)")
        parser.add_argument("--generate", action="store_true", help="(internal)")

    # The child process: one scale on one database -------------------------------------------

    def _work(self, options):
        from django.db import connection

        from dealmonitor.ops import bench_pages
        from dealmonitor.ops.generator import generate

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
        only = [c for c in options["cases"].split(",") if c]
        cases = bench_pages.run(repeat=options["repeat"], only=only, log=log)
        return {"vendor": connection.vendor, "scale": options["scale"],
                "spec": spec.__dict__, "generation": generation, "cases": cases}

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
            options["cases"] = options["cases"] or "iptt_table,iptt_page"
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
                if fresh:
                    args.append("--generate")
                try:
                    result = bench.run_in(url, args, echo=self.stderr.write)
                except Exception as exc:  # a database that cannot be reached is reported
                    raise CommandError(f"scale {scale} on {vendor} failed: {exc}") from exc
                if fresh:
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


def report(results, write):
    """The tables: per scale and database every case; then growth; then the targets."""
    labels = {c.name: c.label for c in CASES}
    for r in results:
        spec = r["spec"]
        gen = r["generation"]
        write("")
        write(f"== scale {r['scale']} on {r['vendor']}: {spec['deals']:,} deals, "
              f"{spec['organisations']:,} organisations, {spec['indicators']:,} indicators, "
              f"{spec['measurements']:,} measurements"
              + (f" (generated in {gen['total_s']} s)" if gen else " (generated earlier)"))
        write(f"{'case':<48} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
              f"{'floor ms':>9} {'floor q':>8} {'ratio':>7}")
        for name, m in r["cases"].items():
            write(f"{labels[name]:<48} {m['median_ms']:>10.1f} {m['p95_ms']:>8.1f} "
                  f"{m['queries']:>8} {m['floor']['median_ms']:>9.1f} "
                  f"{m['floor']['queries']:>8} {m['ratio']:>6.1f}x")
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
    for case in CASES:
        m = top["cases"].get(case.name)
        if not m:
            continue
        checks = []
        if case.target_p95_ms:
            checks.append(f"p95 {m['p95_ms']:.1f} <= {case.target_p95_ms:.0f} ms: "
                          + ("met" if m["p95_ms"] <= case.target_p95_ms else "NOT met"))
        checks.append(f"{m['ratio']:.1f}x floor <= 2x: " + ("met" if m["ratio"] <= 2 else "NOT met"))
        write(f"{case.label:<48} scale {top['scale']}: " + "; ".join(checks))

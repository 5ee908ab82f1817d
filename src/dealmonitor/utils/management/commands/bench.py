"""`dealmonitor bench NAME`: run a benchmark on SQLite and PostgreSQL side by side, print the
medians, query counts and ratios, and write the figures with the machine's description to
bench/results/. See bench/README.md."""

import json

from django.core.management.base import BaseCommand, CommandError

from dealmonitor.utils import bench


def _benchmarks():
    from dealmonitor.impact import bench as impact_bench
    from dealmonitor.imports import bench as import_bench

    return {
        "iptt": (impact_bench, ["--indicators", "--measurements", "--repeat"]),
        "import": (import_bench, ["--rows"]),
    }


class Command(BaseCommand):
    help = "Run a benchmark (iptt, import) on SQLite and PostgreSQL and print median times and query counts."

    def add_arguments(self, parser):
        parser.add_argument("benchmark", choices=sorted(_benchmarks()))
        parser.add_argument("--databases", default="sqlite,postgresql",
                            help="Comma-separated: sqlite, postgresql (default: both).")
        parser.add_argument("--postgres-url", default=None,
                            help=f"PostgreSQL to create the benchmark database in (default {bench.DEFAULT_POSTGRES}).")
        parser.add_argument("--indicators", type=int, default=200)
        parser.add_argument("--measurements", type=int, default=1500)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--rows", type=int, default=100_000,
                            help="import: measurement rows in the spreadsheet (default 100,000).")
        parser.add_argument("--worker", action="store_true", help="(internal) run in this process and print JSON.")

    def handle(self, *args, **options):
        name = options["benchmark"]
        module, passed = _benchmarks()[name]
        if options["worker"]:
            self.stdout.write(json.dumps(module.worker(options)))
            return
        forwarded = []
        for flag in passed:
            forwarded += [flag, str(options[flag.lstrip("-").replace("-", "_")])]
        results = []
        for vendor, url in bench.database_urls(
            options["postgres_url"], only=options["databases"].split(",")
        ).items():
            self.stderr.write(f"{name}: running on {vendor} …")
            try:
                results.append(bench.run_child(name, url, forwarded))
            except Exception as exc:  # a database that cannot be reached is reported, not skipped
                raise CommandError(f"{name} on {vendor} failed: {exc}") from exc
        module.report(results, self.stdout.write)
        path = bench.write_results(name, results)
        self.stdout.write(f"figures written to {path}")

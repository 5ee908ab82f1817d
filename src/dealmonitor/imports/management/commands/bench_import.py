"""`dealmonitor bench_import`: 100,000 measurement rows imported from an .xlsx file, on SQLite
and PostgreSQL side by side, each in a fresh benchmark database (never Dealmonitor's own);
prints the time of reading, checking and writing, and writes the figures with the machine's
description to bench/results/. Target: checked and written at 10,000 rows/s or more
(medians of --repeat runs, each rolled back)."""

import json

from django.core.management.base import BaseCommand, CommandError

from dealmonitor.imports import bench as import_bench
from dealmonitor.utils import bench


class Command(BaseCommand):
    help = "Import 100,000 measurement rows from an .xlsx file on SQLite and PostgreSQL and time it."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=3, help="Runs per database (median).")
        parser.add_argument("--databases", default="sqlite,postgresql",
                            help="Comma-separated: sqlite, postgresql (default: both).")
        parser.add_argument("--postgres-url", default=f"{bench.DEFAULT_POSTGRES}_import",
                            help="The PostgreSQL benchmark database (dropped and made again). "
                                 "Default: %(default)s")
        parser.add_argument("--worker", action="store_true", help="(internal)")

    def handle(self, *args, rows, repeat, databases, postgres_url, worker, **options):
        if worker:
            self.stdout.write(json.dumps(import_bench.worker({"rows": rows, "repeat": repeat})))
            return
        urls = {"sqlite": bench.sqlite_url("import"), "postgresql": postgres_url}
        results = []
        for vendor in databases.split(","):
            url = urls[vendor]
            try:
                bench.refuse_own_database(url)
                bench.prepare_database(url, replace=True)
                self.stderr.write(f"import: {rows:,} rows on {vendor} …")
                results.append(bench.run_in(url, ["bench_import", "--worker", "--rows", str(rows),
                                                    "--repeat", str(repeat)]))
            except Exception as exc:  # a database that cannot be reached is reported, not skipped
                raise CommandError(f"bench_import on {vendor} failed: {exc}") from exc
        import_bench.report(results, self.stdout.write)
        self.stdout.write(f"figures written to {bench.write_results('import', results)}")

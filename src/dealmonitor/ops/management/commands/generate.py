"""`dealmonitor generate --scale S|M|L --database-url URL`: a synthetic portfolio in a
database you name. See ops/generator and bench/README.md."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from dealmonitor.utils import bench
from dealmonitor.ops.generator import SCALES, generate


class Command(BaseCommand):
    help = ("Generate a synthetic portfolio (S: 30 deals, M: 1,000, L: 10,000) into the "
            "database named by --database-url, never the one Dealmonitor itself uses.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="S")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database-url", default="",
                            help="The database to fill: postgres://… or sqlite:///path. It is "
                                 "created (PostgreSQL) and migrated; it must hold no deals yet.")
        parser.add_argument("--replace", action="store_true",
                            help="Drop and recreate that database first (it is a throwaway).")
        parser.add_argument("--no-related", action="store_true",
                            help="Skip building the related-deal suggestions.")
        parser.add_argument("--worker", action="store_true", help="(internal)")

    def handle(self, *args, scale, seed, database_url, replace, no_related, worker, **options):
        if worker:
            from dealmonitor.deals.models import Deal

            if Deal.objects.exists():
                raise CommandError("That database already holds deals; generate into an empty "
                                   "one (or pass --replace to start it afresh).")
            result = generate(SCALES[scale], seed=seed, related=not no_related,
                              log=lambda m: self.stderr.write(m))
            self.stdout.write(json.dumps(result))
            return
        if not database_url:
            raise CommandError("Name the database to fill with --database-url "
                               "(for example postgres://postgres@127.0.0.1:5432/dealmonitor_m).")
        try:
            bench.refuse_own_database(database_url)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        bench.prepare_database(database_url, replace=replace)
        args = ["generate", "--worker", "--scale", scale, "--seed", str(seed)]
        if no_related:
            args.append("--no-related")
        result = bench.run_in(database_url, args, echo=self.stderr.write)
        spec = SCALES[scale]
        self.stdout.write(
            f"Scale {scale} (seed {seed}): {spec.deals:,} deals, {spec.organisations:,} "
            f"organisations, {spec.indicators:,} indicators, {spec.measurements:,} measurements "
            f"in {bench.safe_url(database_url)}"
        )
        for label, n in sorted(result["counts"].items()):
            self.stdout.write(f"  {label:<40} {n:>12,}")
        self.stdout.write(
            f"rows written in {result['timings']['rows_s']} s"
            + (f", related-deal suggestions in {result['timings']['related_s']} s"
               if "related_s" in result["timings"] else "")
            + f"; {time.perf_counter() - started:.0f} s in all (with migrations)"
        )

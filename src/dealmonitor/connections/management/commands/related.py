import json
import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dealmonitor.connections import selectors, services
from dealmonitor.deals.models import Deal


class Command(BaseCommand):
    help = (
        "The related deals of one deal, best first, with scores and reasons "
        "(`dealmonitor related SLUG [--json]`); or recompute the stored lists "
        "(`--rebuild` for all deals, `--update SLUG` for one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the deal's identifier (the data file's id)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--rebuild", action="store_true", help="recompute every deal's list")
        parser.add_argument("--update", action="store_true",
                            help="recompute the list of SLUG (and the lists it enters or leaves)")

    def handle(self, *args, slug=None, **options):
        translation.activate("nl")
        if options["rebuild"]:
            wall, cpu = time.perf_counter(), time.process_time()
            deals, rows = services.rebuild_suggestions(actor=None)
            self.stderr.write(
                f"{deals} deals, {rows} suggestions stored in {time.perf_counter() - wall:.1f} s "
                f"({time.process_time() - cpu:.1f} s CPU in this process; load average "
                f"{os.getloadavg()[0]:.2f}).")
            if not slug:
                return
        if not slug:
            raise CommandError("Give a deal's identifier, or --rebuild.")
        try:
            deal = Deal.objects.get(slug=slug)
        except Deal.DoesNotExist:
            raise CommandError(f"No deal with identifier {slug!r}.") from None
        if options["update"]:
            wall = time.perf_counter()
            lists = services.update_suggestions(actor=None, deal=deal)
            self.stderr.write(f"{lists} lists updated in {time.perf_counter() - wall:.1f} s.")
        elif not deal.related_suggestions.exists():
            services.update_suggestions(actor=None, deal=deal)
        data = selectors.related_as_data(
            selectors.related_for_deal(None, deal, limit=options["limit"])["items"]
        )
        if options["json"]:
            for row in data:
                row.pop("evidence")
            payload = {"deal": deal.slug, "name": deal.name, "related": data}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{deal.name} ({deal.slug})")
        for number, row in enumerate(data, start=1):
            score = "" if row["score"] is None else f"{row['score']:.2f}"
            marker = {"confirmed": " [bevestigd]"}.get(row["decision"], "")
            self.stdout.write(f"{number:>2}. {score:>5}  {row['name']} ({row['deal']}){marker}")
            for reason in row["reasons"]:
                self.stdout.write(f"           - {reason}")

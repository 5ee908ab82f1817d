"""`dealmonitor bench_related`: the related-deals engine on a synthetic portfolio.

Builds a synthetic portfolio (10,000 deals by default) in a throwaway SQLite file under
var/bench/ (or the database given with --database-url), then prints the median time to
read one deal's related list, the median time of an incremental update for one deal, and
the time of a full rebuild. Targets: a list in at most 200 ms, a rebuild in at most 60 s.
"""

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Real Dutch words of the domain, so the stemmer and the stop words see realistic text.
VOCABULARY = """
aardgasvrij aanbesteding aanpak afval ambitie arbeidsmarkt bedrijven beleid bestaanszekerheid
bewoners biobased bouwen buurt circulair cybercrime data democratie digitalisering dorpen
duurzaam economie energie energietransitie experiment financiering fiets gebiedsontwikkeling
gemeenten gezondheid grachten groen haalbaar huishoudens impact inclusief infrastructuur
innovatie instrumenten jongeren kennis kennisinstellingen klimaat kwetsbaar landbouw
leefbaarheid leeromgeving lopen maatwerk mobiliteit monitor netwerk ondernemers ondermijning
onderwijs opschalen openbare ruimte partners pilot platform preventie privacy provincie
regelgeving regio samenwerking schaalbaar schulden sociaal stad standaard stedelijk subsidie
talent technologie toolbox transformatie veiligheid verduurzaming vergroening voetganger
wateroverlast werkgelegenheid wijk wijkteams woningbouw woningen zorg zorgkosten
""".split()
FILLER = "de het een en van in op met voor door naar bij om te dat die is zijn wordt".split()
THEMES = [f"{a} {b}" for a in VOCABULARY[:40] for b in ("en samenleving", "in de regio")][:80]


class Command(BaseCommand):
    help = "Time the related-deals engine on a synthetic portfolio (default 10,000 deals)."

    def add_arguments(self, parser):
        parser.add_argument("--deals", type=int, default=10_000)
        parser.add_argument("--samples", type=int, default=50)
        parser.add_argument("--database-url", default="",
                            help="a throwaway database; default: a SQLite file under var/bench/")
        parser.add_argument("--inner", action="store_true", help=None)

    def handle(self, *args, deals, samples, database_url, inner, **options):
        if not inner:
            return self._run_outside(deals, samples, database_url)
        self._run(deals, samples)

    def _run_outside(self, deals, samples, database_url):
        """Run the benchmark in a child process whose default database is the bench one."""
        if not database_url:
            folder = Path(settings.VAR_DIR) / "bench"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"related-{deals}.sqlite3"
            path.unlink(missing_ok=True)
            database_url = f"sqlite:///{path}"
        env = dict(os.environ, DATABASE_URL=database_url,
                   DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE",
                                                         "dealmonitor.conf.dev"),
                   CONNECTIONS_BENCH="1")
        self.stdout.write(f"Benchmark database: {database_url.split('@')[-1]}")
        command = [sys.executable, "-c", "from dealmonitor.cli import main; main()",
                   "bench_related", "--inner", "--deals", str(deals), "--samples", str(samples)]
        result = subprocess.run(command, env=env, check=False)
        if result.returncode:
            raise CommandError("The benchmark failed.")

    def _run(self, n_deals, samples):
        from dealmonitor.connections import related, selectors

        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        from dealmonitor.deals.models import Deal

        if Deal.objects.exists():
            raise CommandError("The benchmark database is not empty; give a throwaway one.")
        self.stdout.write(f"Building {n_deals} synthetic deals …")
        counts = build_synthetic_portfolio(n_deals)
        self.stdout.write(
            f"  {counts} in {time.perf_counter() - start:.1f} s"
        )

        self.stdout.write(_load())
        start, cpu = time.perf_counter(), time.process_time()
        n, rows = related.build_all()
        rebuild = time.perf_counter() - start
        self.stdout.write(f"Full rebuild: {rebuild:.1f} s, of which {time.process_time() - cpu:.1f} s "
                          f"on the CPU ({n} deals, {rows} suggestions)")
        start, cpu = time.perf_counter(), time.process_time()
        related.build_all()
        again = time.perf_counter() - start
        self.stdout.write(f"Full rebuild again, over the stored lists: {again:.1f} s, of which "
                          f"{time.process_time() - cpu:.1f} s on the CPU")
        rebuild = max(rebuild, again)

        rng = random.Random(11)
        slugs = list(Deal.objects.values_list("slug", flat=True))
        timings = []
        for slug in rng.sample(slugs, min(samples, len(slugs))):
            start = time.perf_counter()
            deal = selectors.get_deal(None, slug)
            data = selectors.related_as_data(selectors.related_for_deal(None, deal)["items"])
            timings.append(time.perf_counter() - start)
            assert data is not None
        list_ms = statistics.median(timings) * 1000
        self.stdout.write(
            f"One deal's related list (read, with reasons): median {list_ms:.1f} ms, "
            f"max {max(timings) * 1000:.1f} ms over {len(timings)} deals"
        )
        updates = []
        for slug in rng.sample(slugs, 3):
            start = time.perf_counter()
            related.update_for_deal(Deal.objects.get(slug=slug).pk)
            updates.append(time.perf_counter() - start)
        self.stdout.write(
            f"Incremental update of one deal: median {statistics.median(updates):.1f} s "
            f"over {len(updates)} deals"
        )
        self.stdout.write(_load())
        ok = list_ms <= 200 and rebuild <= 60
        self.stdout.write(
            f"Targets (list <= 200 ms, rebuild <= 60 s): {'met' if ok else 'NOT met'}"
        )


def _load():
    """The machine's load, printed with the figures: on a shared machine the wall-clock times
    grow with it, the CPU times much less."""
    one, five, _fifteen = os.getloadavg()
    return f"Load average: {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def _text(rng, words, length):
    out = []
    for _ in range(length):
        out.append(rng.choice(FILLER) if rng.random() < 0.35 else words[
            min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)
        ])
    return " ".join(out).capitalize() + "."


def build_synthetic_portfolio(n_deals, seed=42):
    """Deals, organisations, people, themes, ambitions and results with realistic skew:
    a few ministries in many deals, municipalities in some, most organisations in one or
    two; a few people in several deals; some deals named in another's description."""
    from dealmonitor.deals.constants import AmbitionScope, DealKind, DealStatus, RoleKind
    from dealmonitor.deals.models import Ambition, Deal, Participation, Result, Role, Theme
    from dealmonitor.organisations.models import Organisation, Person

    rng = random.Random(seed)
    words = VOCABULARY[:]
    rng.shuffle(words)
    themes = Theme.objects.bulk_create([Theme(name=name) for name in THEMES])
    n_orgs = max(500, n_deals // 2)
    orgs = Organisation.objects.bulk_create([
        Organisation(slug=f"org-{i}", name=f"Organisatie {i}",
                     type="ministerie" if i < 12 else "gemeente" if i < 400 else "bedrijf")
        for i in range(n_orgs)
    ], batch_size=2000)
    people = Person.objects.bulk_create(
        [Person(slug=f"persoon-{i}") for i in range(n_deals * 2)], batch_size=2000
    )
    deals = []
    for i in range(n_deals):
        name = f"City Deal {words[i % len(words)].capitalize()} {i}"
        description = " ".join(_text(rng, words, rng.randint(12, 25)) for _ in range(3))
        if i > 10 and rng.random() < 0.02:
            older = f"{words[(i - 7) % len(words)].capitalize()} {i - 7}"
            description += f" De deal kwam voort uit de City Deal {older}."
        deals.append(Deal(slug=f"synth-{i}", name=name, kind=DealKind.CITY_DEAL,
                          status=DealStatus.LOPEND, description=description))
    deals = Deal.objects.bulk_create(deals, batch_size=2000)
    through = Deal.themes.through
    theme_rows, parts, roles, ambitions, results = [], [], [], [], []
    for i, deal in enumerate(deals):
        for theme in rng.sample(themes, rng.randint(1, 3)):
            theme_rows.append(through(deal_id=deal.pk, theme_id=theme.pk))
        chosen = set(rng.sample(range(12), rng.randint(1, 3)))  # ministries
        chosen.update(rng.randint(12, 399) for _ in range(rng.randint(1, 5)))  # municipalities
        size = rng.randint(6, 40)
        while len(chosen) < size:  # the rest: skewed, a few popular and a long tail of rare
            chosen.add(400 + int((n_orgs - 400) * rng.random() ** 2))
        parts.extend(Participation(deal_id=deal.pk, organisation_id=orgs[o].pk) for o in chosen)
        leader = people[i * 2] if rng.random() > 0.05 or i == 0 else people[(i - 1) * 2]
        roles.append(Role(deal_id=deal.pk, person_id=leader.pk, kind=RoleKind.PROJECTLEIDER))
        roles.append(Role(deal_id=deal.pk, person_id=people[i * 2 + 1].pk,
                          kind=RoleKind.PROJECTSECRETARIS))
        ambitions.append(Ambition(deal_id=deal.pk, text=_text(rng, words, 15),
                                  scope=AmbitionScope.DEAL))
        if rng.random() < 0.5:
            results.append(Result(deal_id=deal.pk, text=_text(rng, words, 12)))
    through.objects.bulk_create(theme_rows, batch_size=5000)
    Participation.objects.bulk_create(parts, batch_size=5000)
    Role.objects.bulk_create(roles, batch_size=5000)
    Ambition.objects.bulk_create(ambitions, batch_size=5000)
    Result.objects.bulk_create(results, batch_size=5000)
    return (f"{len(deals)} deals, {len(orgs)} organisations, {len(parts)} participations, "
            f"{len(roles)} roles")

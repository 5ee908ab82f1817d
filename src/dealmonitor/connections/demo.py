"""Community of Practice demo data on the real deals, through the ordinary services
(idempotent; run after `related --rebuild`, since the seating follows the suggestions).

Two real CoP meetings from the seed articles behind the demo data: the online coffee session
of 9 March 2021, where the project leaders of Een slimme stad and Eenvoudig Maatwerk found a
chance to strengthen each other on "smart and social" (the start of Slim Maatwerk), and the
year parade of 23 November 2023 in The Hague. Lessons are the ones told there, in our own
words. One planned meeting with every running deal, marked "Voorbeeld", shows the planner:
groups by phase, a seating plan and buddy proposals.
"""

import datetime as dt

from django.utils import timezone

from dealmonitor.deals.constants import DealStatus
from dealmonitor.deals.models import Deal

from . import cop, services
from .constants import LinkKind
from .models import CommunityEvent, Connection

D = dt.date

EVENTS = [
    {
        "title": "Themasessie: City Deals bij de koffieautomaat",
        "date": D(2021, 3, 9),
        "place": "online",
        "deals": ["cd-een-slimme-stad", "cd-ruimte-voor-lopen", "cd-energieke-wijken",
                  "cd-eenvoudig-maatwerk", "cd-lokale-weerbaarheid-cybercrime",
                  "cd-zicht-op-ondermijning", "cd-impact-ondernemen", "cd-woningabonnement",
                  "cd-circulair-conceptueel-bouwen", "cd-kennis-maken"],
        "connections": [
            ("cd-een-slimme-stad", "cd-eenvoudig-maatwerk", LinkKind.KNOWLEDGE_EXCHANGE,
             "In een break-out zagen de projectleiders kansen om elkaar te versterken op het "
             "thema 'smart en sociaal'; later bundelden de deals hun netwerk in Slim Maatwerk."),
        ],
        "lessons": [
            ("cd-een-slimme-stad", "Laat elke partner een financiële bijdrage leveren: zo "
             "filter je op motivatie in een deal met veel partners."),
            ("cd-eenvoudig-maatwerk", "Een deal die afloopt moet zorgen dat gemeenten nieuwe "
             "ideeën zelf oppakken; als zij ze niet dragen, werkt het niet."),
            ("cd-lokale-weerbaarheid-cybercrime", "Modelverordeningen van de VNG worden door "
             "zo'n negen op de tien gemeenten overgenomen: een route om resultaten te borgen."),
            ("cd-impact-ondernemen", "Met tachtig partners blijf je wendbaar door de deal in drie "
             "sporen te verdelen, elk met een eigen trekker."),
            (None, "Denk ruim voor het einde na over borging, voordat het te laat is."),
        ],
    },
    {
        "title": "Jaarparade van de Community of Practice",
        "date": D(2023, 11, 23),
        "place": "Den Haag",
        "deals": ["cd-fietsen-voor-iedereen", "cd-energieke-wijken",
                  "cd-lokale-weerbaarheid-cybercrime", "cd-een-slimme-stad", "cd-slim-maatwerk",
                  "cd-impact-ondernemen", "cd-kennis-maken", "cd-ruimte-voor-lopen"],
        "connections": [],
        "lessons": [
            ("cd-fietsen-voor-iedereen", "Gemeenten hebben uitvoeringscapaciteit nodig; benoem "
             "dat bij de start, dan is er snel extra budget te vinden."),
            ("cd-lokale-weerbaarheid-cybercrime", "Na innoveren en implementeren komt borgen: "
             "organiseer bestuurlijk draagvlak en beleg kennis en instrumenten bij hun natuurlijke "
             "beheerders."),
            ("cd-slim-maatwerk", "Loop in het sociaal domein niet te ver voor de partners uit."),
            ("cd-impact-ondernemen", "Drie jaar is kort voor een ecosysteem; de deal streeft naar "
             "twee jaar verlenging."),
            (None, "Verloop van mensen is lastig op te vangen; toezeggen dat een deal in drie jaar "
             "klaar is, blijkt vaak te krap."),
        ],
    },
]
EXAMPLE_TITLE = "Voorbeeld: CoP over opschalen en borgen"


def _deals(slugs):
    found = {d.slug: d for d in Deal.objects.filter(slug__in=slugs)}
    return [found[s] for s in slugs if s in found]


def load(stdout=None):
    counts = {"events": 0, "connections": 0, "lessons": 0, "tables": 0}
    for spec in EVENTS:
        deals = _deals(spec["deals"])
        if not deals or CommunityEvent.objects.filter(title=spec["title"], date=spec["date"]).exists():
            continue
        event = services.create_event(actor=None, title=spec["title"], date=spec["date"],
                                      place=spec["place"], deals=deals)
        counts["events"] += 1
        by_slug = {d.slug: d for d in deals}
        for a, b, kind, note in spec["connections"]:
            if a in by_slug and b in by_slug and not Connection.objects.filter(
                deal_a__in=[by_slug[a], by_slug[b]], deal_b__in=[by_slug[a], by_slug[b]]
            ).exists():
                services.record_event_connection(actor=None, event=event, deal=by_slug[a],
                                                 other=by_slug[b], kind=kind, note=note)
                counts["connections"] += 1
        for slug, text in spec["lessons"]:
            services.record_event_lesson(actor=None, event=event, text=text,
                                         deal=by_slug.get(slug) if slug else None)
            counts["lessons"] += 1
    if not CommunityEvent.objects.filter(title=EXAMPLE_TITLE).exists():
        date = timezone.localdate() + dt.timedelta(days=60)
        running = list(Deal.objects.exclude(status=DealStatus.AFGEROND).order_by("name"))
        if running:
            event = services.create_event(actor=None, title=EXAMPLE_TITLE, date=date,
                                          place="Utrecht", deals=running)
            counts["events"] += 1
            tables = services.save_seating(actor=None, event=event,
                                           tables=cop.propose_seating(running))
            counts["tables"] += len(tables)
    if stdout:
        stdout.write("connections demo: " + ", ".join(f"{v} {k}" for k, v in counts.items())
                     + " created")
    return counts

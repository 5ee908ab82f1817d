"""Learning demo data on the real deals, through the ordinary services (idempotent).

Facts come from the demo data file and the seed articles (the ISDE change that Energieke
Wijken achieved, the Crowd Safety Manager and its users, the national approaches that deals
fed into, the bottlenecks Bronckhorst named in the Town Deal). Where the sources give no
date, the note on the record says which date was taken instead. Everything invented to show
a feature (self-assessment scores, one bottleneck raised with a ministry) is flagged
`is_example` and shown as "voorbeeld".
"""

import datetime as dt

from dealmonitor.deals.constants import Phase
from dealmonitor.deals.models import Deal
from dealmonitor.organisations.models import Organisation

from . import services
from .constants import BottleneckKind, BottleneckStatus, DeliverableKind, LessonKind, RuleLevel, UptakeKind, Visibility
from .models import AssessmentRound, Bottleneck, Deliverable, Experiment, Lesson, Milestone, ScalingPlan, StartConversation, Uptake

D = dt.date
RVO_ISDE = "https://www.rvo.nl/subsidies-financiering/isde/gemeenten"
NO_DATE = "De bronnen noemen geen datum; de ondertekening van de deal is als begin genomen."


def _deal(slug):
    return Deal.objects.filter(slug=slug).first()


def _org(slug):
    return Organisation.objects.filter(slug=slug).first()


def _bottleneck(deal, title, history, **fields):
    existing = Bottleneck.objects.filter(deal=deal, title=title).first()
    if existing:
        return existing, False
    (status, date, note), *rest = history
    b = services.report_bottleneck(actor=None, deal=deal, title=title, signalled_on=date, note=note,
                                   reason="demo", **fields)
    for status, date, note in rest:
        services.change_bottleneck_status(actor=None, bottleneck=b, status=status, date=date, note=note,
                                          reason="demo")
    return b, True


def _lesson(deal, title, **fields):
    if Lesson.objects.filter(deal=deal, title=title).exists():
        return False
    services.save_lesson(actor=None, deal=deal, title=title, reason="demo",
                         themes=list(deal.themes.all()), **fields)
    return True


def _uptake(deal, title, **fields):
    if Uptake.objects.filter(deal=deal, title=title).exists():
        return False
    services.save_uptake(actor=None, deal=deal, title=title, reason="demo", **fields)
    return True


def _deliverable(deal, name, adopters=(), **fields):
    d = Deliverable.objects.filter(deal=deal, name=name).first()
    if d:
        return d, False
    d = services.save_deliverable(actor=None, deal=deal, name=name, reason="demo", **fields)
    for adopter in adopters:
        services.add_adoption(actor=None, deliverable=d, reason="demo", **adopter)
    return d, True


def load(stdout=None):
    counts = {"bottlenecks": 0, "lessons": 0, "uptake": 0, "deliverables": 0, "rounds": 0}
    services.ensure_default_template(actor=None)

    ew = _deal("cd-energieke-wijken")
    if ew:
        isde, new = _bottleneck(
            ew, "Gemeenten konden de ISDE niet namens bewoners aanvragen",
            [
                (BottleneckStatus.GESIGNALEERD, D(2021, 3, 4), NO_DATE),
                (BottleneckStatus.OPGELOST, D(2024, 1, 1),
                 "Ingang volgens het CoP-verslag van november 2023; RVO noemt 1 februari 2024 voor offerte en uitbetaling."),
            ],
            kind=BottleneckKind.REGELGEVING,
            rule="Investeringssubsidie duurzame energie en energiebesparing (ISDE)",
            level=RuleLevel.RIJK,
            description="Bewoners moesten de subsidie zelf aanvragen en voorschieten; dat houdt juist "
                        "huishoudens met weinig geld tegen bij het verduurzamen van hun woning.",
            resolution="Op voorspraak van de deal mogen gemeenten de ISDE namens bewoners aanvragen en "
                       "hen zo financieel ontzorgen. De wijziging staat ook in een Kamerbrief.",
        )
        counts["bottlenecks"] += new
        counts["uptake"] += _uptake(
            ew, "ISDE-regeling aangepast: gemeenten vragen aan namens bewoners",
            kind=UptakeKind.REGELGEVING, date=D(2024, 1, 1), evidence_url=RVO_ISDE, bottleneck=isde,
            description="Een doorbraak in regelgeving die de deal bij het Rijk agendeerde.",
        )
        counts["lessons"] += _lesson(
            ew, "Doorbraken in regelgeving leveren bewoners direct iets op",
            kind=LessonKind.SUCCES, phase="", visibility=Visibility.PROGRAMMA,
            learned_on=D(2023, 11, 23), tags="ISDE, subsidie, regelgeving",
            text="Door knelpunten in wet- en regelgeving uit de praktijk van de wijken bij het Rijk "
                 "op tafel te leggen, kreeg de deal de ISDE-regeling aangepast: gemeenten mogen de "
                 "subsidie nu namens bewoners aanvragen. Zo'n knelpunt vraagt een lange adem, maar "
                 "de winst landt direct bij de huishoudens.",
            bottlenecks=[isde],
        )
        _deliverable(
            ew, "Dashboard Geldstromen in de wijk", kind=DeliverableKind.INSTRUMENT,
            description="Toont per wijk de geldstromen van gemeente, huishoudens en zorgkosten; "
                        "gemaakt door Zicht op Overheid.",
        )
        counts["rounds"] += _example_rounds(ew)

    slim = _deal("cd-een-slimme-stad")
    if slim:
        _, new = _deliverable(
            slim, "Crowd Safety Manager", kind=DeliverableKind.INSTRUMENT,
            description="Volgt en voorspelt drukte in de stad en bij evenementen; technisch getest "
                        "tijdens de Invictus Games.",
            adopters=[
                {"organisation": _org("gemeente-rotterdam"), "adopter": "" if _org("gemeente-rotterdam") else "Gemeente Rotterdam",
                 "note": "Ingezet op Koningsdag."},
                {"adopter": "meerdere steden", "note": "Volgens de bronnen inmiddels door meerdere steden gebruikt."},
            ],
        )
        counts["deliverables"] += new
        _deliverable(slim, "Afwegingskader Sensordata en Privacy", kind=DeliverableKind.HANDREIKING,
                     description="Stappenplan van dertien stappen voor een zorgvuldige inzet van sensoren.")
        counts["uptake"] += _uptake(
            slim, "Toolbox ondergebracht bij Dutch Metropolitan Innovations (DMI)",
            kind=UptakeKind.ORGANISATIE,
            description="DMI werkt aan standaardisatie, zodat een stelsel van afspraken ontstaat.",
        )
        counts["uptake"] += _uptake(
            slim, "Deal genoemd in de Nationale Omgevingsvisie", kind=UptakeKind.BELEIDSPROGRAMMA,
        )
        counts["uptake"] += _uptake(
            slim, "Twee instrumenten over burgermeetinitiatieven opgeschaald in een Europees project",
            kind=UptakeKind.ADOPTIE, date=D(2021, 6, 1),
        )

    for slug, title, kind, date, evidence in [
        ("cd-circulair-conceptueel-bouwen", "Bijdrage aan de Nationale Aanpak Biobased Bouwen (NABB)",
         UptakeKind.NATIONALE_AANPAK, None, ""),
        ("cd-ruimte-voor-lopen", "Nationaal Masterplan Lopen, ondertekend door 60 organisaties",
         UptakeKind.NATIONALE_AANPAK, D(2024, 10, 1), ""),
        ("cd-ruimte-voor-lopen", "Loopbeleid onderdeel van de mobiliteitsvisie van het Rijk",
         UptakeKind.BELEIDSPROGRAMMA, D(2023, 7, 13), ""),
    ]:
        deal = _deal(slug)
        if deal:
            counts["uptake"] += _uptake(deal, title, kind=kind, date=date, evidence_url=evidence)

    cyber = _deal("cd-lokale-weerbaarheid-cybercrime")
    if cyber:
        _, new = _deliverable(cyber, "Cyberwegenkaart mkb", kind=DeliverableKind.INSTRUMENT,
                              description="Vijf projecten voor ondernemers, waaronder de Hackhelpdesk; gelanceerd op 9 april 2024.")
        counts["deliverables"] += new
        counts["lessons"] += _lesson(
            cyber, "Borgen begint met bestuurlijk draagvlak",
            kind=LessonKind.INZICHT, phase="", visibility=Visibility.PROGRAMMA, learned_on=D(2023, 11, 23),
            tags="borgen, opschalen", text="Na twee tranches met projecten organiseerde de deal steun van "
            "ministeries, banken en politie voor een derde tranche die op borgen is gericht. De opgave "
            "daarna: kennis en instrumenten onderbrengen bij de partijen die ze van nature gaan beheren.",
        )
        b, new = _bottleneck(
            cyber, "Voorbeeld: gegevens over slachtoffers van online fraude niet te delen",
            [(BottleneckStatus.GESIGNALEERD, D(2023, 3, 1), ""),
             (BottleneckStatus.GEAGENDEERD, D(2023, 9, 1), "")],
            kind=BottleneckKind.DATA, level=RuleLevel.RIJK,
            ministry=_org("ministerie-van-justitie-en-veiligheid"), is_example=True,
            description="Verzonnen voorbeeld om te laten zien hoe een knelpunt bij een ministerie loopt.",
        )
        counts["bottlenecks"] += new

    streken = _deal("td-sterke-streken")
    if streken:
        note = "Genoemd door de gemeente Bronckhorst; de bron geeft geen datum, het begin van de Town Deal is genomen."
        start = streken.signing_date or D(2023, 1, 1)
        for title, kind, descr in [
            ("Regels passen niet bij een gebiedsprogramma dat opgaven koppelt", BottleneckKind.REGELGEVING,
             "In de Regiorotonde willen energie, droogte, hergebruik van nutriënten en leefbare kernen "
             "samen worden aangepakt; bestaande regels gaan uit van losse opgaven."),
            ("Kleine gemeenten kunnen deskundigen moeilijk aan zich binden", BottleneckKind.ORGANISATIE,
             "Grotere gemeenten betalen meer voor vergelijkbaar werk; daardoor huren kleine gemeenten "
             "veel externen in. Hulp van deskundigen van de provincie is een mogelijke oplossing."),
        ]:
            _, new = _bottleneck(streken, title, [(BottleneckStatus.GESIGNALEERD, start, note)],
                                 kind=kind, level=RuleLevel.GEMEENTE if kind == BottleneckKind.ORGANISATIE else RuleLevel.RIJK,
                                 description=descr)
            counts["bottlenecks"] += new

    fiets = _deal("cd-fietsen-voor-iedereen")
    if fiets:
        _, new = _bottleneck(
            fiets, "Gemeenten missen uitvoeringscapaciteit",
            [(BottleneckStatus.GESIGNALEERD, fiets.signing_date or D(2023, 10, 1), "Bleek bij de start van de deal."),
             (BottleneckStatus.OPGELOST, D(2023, 11, 23), "Gemeld in de CoP-jaarparade van november 2023.")],
            kind=BottleneckKind.FINANCIERING, level=RuleLevel.GEMEENTE,
            resolution="Er is direct extra budget gezocht en gevonden.",
        )
        counts["bottlenecks"] += new
        counts["lessons"] += _lesson(
            fiets, "Vraag bij de start naar uitvoeringscapaciteit", kind=LessonKind.INZICHT,
            visibility=Visibility.PROGRAMMA, learned_on=D(2023, 11, 23), phase="",
            text="Meteen na de ondertekening bleek dat gemeenten mensen nodig hebben om de plannen uit "
                 "te voeren. Door dat vroeg te benoemen kon er snel extra budget worden gevonden.",
        )

    kennis = _deal("cd-kennis-maken")
    if kennis:
        counts["lessons"] += _lesson(
            kennis, "Een projectenpot kan te klein blijken voor de goede voorstellen", kind=LessonKind.SUCCES,
            visibility=Visibility.PROGRAMMA, learned_on=D(2023, 12, 31), phase="",
            text="De pot van 5 miljoen euro kreeg zoveel goede voorstellen dat er extra geld werd gezocht "
                 "en gevonden. Reken bij een regeling op meer belangstelling dan verwacht.",
        )

    maatwerk = _deal("cd-slim-maatwerk")
    if maatwerk:
        counts["lessons"] += _lesson(
            maatwerk, "Niet te ver voor de troepen uit lopen", kind=LessonKind.TEGENSLAG,
            visibility=Visibility.PROGRAMMA, learned_on=D(2023, 11, 23), phase="",
            text="In het sociale domein is de uitdaging om partners mee te nemen in het tempo dat zij "
                 "aankunnen; te snel gaan kost draagvlak.",
        )

    for part in (_more_facts(), _plans_milestones_experiments()):
        for key, n in part.items():
            counts[key] = counts.get(key, 0) + n
    counts["phase changes"] = _phases()
    if stdout:
        stdout.write("learning demo: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + " created")
    return counts


EXAMPLE_SCORES = {
    # (round, organisation slug): scores per statement code, in template order
    ("Tussenmeting 2023", "gemeente-rotterdam"): [3, 4, 3, 2, 3, 3, 4, 3, 2, 2, 3, 2],
    ("Tussenmeting 2023", "gemeente-tilburg"): [2, 3, 4, 3, 2, 3, 3, 3, 2, 1, 2, 2],
    ("Tussenmeting 2024", "gemeente-rotterdam"): [4, 4, 4, 3, 3, 4, 5, 4, 4, 3, 3, 2],
    ("Tussenmeting 2024", "gemeente-tilburg"): [3, 4, 4, 3, 3, 3, 5, 4, 4, 2, 3, 3],
}


def _example_rounds(deal):
    created = 0
    for name, opened, closed, reflection, lessons in [
        ("Tussenmeting 2023", D(2023, 3, 1), D(2023, 4, 15),
         "Voorbeeld: de partners zijn kritisch over borging en over de afhankelijkheid van enkele personen.",
         "Voorbeeld: spreek per resultaat af wie het na de deal beheert"),
        ("Tussenmeting 2024", D(2024, 3, 1), D(2024, 4, 15),
         "Voorbeeld: het agenderen van knelpunten scoort hoger sinds de ISDE-wijziging; borging blijft een zorg.",
         "Voorbeeld: een opgelost knelpunt versterkt het vertrouwen van partners in de deal"),
    ]:
        if AssessmentRound.objects.filter(deal=deal, name=name).exists():
            continue
        rnd = services.open_round(actor=None, deal=deal, name=name, opened_on=opened, is_example=True,
                                  reason="demo")
        statements = list(rnd.template.statements.all())
        for (round_name, org_slug), scores in EXAMPLE_SCORES.items():
            org = _org(org_slug)
            if round_name != name or org is None or not deal.participations.filter(organisation=org).exists():
                continue
            services.save_answers(
                actor=None, round=rnd, organisation=org, is_example=True, reason="demo",
                answers={s.pk: (score, "") for s, score in zip(statements, scores)},
            )
        services.close_round(actor=None, round=rnd, reflection=reflection, lessons=lessons,
                             closed_on=closed, is_example=True, reason="demo")
        created += 1
    return created


def _plans_milestones_experiments():
    counts = {"plans": 0, "milestones": 0, "experiments": 0}
    slim = _deal("cd-een-slimme-stad")
    if slim and not ScalingPlan.objects.filter(deal=slim).exists():
        services.save_scaling_plan(
            actor=None, deal=slim, reviewed_on=D(2023, 11, 23), reason="demo",
            route="opschalen", owner_after="Dutch Metropolitan Innovations (DMI)",
            route_explanation="De toolbox voor democratisch en doordacht digitaliseren kreeg een thuis "
                              "bij DMI, dat werkt aan standaardisatie. Datum: de CoP-jaarparade waar dit werd verteld.",
        )
        counts["plans"] += 1
    cyber = _deal("cd-lokale-weerbaarheid-cybercrime")
    if cyber and not ScalingPlan.objects.filter(deal=cyber).exists():
        services.save_scaling_plan(
            actor=None, deal=cyber, reviewed_on=D(2023, 11, 23), reason="demo", route="opschalen",
            route_explanation="Een derde tranche richt zich op borgen, zodat instrumenten ook buiten de "
                              "deal beschikbaar komen. Datum: de CoP-jaarparade waar dit werd verteld.",
            scaling_partners="Ministeries, banken en politie zijn aangehaakt.",
            owner_after="Nog te beleggen bij de natuurlijke partners van de instrumenten.",
        )
        counts["plans"] += 1
    ew = _deal("cd-energieke-wijken")
    if ew and not StartConversation.objects.filter(deal=ew).exists():
        services.save_start_conversation(
            actor=None, deal=ew, reviewed_on=D(2024, 3, 1), reason="demo", is_example=True,
            participants="Voorbeeld: dealmaker, projectleider, secretaris en communicatieadviseur.",
            client="Voorbeeld: de gezamenlijke stuurgroep; geen van de partners alleen.",
            way_of_working="programma",
            escalation="Voorbeeld: eerst de dealmaker, dan de stuurgroep.",
            picture_of_success="Voorbeeld: bewoners merken dat verduurzamen hun vaste lasten verlaagt.",
        )
        counts["plans"] += 1
    for slug, title, reached, note in [
        ("cd-ruimte-voor-lopen", "Contourendocument voor een Nationaal Masterplan Lopen", D(2024, 5, 1), "mei 2024"),
        ("cd-ruimte-voor-lopen", "Nationaal Masterplan Lopen ondertekend", D(2024, 10, 1),
         "oktober 2024; 60 organisaties, 30 acties"),
        ("cd-tijdloze-grachten", "Kernopgave en kernteam rond; de deal gaat definitief door", D(2024, 6, 27), ""),
        ("cd-kennis-maken", "Alle negentien deelnemende steden met hun projecten gestart", D(2019, 1, 1), "januari 2019"),
    ]:
        deal = _deal(slug)
        if deal and not Milestone.objects.filter(deal=deal, title=title).exists():
            services.save_milestone(actor=None, deal=deal, title=title, reached_on=reached, note=note, reason="demo")
            counts["milestones"] += 1
    for slug, title, fields in [
        ("cd-inclusieve-stad", "Experimenten in inclusieve wijken", {
            "setting": "Wijken van de deelnemende steden, met onder meer een leertuin in Eindhoven; "
                       "gebaseerd op een analyse van honderd complexe casussen uit wijkteams (2016).",
            "started_on": D(2017, 1, 1),
            "result": "Onderzoek 'Doen wat nodig is voor inwoners' (februari 2018): cliënten werden beter "
                      "geholpen en sociaal werkers konden buiten gebaande paden handelen, onder meer dankzij "
                      "een flexibel budget en trainingen.",
        }),
        ("cd-een-slimme-stad", "Crowd Safety Manager in de praktijk", {
            "setting": "Technisch getest tijdens de Invictus Games.",
            "result": "Door Rotterdam ingezet op Koningsdag en inmiddels door meerdere steden gebruikt.",
        }),
        ("cd-woningabonnement", "Abonnement op energiebesparende maatregelen", {
            "setting": "Huiseigenaren.", "started_on": D(2017, 1, 1),
        }),
    ]:
        deal = _deal(slug)
        if deal and not Experiment.objects.filter(deal=deal, title=title).exists():
            services.save_experiment(actor=None, deal=deal, title=title, reason="demo", **fields)
            counts["experiments"] += 1
    return counts


# Phases the sources describe, as (deal, phase, date it began, note). Dates the sources give
# less precisely are stored as a day with the precision said in the note.
PHASES = [
    ("cd-impact-ondernemen", Phase.AANJAGEN, D(2021, 3, 11),
     "Ondertekening; de eerste fase stond in het teken van netwerkopbouw en experimenten."),
    ("cd-impact-ondernemen", Phase.BORGEN, D(2024, 3, 15),
     "Rond medio maart 2024 liep fase 1 af; fase 2 (2024-2026) is gericht op opschalen."),
    ("cd-energieke-wijken", Phase.AANJAGEN, D(2021, 3, 4), "Ondertekening."),
    ("cd-ruimte-voor-lopen", Phase.AANJAGEN, D(2020, 12, 14), "Ondertekening."),
    ("cd-ruimte-voor-lopen", Phase.BORGEN, D(2024, 10, 1),
     "Oktober 2024: het Nationaal Masterplan Lopen is de afsluiting en borging van de deal."),
    ("cd-lokale-weerbaarheid-cybercrime", Phase.AANJAGEN, D(2020, 1, 1),
     "2020 (jaar); tranches gericht op innoveren en implementeren."),
    ("cd-lokale-weerbaarheid-cybercrime", Phase.BORGEN, D(2023, 11, 23),
     "Derde tranche gericht op borgen, verteld in de CoP van 23 november 2023."),
    ("cd-fietsen-voor-iedereen", Phase.AANJAGEN, D(2023, 10, 9), "Ondertekening op de Dag van de Stad."),
    ("cd-slim-maatwerk", Phase.AANJAGEN, D(2022, 6, 27), "Ondertekening."),
    ("td-sterke-streken", Phase.AANJAGEN, D(2023, 5, 11), "Ondertekening."),
    ("cd-tijdloze-grachten", Phase.VERKENNEN, D(2024, 6, 27),
     "Kernopgave en kernteam rond; besloten dat de deal definitief doorgaat."),
    ("cd-tijdloze-grachten", Phase.AANJAGEN, D(2024, 9, 25), "Ondertekening."),
    ("td-krachtige-kernen", Phase.VERKENNEN, D(2024, 6, 1), "Juni 2024: volop in verkenning."),
]


def _phases():
    """Phase transitions through the deals' own service, each once (idempotent)."""
    from dealmonitor.deals.services import change_deal_phase

    created = 0
    for slug, phase, started_on, note in PHASES:
        deal = _deal(slug)
        if deal is None or deal.phase_changes.filter(phase=phase).exists():
            continue
        last = deal.phase_changes.exclude(started_on=None).order_by("-started_on").first()
        if deal.phase == phase or (last and last.started_on > started_on):
            continue  # the deal team moved on; the demo does not rewrite its history
        change_deal_phase(actor=None, deal=deal, phase=phase, started_on=started_on, note=note)
        deal.refresh_from_db()
        created += 1
    return created


def _more_facts():
    """Further bottlenecks, uptake and deliverables the data file states."""
    counts = {"bottlenecks": 0, "uptake": 0, "deliverables": 0}
    woning = _deal("cd-woningabonnement")
    if woning:
        _, new = _bottleneck(
            woning, "Financiering kan niet aan de woning worden gekoppeld",
            [(BottleneckStatus.GESIGNALEERD, D(2017, 1, 1),
              "2017 (jaar van de pilot); de bronnen geven geen precieze datum.")],
            kind=BottleneckKind.REGELGEVING, level=RuleLevel.RIJK,
            description="In de pilot bleek het koppelen van de financiering aan de woning lastiger dan "
                        "verwacht. Volgens de projectleider hangt de looptijd van de deal af van het "
                        "moment waarop de wetgeving is aangepast.",
        )
        counts["bottlenecks"] += new
    bouwen = _deal("cd-binnenstedelijk-bouwen-transformatie")
    if bouwen:
        _, new = _bottleneck(
            bouwen, "Ook bij maximale inzet zijn andere regels en financiële instrumenten nodig",
            [(BottleneckStatus.GESIGNALEERD, bouwen.signing_date or D(2016, 4, 1),
              "Conclusie na de eerste fase; de bron geeft geen datum, de start van de deal is genomen.")],
            kind=BottleneckKind.REGELGEVING, level=RuleLevel.RIJK,
            description="Alle transformatieprojecten zijn doorgelicht op versnelling binnen de "
                        "bestaande kaders; dat bleek niet genoeg om de woningbouw te versnellen.",
        )
        counts["bottlenecks"] += new
    zicht = _deal("cd-zicht-op-ondermijning")
    if zicht:
        _, new = _deliverable(
            zicht, "Dashboard Zicht op Ondermijning", kind=DeliverableKind.DATASET,
            url="https://www.zichtopondermijning.nl/",
            description="Openbaar dashboard met analyses over onder meer vastgoedfraude en "
                        "drugscriminaliteit; eerste versie december 2019, update juli 2020.",
            adopters=[{"adopter": "alle Nederlandse gemeenten",
                       "note": "Het dashboard biedt informatie voor alle gemeenten."}],
        )
        counts["deliverables"] += new
        counts["uptake"] += _uptake(
            zicht, "Kabinet trekt extra geld uit om de deal voort te zetten en uit te breiden",
            kind=UptakeKind.BELEIDSPROGRAMMA,
            description="Deel van 100 miljoen euro over tien jaar voor een weerbaar openbaar bestuur: "
                        "meer (kleine) gemeenten en een dashboard met leefbaarheid, wonen, "
                        "vakantieparken en maatschappelijke onrust.",
        )
    hub = _deal("cd-health-hub")
    if hub:
        counts["uptake"] += _uptake(
            hub, "Het netwerk groeide uit tot de regio-alliantie Health Hub Utrecht",
            kind=UptakeKind.ORGANISATIE,
        )
        counts["uptake"] += _uptake(
            hub, "Inbreng van de coalities terug in de regionale uitwerking van het Integraal Zorgakkoord",
            kind=UptakeKind.BELEIDSPROGRAMMA,
        )
        _, new = _deliverable(hub, "Handreiking valpreventie", kind=DeliverableKind.HANDREIKING)
        counts["deliverables"] += new
    inclusief = _deal("cd-inclusieve-stad")
    if inclusief:
        counts["uptake"] += _uptake(
            inclusief, "Doorstart in het traject Eenvoudig Maatwerk van het Programma Sociaal Domein",
            kind=UptakeKind.BELEIDSPROGRAMMA,
        )
    impact = _deal("cd-impact-ondernemen")
    if impact:
        _, new = _deliverable(impact, "Rapport Impact Meten", kind=DeliverableKind.PUBLICATIE,
                              description="Afgerond en gepresenteerd in juni 2023.")
        counts["deliverables"] += new
        _, new = _deliverable(
            impact, "Rapport over impactvol aanbesteden", kind=DeliverableKind.PUBLICATIE,
            description="Van de werkgroep Impactvol Inkopen; gemeenten werden daarna uitgenodigd voor "
                        "een pilot om het in de praktijk te brengen.",
        )
        counts["deliverables"] += new
    ccb = _deal("cd-circulair-conceptueel-bouwen")
    if ccb:
        _, new = _deliverable(ccb, "Biobased magazines", kind=DeliverableKind.PUBLICATIE,
                              description="Drie online magazines met voorbeeldprojecten, materiaalinformatie "
                                          "en businesscases.")
        counts["deliverables"] += new
    return counts

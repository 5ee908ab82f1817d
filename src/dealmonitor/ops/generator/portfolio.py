"""Builds the synthetic portfolio; see the package docstring."""

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from dealmonitor.utils import bulk, cache

from . import words as W

FLAGSHIP_SLUG = "cd-energieke-wijken-vlaggenschip"
FLAGSHIP_INDICATORS = 200
FLAGSHIP_QUARTERS = 12


@dataclass(frozen=True)
class Spec:
    """The size of a portfolio. Everything else follows from these four numbers: per deal
    about 5 lessons, 2 bottlenecks, 1 deliverable, 6 pathway elements, 4 or 5 roles."""

    deals: int
    organisations: int
    indicators: int
    measurements: int


SCALES = {
    "S": Spec(deals=30, organisations=600, indicators=600, measurements=15_000),
    "M": Spec(deals=1_000, organisations=20_000, indicators=20_000, measurements=500_000),
    "L": Spec(deals=10_000, organisations=100_000, indicators=200_000, measurements=5_000_000),
}

TODAY = dt.date(2026, 6, 30)  # fixed, so a seed gives the same data on any day


class Ids:
    """Ids handed out by the generator, per model, after the largest id already there."""

    def __init__(self):
        self.next = {}

    def take(self, model, n):
        if model not in self.next:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next[model] = last + 1
        start = self.next[model]
        self.next[model] = start + n
        return range(start, start + n)


def _spread(total, parts, rng, low=0.4, high=1.6):
    """`total` split into `parts` whole numbers that vary around the mean and add up."""
    if parts <= 0:
        return []
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    short = total - sum(counts)
    for i in range(short):
        counts[i % parts] += 1
    return counts


def _name(rng, pattern, topic_words, place="", **extra):
    w = rng.sample(topic_words, 2)
    return pattern.format(w1=w[0], w2=w[1], place=place, **extra)


def _person_name(rng):
    return f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.SURNAMES).replace('-', ' ')}"


def _place(name):
    return name.replace("-", " ").replace("Den Haag", "Den Haag")


class Builder:
    def __init__(self, spec, seed, log, namespace=""):
        self.spec = spec
        self.ns = namespace
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids = Ids()
        self.log = log
        self.counts = {}
        self.now = timezone.now()

    def rows(self, model, columns, rows):
        started = time.perf_counter()
        n = bulk.write(model, columns, rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n
        self.log(f"  {label}: {n:,} rows in {time.perf_counter() - started:.1f} s")
        return n

    # Organisations and people ------------------------------------------------------------

    def organisations(self):
        from dealmonitor.organisations.constants import government_level_for
        from dealmonitor.organisations.models import Organisation

        rng = random.Random(self.seed + 1)
        n = self.spec.organisations
        fixed = (
            [(name, "ministerie", "") for name in W.MINISTRIES]
            + [(f"Provincie {p}", "provincie", "") for p in W.PROVINCES]
            + [(name, "waterschap", "") for name in W.WATER_BOARDS]
            + [(name, "zbo", "") for name in W.ZBOS]
            + [(f"Gemeente {_place(m)}", "gemeente", f"GM{i + 1:04d}")
               for i, m in enumerate(W.MUNICIPALITIES)]
        )
        fixed = fixed[: max(0, n)]
        names, seen = [], set()
        for name, kind, code in fixed:
            names.append((name, kind, code))
            seen.add(name)
        kinds = [("bedrijf", 50), ("maatschappelijke organisatie", 14), ("kennisinstelling", 8),
                 ("adviesbureau", 10), ("intermediair", 6), ("financier", 3),
                 ("inwonersinitiatief", 9)]
        population = [k for k, w in kinds for _ in range(w)]
        while len(names) < n:
            kind = rng.choice(population)
            place = _place(rng.choice(W.MUNICIPALITIES))
            if kind == "bedrijf":
                base = f"{rng.choice(W.COMPANY_STEMS)}{rng.choice(W.COMPANY_WORK).lower()}"
                if rng.random() < 0.5:
                    base = f"{rng.choice(W.SURNAMES).replace('-', ' ').title()} {rng.choice(W.COMPANY_WORK)}"
                name = f"{base} {rng.choice(W.COMPANY_FORMS)}".strip()
            elif kind == "adviesbureau":
                name = f"{rng.choice(W.SURNAMES).replace('-', ' ').title()} & {rng.choice(W.SURNAMES).replace('-', ' ').title()} Advies"
            elif kind == "kennisinstelling":
                name = f"{rng.choice(W.KNOWLEDGE)} {place}"
            elif kind == "intermediair":
                name = f"{rng.choice(W.INTERMEDIARIES)} {place}"
            elif kind == "financier":
                name = f"{rng.choice(W.FINANCIERS)} {place}"
            elif kind == "inwonersinitiatief":
                name = f"Bewonersinitiatief {rng.choice(W.COMPANY_STEMS)} {place}"
            else:
                name = f"Stichting {rng.choice(W.FOUNDATION_WORK)} {place}"
            if name in seen:
                name = f"{name} ({place})" if f"({place})" not in name else f"{name} {len(names)}"
                if name in seen:
                    name = f"{name} {len(names)}"
            seen.add(name)
            names.append((name, kind, ""))
        ids = self.ids.take(Organisation, len(names))
        slugs, used = [], set()
        for name, _kind, _code in names:
            slug = self.ns + (slugify(name, allow_unicode=True)[:190] or "organisatie")
            if slug in used:
                slug = f"{slug}-{len(slugs)}"
            used.add(slug)
            slugs.append(slug)
        self.org_ids = list(ids)
        self.org_kinds = [k for _, k, _ in names]
        self.org_names = [nm for nm, _, _ in names]
        self.rows(Organisation, ["id", "slug", "name", "type", "government_level", "cbs_code"], (
            (pk, slug, name, kind, government_level_for(kind), code)
            for pk, slug, (name, kind, code) in zip(ids, slugs, names)
        ))

    # Deals --------------------------------------------------------------------------------

    def deals(self):
        from dealmonitor.deals.models import Deal, PhaseChange, Theme

        rng = self.rng
        n = self.spec.deals
        existing = dict(Theme.objects.filter(name__in=W.THEMES).values_list("name", "pk"))
        new = [name for name in W.THEMES if name not in existing]
        theme_ids = self.ids.take(Theme, len(new))
        self.rows(Theme, ["id", "name"], zip(theme_ids, new))
        existing.update(zip(new, theme_ids))
        self.theme_ids = [existing[name] for name in W.THEMES]

        kinds = ["city_deal"] * 5 + ["town_deal", "regio_deal", "regio_deal", "green_deal", "other"]
        prefix = {"city_deal": "City Deal", "town_deal": "Town Deal", "regio_deal": "Regio Deal",
                  "green_deal": "Green Deal", "other": "Woondeal"}
        phases = ["verkennen", "aanjagen", "aanjagen", "leren", "leren", "borgen"]
        ids = list(self.ids.take(Deal, n))
        self.deal_ids = ids
        self.deal_info = []
        rows, seen = [], set()
        for i, pk in enumerate(ids):
            topic = W.TOPICS[i % len(W.TOPICS)] if i else W.TOPICS[0]
            kind = kinds[rng.randrange(len(kinds))] if i else "city_deal"
            place = _place(rng.choice(W.MUNICIPALITIES))
            title, subject, topic_words = topic
            name = f"{prefix[kind]} {title} {place}" if i else "City Deal Energieke Wijken"
            if name in seen:
                name = f"{name} {i}"
            seen.add(name)
            slug = self.ns + (FLAGSHIP_SLUG if i == 0 else f"{slugify(name)}-{i}"[:90])
            signed = dt.date(2016 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28))
            end = signed.replace(year=signed.year + 3)
            if i == 0:
                signed, end = dt.date(2023, 1, 15), dt.date(2026, 12, 31)
            finished = end < TODAY and rng.random() < 0.8
            status = "afgerond" if finished else ("onbekend" if rng.random() < 0.05 else "lopend")
            phase = "afgerond" if finished else ("" if rng.random() < 0.1 else rng.choice(phases))
            description = " ".join([
                rng.choice(W.OPENINGS).format(
                    partners=f"{rng.randint(8, 60)} partners", subject=subject, place=place),
                _name(rng, rng.choice(W.MIDDLES), topic_words),
                _name(rng, rng.choice(W.MIDDLES), topic_words),
                rng.choice(W.CLOSINGS),
            ])
            if i > 20 and rng.random() < 0.03:
                older = self.deal_info[rng.randrange(i - 10)]
                description += f" De deal kwam voort uit de {older['name']}."
            self.deal_info.append({"pk": pk, "name": name, "slug": slug, "topic": topic,
                                   "flagship": i == 0,
                                   "place": place, "signed": signed, "end": end,
                                   "status": status, "phase": phase})
            published = i == 0 or rng.random() < 0.95  # a few deals are not public yet
            rows.append((pk, slug, kind, name, description, signed, "day", end, "year",
                         status, phase, [], published))
        self.rows(Deal, ["id", "slug", "kind", "name", "description", "signing_date",
                         "signing_date_precision", "end_date", "end_date_precision", "status",
                         "phase", "aliases", "is_published"], rows)

        through = Deal.themes.through
        pairs = []
        for info in self.deal_info:
            for t in rng.sample(self.theme_ids, rng.randint(1, 3)):
                pairs.append((info["pk"], t))
        self.rows(through, ["deal_id", "theme_id"], pairs)

        order = ["verkennen", "aanjagen", "leren", "borgen", "afgerond"]
        changes = []
        for info in self.deal_info:
            if not info["phase"]:
                continue
            upto = order.index(info["phase"])
            day = info["signed"]
            for step in order[: upto + 1]:
                changes.append((step, info["pk"], day))
                day = day + dt.timedelta(days=rng.randint(120, 400))
        pc_ids = self.ids.take(PhaseChange, len(changes))
        self.rows(PhaseChange, ["id", "deal_id", "phase", "started_on", "started_on_precision",
                                "note", "recorded_at"], (
            (pk, deal, phase, day, "month", "", self.now)
            for pk, (phase, deal, day) in zip(pc_ids, changes)
        ))

    def partners(self):
        from dealmonitor.deals.models import (
            Ambition, Participation, PartnerCount, Result, Role,
        )
        from dealmonitor.organisations.models import Person

        rng = random.Random(self.seed + 2)
        by_kind = {}
        for pk, kind in zip(self.org_ids, self.org_kinds):
            by_kind.setdefault(kind, []).append(pk)
        ministries = by_kind.get("ministerie", [])
        municipalities = by_kind.get("gemeente", [])
        provinces = by_kind.get("provincie", [])
        governmental = set(ministries) | set(municipalities) | set(provinces)
        tail = [pk for pk in self.org_ids if pk not in governmental]
        kinds = ["ondertekenaar"] * 6 + ["partner"] * 3 + ["stakeholder", "profijtgroep",
                                                          "opschalingspartner"]
        stances = ["enthousiast"] * 3 + ["neutraal"] * 2 + ["weerstand", ""]
        parts, counts = [], []
        self.deal_orgs = {}
        for info in self.deal_info:
            chosen = set()
            if ministries:
                chosen.update(rng.sample(ministries, min(len(ministries), rng.randint(1, 3))))
            if municipalities:
                chosen.update(rng.choice(municipalities) for _ in range(rng.randint(1, 6)))
            if provinces and rng.random() < 0.5:
                chosen.add(rng.choice(provinces))
            size = min(120, 8 + int(rng.expovariate(1 / 17)))
            if info["flagship"]:
                size = 120
            guard = 0
            while len(chosen) < size and tail and guard < size * 4:
                chosen.add(tail[int(len(tail) * rng.random() ** 1.6)])
                guard += 1
            self.deal_orgs[info["pk"]] = sorted(chosen)
            for org in self.deal_orgs[info["pk"]]:
                money = Decimal(rng.randrange(5, 500) * 1000) if rng.random() < 0.3 else None
                parts.append((info["pk"], org, rng.choice(kinds), rng.choice(stances), money,
                              money * Decimal("0.6") if money and rng.random() < 0.6 else None))
            if rng.random() < 0.5:
                reported = len(chosen) + rng.randint(0, 40)
                counts.append((info["pk"], reported, info["signed"]))
        ids = self.ids.take(Participation, len(parts))
        self.rows(Participation, ["id", "deal_id", "organisation_id", "kind", "stance",
                                  "commitment_money", "delivered_money"],
                  ((pk, *row) for pk, row in zip(ids, parts)))
        ids = self.ids.take(PartnerCount, len(counts))
        self.rows(PartnerCount, ["id", "deal_id", "count", "as_of", "as_of_precision",
                                 "breakdown"],
                  ((pk, d, c, day, "year", {}) for pk, (d, c, day) in zip(ids, counts)))

        # People: each deal a project leader and secretary; dealmakers serve about 8 deals;
        # some deals also have leads (trekkers); 5% of project leaders lead a second deal.
        n_dealmakers = max(1, len(self.deal_info) // 8)
        people = []
        roles = []
        dealmakers = list(range(n_dealmakers))
        people.extend(_person_name(rng) for _ in dealmakers)
        for info in self.deal_info:
            leader = len(people)
            if roles and rng.random() < 0.05:
                leader = rng.choice([r[1] for r in roles if r[2] == "projectleider"])
            else:
                people.append(_person_name(rng))
            roles.append((info["pk"], leader, "projectleider"))
            roles.append((info["pk"], len(people), "projectsecretaris"))
            people.append(_person_name(rng))
            roles.append((info["pk"], rng.choice(dealmakers), "dealmaker"))
            for _ in range(rng.randint(0, 2)):
                roles.append((info["pk"], len(people), "trekker"))
                people.append(_person_name(rng))
        person_ids = list(self.ids.take(Person, len(people)))
        self.rows(Person, ["id", "slug", "name"],
                  ((pk, f"{self.ns}persoon-{pk}", name) for pk, name in zip(person_ids, people)))
        roles = sorted(set(roles))
        role_ids = self.ids.take(Role, len(roles))
        self.rows(Role, ["id", "deal_id", "person_id", "kind", "start", "start_precision"], (
            (pk, d, person_ids[p], kind, None, "") for pk, (d, p, kind) in zip(role_ids, roles)
        ))

        results, ambitions = [], []
        for info in self.deal_info:
            words = info["topic"][2]
            for _ in range(rng.randint(0, 3)):
                results.append((info["pk"], _name(rng, rng.choice(W.RESULT_TEXTS), words,
                                                  place=info["place"])))
            for _ in range(rng.randint(1, 2)):
                ambitions.append((info["pk"], _name(
                    rng, rng.choice(W.AMBITIONS), words, place=info["place"],
                    year=info["end"].year, n=rng.randint(2, 500))))
        ids = self.ids.take(Result, len(results))
        self.rows(Result, ["id", "deal_id", "text", "date", "date_precision"],
                  ((pk, d, t, None, "") for pk, (d, t) in zip(ids, results)))
        ids = self.ids.take(Ambition, len(ambitions))
        self.rows(Ambition, ["id", "deal_id", "text", "scope"],
                  ((pk, d, t, "deal") for pk, (d, t) in zip(ids, ambitions)))

    # Impact -------------------------------------------------------------------------------

    def impact(self):
        from dealmonitor.impact.models import (
            Element, Indicator, Link, Measurement, MeasurementPart, Pathway, Target,
        )

        rng = random.Random(self.seed + 3)
        deals = self.deal_info
        pathway_ids = list(self.ids.take(Pathway, len(deals)))
        self.rows(Pathway, ["id", "deal_id", "summary", "beneficiary_group"], (
            (pk, info["pk"], f"Van {info['topic'][1]} naar blijvende verandering in {info['place']}.",
             f"Bewoners van {info['place']}")
            for pk, info in zip(pathway_ids, deals)
        ))
        levels = ["ambitie", "beleid", "activiteiten", "output", "outcome", "impact"]
        element_ids = list(self.ids.take(Element, len(deals) * len(levels)))
        elements = {}
        rows = []
        k = 0
        for pathway, info in zip(pathway_ids, deals):
            words = info["topic"][2]
            for order, level in enumerate(levels, start=1):
                pk = element_ids[k]
                k += 1
                elements[(info["pk"], level)] = pk
                rows.append((pk, pathway, level, f"{level.capitalize()}: {rng.choice(words)}",
                             order, level == "outcome" and rng.random() < 0.3))
        self.rows(Element, ["id", "pathway_id", "level", "title", "order",
                            "is_active_ingredient"], rows)
        link_ids = iter(self.ids.take(Link, len(deals) * (len(levels) - 1)))
        self.rows(Link, ["id", "pathway_id", "cause_id", "effect_id"], (
            (next(link_ids), pathway, elements[(info["pk"], a)], elements[(info["pk"], b)])
            for pathway, info in zip(pathway_ids, deals)
            for a, b in zip(levels, levels[1:])
        ))

        # Indicators: the flagship has exactly FLAGSHIP_INDICATORS; the rest are spread.
        rest = max(0, self.spec.indicators - FLAGSHIP_INDICATORS)
        per_deal = [min(FLAGSHIP_INDICATORS, self.spec.indicators)] + _spread(
            rest, len(deals) - 1, rng)
        per_deal = [min(c, FLAGSHIP_INDICATORS) for c in per_deal]
        total = sum(per_deal)
        indicator_ids = list(self.ids.take(Indicator, total))
        kinds = ["numeriek"] * 6 + ["percentage"] * 2 + ["mijlpaal"]
        aggregations = ["cumulatief", "per_periode", "laatste"]
        ind_rows, plans = [], []
        k = 0
        for info, count in zip(deals, per_deal):
            words = info["topic"][2]
            for j in range(count):
                pk = indicator_ids[k]
                k += 1
                pattern, unit = W.INDICATOR_NAMES[j % len(W.INDICATOR_NAMES)]
                kind = "mijlpaal" if not unit else rng.choice(kinds[:8])
                if unit == "%":
                    kind = "percentage"
                name = f"{pattern.format(w1=words[j % len(words)])} ({j + 1})"
                level = ("output", "outcome", "impact")[j % 3]
                direction = "lager" if unit == "weken" else "hoger"
                baseline = None if kind == "mijlpaal" else Decimal(rng.randrange(0, 40))
                target = None if kind == "mijlpaal" else (
                    Decimal(rng.randrange(0, 10)) if direction == "lager"
                    else Decimal(100 if kind == "percentage" else rng.randrange(50, 2000)))
                ind_rows.append((
                    pk, info["pk"], elements[(info["pk"], level)], name, kind, unit, direction,
                    baseline, target, "gerealiseerd" if kind == "mijlpaal" else "",
                    rng.choice(aggregations) if kind == "numeriek" else "laatste",
                    "kwartaal" if info["flagship"] else "jaar", "prestatie",
                ))
                plans.append((pk, info, kind, target, baseline))
        # One numeric indicator in five of the flagship is broken down by age group, so the
        # performance table of `bench iptt` computes categories as well as partners.
        broken_down = {pk for pk, info, kind, _t, _b in plans[::5]
                       if info["flagship"] and kind == "numeriek"}
        self.rows(Indicator, ["id", "deal_id", "element_id", "name", "kind", "unit",
                              "direction", "baseline_value", "target_value", "target_status",
                              "aggregation", "frequency", "scope", "breakdown"], (
            (*row, [{"dimension": "leeftijd", "categories": []}] if row[0] in broken_down else [])
            for row in ind_rows))

        def periods(info):
            if info["flagship"]:
                out = []
                for q in range(FLAGSHIP_QUARTERS):
                    year, quarter = 2023 + q // 4, q % 4
                    start = dt.date(year, 1 + 3 * quarter, 1)
                    end = (dt.date(year + (quarter == 3), 1 + (3 * quarter + 3) % 12, 1)
                           - dt.timedelta(days=1))
                    out.append((start, end, f"{year}-K{quarter + 1}"))
                return out
            first = info["signed"].year
            return [(dt.date(y, 1, 1), dt.date(y, 12, 31), str(y))
                    for y in range(first, first + 3)]

        target_ids = iter(self.ids.take(Target, sum(len(periods(p[1])) for p in plans)))

        def target_rows():
            for pk, info, kind, target, baseline in plans:
                spans = periods(info)
                for n, (start, end, label) in enumerate(spans, start=1):
                    if kind == "mijlpaal":
                        yield (next(target_ids), pk, start, end, label, None,
                               "gerealiseerd" if n == len(spans) else "gestart")
                    else:
                        base = baseline or Decimal(0)
                        value = base + (target - base) * n / len(spans)
                        yield (next(target_ids), pk, start, end, label,
                               value.quantize(Decimal("0.01")), "")

        self.rows(Target, ["id", "indicator_id", "period_start", "period_end", "label", "value",
                           "status"], target_rows())

        per_indicator = _spread(self.spec.measurements, len(plans), rng, 0.5, 1.5)
        measurement_ids = iter(self.ids.take(Measurement, sum(per_indicator)))
        statuses = ["niet gestart", "gestart", "gerealiseerd"]
        sources = ["Eigen registratie", "CBS", "Gemeentelijke monitor", "Enquête bewoners",
                   "Jaarverslag partner"]
        created = self.now
        org_of = self.deal_orgs
        age_groups = ["0-17", "18-26", "27-66", "67+"]
        part_rows = []
        split = random.Random(self.seed + 9)  # its own stream: the measurements stay the same

        def measurement_rows():
            r = random.Random(self.seed + 4)
            for (pk, info, kind, target, baseline), count in zip(plans, per_indicator):
                spans = periods(info)
                start, end = spans[0][0], min(spans[-1][1], TODAY)
                days = max(1, (end - start).days)
                orgs = org_of[info["pk"]]
                step = days / max(1, count)
                for m in range(count):
                    day = start + dt.timedelta(days=int(m * step + r.random() * step))
                    evidence = "https://example.org/bewijs" if r.random() < 0.3 else ""
                    org = orgs[r.randrange(len(orgs))] if orgs and r.random() < 0.5 else None
                    if kind == "mijlpaal":
                        value, status = None, statuses[min(2, m * 3 // max(1, count))]
                    else:
                        top = float(target or 100)
                        value = Decimal(int(r.random() * top / 4 + 1)) if kind == "numeriek" \
                            else Decimal(r.randrange(0, 101))
                        status = ""
                    measurement_id = next(measurement_ids)
                    if pk in broken_down and split.random() < 0.8:  # the rest: not broken down
                        shares = _spread(int(value), len(age_groups), split)
                        part_rows.extend((measurement_id, "leeftijd", group, Decimal(share))
                                         for group, share in zip(age_groups, shares))
                    yield (measurement_id, pk, day, value, status,
                           sources[r.randrange(len(sources))], evidence, org,
                           "geverifieerd" if r.random() < 0.2 else "zelfgerapporteerd",
                           "", "", created)

        self.rows(Measurement, ["id", "indicator_id", "date", "value", "status", "source",
                                "evidence_url", "reporting_organisation_id", "verification",
                                "evidence_file", "note", "created_at"], measurement_rows())
        self.rows(MeasurementPart, ["id", "measurement_id", "dimension", "category", "value"], (
            (pk, *row) for pk, row in zip(self.ids.take(MeasurementPart, len(part_rows)), part_rows)))

    # Learning -----------------------------------------------------------------------------

    def learning(self):
        from dealmonitor.learning.models import (
            Answer, AssessmentRound, AssessmentTemplate, Bottleneck, BottleneckStatusChange,
            Deliverable, Lesson, Uptake, stem_document,
        )

        rng = random.Random(self.seed + 5)
        ministries = [pk for pk, k in zip(self.org_ids, self.org_kinds) if k == "ministerie"]
        kinds = ["succes", "tegenslag", "fout", "inzicht"]
        phases = ["verkennen", "aanjagen", "leren", "borgen"]
        lessons, lesson_themes = [], []
        for info in self.deal_info:
            words = info["topic"][2]
            for _ in range(rng.randint(2, 8)):
                title = _name(rng, rng.choice(W.LESSON_TITLES), words)
                text = _name(rng, rng.choice(W.LESSON_TEXTS), words)
                tags = ", ".join(rng.sample(words, 2))
                learned = info["signed"] + dt.timedelta(days=rng.randint(30, 1000))
                lessons.append((info["pk"], title, text, rng.choice(kinds), rng.choice(phases),
                                tags, "programma" if rng.random() < 0.85 else "deal",
                                min(learned, TODAY)))
        lesson_ids = list(self.ids.take(Lesson, len(lessons)))
        stems_cache = {}

        def stemmed(title, text, tags):
            key = (title, text, tags)
            if key not in stems_cache:
                stems_cache[key] = stem_document(title, text, tags)
            return stems_cache[key]

        self.rows(Lesson, ["id", "deal_id", "title", "text", "kind", "phase", "tags",
                           "visibility", "learned_on", "search_stems", "is_example"], (
            (pk, d, title, text, kind, phase, tags, vis, day, stemmed(title, text, tags), False)
            for pk, (d, title, text, kind, phase, tags, vis, day) in zip(lesson_ids, lessons)
        ))
        for pk in lesson_ids:
            lesson_themes.append((pk, rng.choice(self.theme_ids)))
        self.rows(Lesson.themes.through, ["lesson_id", "theme_id"], lesson_themes)

        bottlenecks, changes = [], []
        flow = ["gesignaleerd", "geagendeerd", "in_behandeling"]
        for info in self.deal_info:
            words = info["topic"][2]
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
                rule, level = rng.choice(W.REGULATIONS)
                signalled = min(TODAY, info["signed"] + dt.timedelta(days=rng.randint(60, 900)))
                steps = rng.randint(1, 4)
                closing = rng.random() < 0.5 and steps >= 3
                history = flow[: min(steps, 3)]
                status = history[-1]
                closed = None
                if closing:
                    status = "opgelost" if rng.random() < 0.6 else "niet_opgelost"
                    history.append(status)
                    closed = min(TODAY, signalled + dt.timedelta(days=rng.randint(60, 700)))
                title = rng.choice(W.BOTTLENECK_TITLES).format(rule=rule, w1=rng.choice(words))
                bottlenecks.append((info["pk"], title, rng.choice(
                    ["regelgeving", "regelgeving", "financiering", "organisatie", "data", "markt"]),
                    rule, level, rng.choice(ministries) if ministries else None, status,
                    signalled, closed, history))
        b_ids = list(self.ids.take(Bottleneck, len(bottlenecks)))
        self.rows(Bottleneck, ["id", "deal_id", "title", "description", "kind", "rule", "level",
                               "ministry_id", "status", "signalled_on", "closed_on",
                               "resolution", "is_example", "created_at"], (
            (pk, d, title, f"{title}. Gemeld door de deal.", kind, rule, level, ministry,
             status, signalled, closed, "Regel aangepast na overleg." if status == "opgelost" else "",
             False, self.now)
            for pk, (d, title, kind, rule, level, ministry, status, signalled, closed, _h)
            in zip(b_ids, bottlenecks)
        ))
        for pk, row in zip(b_ids, bottlenecks):
            day = row[7]
            for status in row[9]:
                changes.append((pk, status, day))
                day = day + dt.timedelta(days=rng.randint(20, 200))
        c_ids = self.ids.take(BottleneckStatusChange, len(changes))
        self.rows(BottleneckStatusChange, ["id", "bottleneck_id", "status", "date", "note",
                                           "recorded_at"],
                  ((pk, b, s, day, "", self.now) for pk, (b, s, day) in zip(c_ids, changes)))

        deliverables, uptakes = [], []
        for info in self.deal_info:
            words = info["topic"][2]
            if rng.random() < 0.8:
                deliverables.append((info["pk"], _name(rng, rng.choice(W.DELIVERABLES), words),
                                     rng.choice(["instrument", "handreiking", "dataset"])))
        d_ids = list(self.ids.take(Deliverable, len(deliverables)))
        self.rows(Deliverable, ["id", "deal_id", "name", "kind", "description", "url"],
                  ((pk, d, name, kind, "", "") for pk, (d, name, kind) in zip(d_ids, deliverables)))
        uptake_kinds = ["beleidsprogramma", "regelgeving", "standaard", "modelverordening",
                        "organisatie", "nationale_aanpak", "adoptie"]
        for pk, (deal, name, _kind) in zip(d_ids, deliverables):
            if rng.random() < 0.4:
                uptakes.append((deal, rng.choice(uptake_kinds), f"{name} opgenomen in beleid", pk))
        u_ids = self.ids.take(Uptake, len(uptakes))
        self.rows(Uptake, ["id", "deal_id", "kind", "title", "description", "date",
                           "deliverable_id"],
                  ((pk, d, k, t, "", None, dl) for pk, (d, k, t, dl) in zip(u_ids, uptakes)))

        template = AssessmentTemplate.objects.filter(is_default=True).first()
        if template is None:
            return
        statements = list(template.statements.values_list("pk", flat=True))
        rounds, answers = [], []
        for info in self.deal_info:
            if rng.random() < 0.4:
                opened = min(TODAY, info["signed"] + dt.timedelta(days=rng.randint(300, 1100)))
                rounds.append((info["pk"], f"Zelfevaluatie {opened.year}", opened,
                               opened + dt.timedelta(days=30)))
        r_ids = list(self.ids.take(AssessmentRound, len(rounds)))
        self.rows(AssessmentRound, ["id", "deal_id", "template_id", "name", "opened_on",
                                    "closed_on", "reflection"],
                  ((pk, d, template.pk, name, o, c, "") for pk, (d, name, o, c) in zip(r_ids, rounds)))
        for pk, (deal, *_rest) in zip(r_ids, rounds):
            for org in self.deal_orgs[deal][:3]:
                for st in statements:
                    answers.append((pk, st, org, rng.randint(1, 5)))
        a_ids = self.ids.take(Answer, len(answers))
        self.rows(Answer, ["id", "round_id", "statement_id", "organisation_id", "score",
                           "comment"],
                  ((pk, r, s, o, sc, "") for pk, (r, s, o, sc) in zip(a_ids, answers)))

    def finish(self):
        models = [m for m in self.ids.next]
        bulk.reset_sequences(models)
        bulk.analyze()


def generate(spec, *, seed=1, related=True, namespace="", log=lambda message: None):
    """Write a synthetic portfolio of `spec`'s size into the default database; returns a
    dict of row counts and timings. `namespace` prefixes the identifiers (slugs), so a test
    can add a second portfolio next to a first; the command line fills empty databases."""
    builder = Builder(spec, seed, log, namespace)
    started = time.perf_counter()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # a throwaway file: no need to wait for the disk
            cursor.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        builder.organisations()
        builder.deals()
        builder.partners()
        builder.impact()
        builder.learning()
    builder.finish()
    cache.bump()  # COPY sends no signals: cached whole-portfolio figures are out of date
    timings = {"rows_s": round(time.perf_counter() - started, 1)}
    if related:
        from dealmonitor.connections import related as related_engine

        started, cpu = time.perf_counter(), time.process_time()
        n, rows = related_engine.build_all()
        timings["related_s"] = round(time.perf_counter() - started, 1)
        # On a shared machine wall-clock time grows with the load; CPU time much less.
        timings["related_cpu_s"] = round(time.process_time() - cpu, 1)
        builder.counts["connections.RelatedSuggestion"] = rows
        # The suggestions and their features were written after the statistics were taken: a
        # planner without them reads every deal to join 20 suggestions (a production database
        # has autovacuum to do this; the benchmark's server may not).
        bulk.analyze()
        log(f"  related-deal suggestions: {rows:,} rows in {timings['related_s']} s "
            f"({timings['related_cpu_s']} s of CPU)")
    return {"counts": builder.counts, "timings": timings, "seed": seed}

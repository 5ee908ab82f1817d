"""One deal's related list updated without loading the portfolio: that deal's row and column
of the similarity, from the stored index (`index.py`).

1. Read the changed deal alone (`profiles.load([pk])`) and count, in the index and the
   partner tables, in how many deals each of its features occurs; compute its vectors as the
   rebuild would (`scoring.deal_vectors`).
2. A feature the deal gained or lost that now sits in one or two deals changes whether the
   other holder's vector counts it at all: those few deals get fresh vectors too. Together
   with the changed deal they are the *changed* deals.
3. Each changed deal's row: its score against every deal that shares anything with it,
   summed from the index's postings (organisations, themes, stems), the roles (people), the
   regulations and the stated mentions.
4. Its own list is the top of its row; every other list it is in, or now enters, gets the
   new score of the pair, the other pairs as stored. A full list that loses a changed deal
   below its last place is recomputed from its own row (what comes next is not stored).

What this leaves for the next rebuild: a feature that many deals share moves their rarity
weights a little when one deal gains or loses it (the others' stored vectors keep the old
weight), and a renamed deal is found in other deals' texts only by the rebuild.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from django.db.models import Count

from dealmonitor.deals.models import Deal, Participation, Role, Theme
from dealmonitor.organisations.models import Organisation

from . import index, mentions, profiles
from .features import compound_parts, sentence_cache
from .models import RelatedSuggestion, SimilarityFeature
from .profiles import DealProfile
from .scoring import Portfolio, deal_vectors
from .weights import MIN_SCORE, TOP_K, df_cap

CHUNK = 500


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _counts(qs, field, keys, distinct=True):
    """{key: number of distinct deals} for `keys` of `field` in `qs` (`distinct=False` where
    a deal has at most one row per key: a plain count reads only the index)."""
    out = Counter()
    for chunk in _chunks(keys):
        out.update(dict(qs.filter(**{f"{field}__in": chunk}).values_list(field).annotate(
            n=Count("deal_id", distinct=True) if distinct else Count("*")).order_by()))
    return out


def _split_compounds(profile):
    """`features.split_compounds` for one deal: the portfolio's stems are those in the index."""
    long = [s for s in profile.terms if len(s) >= 8]
    if not long:
        return
    candidates = {s[i:] for s in long for i in range(4, len(s) - 3)}
    candidates |= {s[:i] for s in long for i in range(4, len(s) - 3)}
    candidates |= {s[:i][:-len(link)] for s in long for i in range(4, len(s) - 3)
                   for link in ("s", "e", "en") if s[:i].endswith(link)}
    vocabulary = set(profile.terms) | index.known_stems(candidates - set(profile.terms))
    extra = Counter()
    for stem, count in profile.terms.items():
        if len(stem) >= 8:
            for part in compound_parts(stem, vocabulary) or ():
                extra[part] += count
    profile.terms.update(extra)


class Frequencies:
    """How many deals have each feature, counted on demand (and remembered)."""

    def __init__(self):
        self.org, self.theme, self.term, self.person, self.reg = (Counter() for _ in range(5))

    def need(self, orgs=(), themes=(), terms=(), people=(), regs=()):
        for have, wanted, count in (
            (self.org, orgs, lambda k: _counts(Participation.objects.all(), "organisation_id", k)),
            (self.theme, themes, lambda k: _counts(Deal.themes.through.objects.all(), "theme_id", k)),
            (self.term, terms, index.stem_counts),
            (self.person, people, lambda k: _counts(Role.objects.all(), "person_id", k)),
            (self.reg, regs, lambda k: _counts(
                SimilarityFeature.objects.filter(kind=index.REGULATION), "key", k)),
        ):
            missing = [k for k in set(wanted) if k not in have]
            if missing:
                found = count(missing)
                have.update({k: found.get(k, 0) for k in missing})


class Partial(Portfolio):
    """The engine's view of a few deals, read from the index: what `Portfolio.components`,
    `reasons` and the ranking need for the pairs of those deals."""

    def __init__(self, n, freq):  # noqa: super().__init__ loads everything; not wanted here
        self.n, self.cap = n, df_cap(n)
        self.freq = freq
        self.profiles, self.org_vec, self.theme_vec, self.term_vec = {}, {}, {}, {}
        self.surface, self.org_names = {}, {}
        self.theme_names = dict(Theme.objects.values_list("pk", "name"))
        self.org_df, self.person_df, self.reg_df = freq.org, freq.person, freq.reg
        self.stated = mentions.Stated({})
        self.mentioned = self.stated.mentioned

    def _regulation_keys(self, profile):
        # Counted as pairs need them (`need_pairs`): not remembered per deal.
        return {k for k, _ in profile.regulations if self.reg_df[k] >= 2}

    def put(self, profile, vectors):
        """A deal computed afresh (the changed deals)."""
        pk = profile.pk
        self.profiles[pk] = profile
        self.org_vec[pk], self.theme_vec[pk], self.term_vec[pk] = vectors

    def load(self, pks):
        """The deals in `pks` not held yet, from the index and the role table."""
        pks = [pk for pk in set(pks) if pk not in self.profiles]
        if not pks:
            return
        for pk, slug, name, phase in Deal.objects.filter(pk__in=pks).values_list(
                "pk", "slug", "name", "phase"):
            self.profiles[pk] = DealProfile(pk=pk, slug=slug, name=name, phase=phase or "")
            self.org_vec[pk], self.theme_vec[pk], self.term_vec[pk] = {}, {}, {}
        for chunk in _chunks(pks):
            for deal_id, kind, key, weight, label in SimilarityFeature.objects.filter(
                    deal_id__in=chunk, kind__in=[index.ORG, index.THEME, index.STEM,
                                                 index.REGULATION]).values_list(
                    "deal_id", "kind", "key", "weight", "label"):
                if kind == index.ORG:
                    self.org_vec[deal_id][int(key)] = weight
                    self.profiles[deal_id].orgs.add(int(key))
                elif kind == index.THEME:
                    self.theme_vec[deal_id][int(key)] = weight
                    self.profiles[deal_id].themes.add(int(key))
                elif kind == index.STEM:
                    self.term_vec[deal_id][key] = weight
                    # The spelling the rebuild chose for the whole portfolio.
                    self.surface[key] = label
                else:
                    self.profiles[deal_id].regulations.add((key, label))
            for deal_id, person_id, kind in Role.objects.filter(deal_id__in=chunk).values_list(
                    "deal_id", "person_id", "kind"):
                self.profiles[deal_id].people.setdefault(person_id, set()).add(kind)

    def need_pairs(self, pairs):
        """Count, in one go, the deals of the features the pairs share: what their signals
        and reasons read (not every feature of every deal loaded)."""
        orgs, people, regs = set(), set(), set()
        for a, b in pairs:
            pa, pb = self.profiles[a], self.profiles[b]
            orgs |= pa.orgs & pb.orgs
            people |= pa.people.keys() & pb.people.keys()
            regs |= {k for k, _ in pa.regulations} & {k for k, _ in pb.regulations}
        self.freq.need(orgs=orgs, people=people, regs=regs)

    def _finish(self, pk, best, limit):
        self.need_pairs((pk, other) for other, score in best if score >= MIN_SCORE)
        return super()._finish(pk, best, limit)

    def load_mentions(self, pks):
        """Every stored mention made by or of the deals in `pks`."""
        found = dict(self.stated.mentions)
        for chunk in _chunks(pks):
            qs = SimilarityFeature.objects.filter(kind=index.MENTION)
            for source, key, weight, label in (
                list(qs.filter(deal_id__in=chunk).values_list("deal_id", "key", "weight", "label"))
                + list(qs.filter(key__in=[str(pk) for pk in chunk]).values_list(
                    "deal_id", "key", "weight", "label"))
            ):
                field_name, _sep, snippet = label.partition("\n")
                found[(source, int(key))] = mentions.Mention(source, int(key), field_name, snippet,
                                                             bool(weight))
        self.stated = mentions.Stated(found)
        self.mentioned = self.stated.mentioned

    def name_organisations(self):
        missing = {o for vec in self.org_vec.values() for o in vec} - set(self.org_names)
        for chunk in _chunks(missing, 5000):
            self.org_names.update(Organisation.objects.filter(pk__in=chunk)
                                  .values_list("pk", "name"))

    def row(self, pk):
        """{other: total score} of `pk` against every deal sharing anything with it, from
        the index's postings (the stored vectors of the other deals)."""
        from .weights import MAX_PEOPLE, WEIGHTS
        from .constants import ReasonKind

        acc = defaultdict(float)
        for kind, slot, vec in ((index.ORG, ReasonKind.ORGANISATIONS, self.org_vec[pk]),
                                (index.THEME, ReasonKind.THEMES, self.theme_vec[pk]),
                                (index.STEM, ReasonKind.TEXT, self.term_vec[pk])):
            weights = {str(k): w * WEIGHTS[slot] for k, w in vec.items()}
            for chunk in _chunks(weights):
                for other, key, weight in SimilarityFeature.objects.filter(
                        kind=kind, key__in=chunk).exclude(deal_id=pk).values_list(
                        "deal_id", "key", "weight"):
                    acc[other] += weights[key] * weight
        mine = self.profiles[pk]
        people = defaultdict(lambda: defaultdict(set))
        shared = [x for x in mine.people if self.person_df[x] >= 2]
        for chunk in _chunks(shared):
            for other, person, kind in Role.objects.filter(person_id__in=chunk).exclude(
                    deal_id=pk).values_list("deal_id", "person_id", "kind"):
                people[other][person].add(kind)
        for other, persons in people.items():
            value = sum(self._people_value(mine.people[x], kinds) for x, kinds in persons.items())
            acc[other] += WEIGHTS[ReasonKind.PEOPLE] * min(value, MAX_PEOPLE)
        keys = {k for k, _ in mine.regulations}
        if keys:
            # A regulation may be named in thousands of deals: their regulations only, not
            # their whole profiles.
            holders = set()
            for chunk in _chunks(keys):
                holders.update(SimilarityFeature.objects.filter(
                    kind=index.REGULATION, key__in=chunk).exclude(deal_id=pk)
                    .values_list("deal_id", flat=True))
            theirs = defaultdict(set)
            for chunk in _chunks(holders, 5000):
                for other, key, label in SimilarityFeature.objects.filter(
                        kind=index.REGULATION, deal_id__in=chunk).values_list(
                        "deal_id", "key", "label"):
                    theirs[other].add((key, label))
            for other, regulations in theirs.items():
                keys_b = {k for k, _ in regulations}
                mine_shared = {label for k, label in mine.regulations if k in keys_b}
                theirs_shared = {label for k, label in regulations if k in keys}
                acc[other] += WEIGHTS[ReasonKind.REGULATION] * min(len(mine_shared),
                                                                    len(theirs_shared))
        for other in self.mentioned.get(pk, ()):
            acc[other] += WEIGHTS[ReasonKind.STATED] * self.stated.pair(pk, other)[0]
        acc.pop(pk, None)
        return acc

    def ranked_from(self, pk, row, limit=TOP_K):
        """`Portfolio.ranked` from a row: the best, their signals, ties broken by name."""
        best = heapq.nlargest(limit + 10, ((o, s) for o, s in row.items() if s >= MIN_SCORE),
                              key=lambda kv: kv[1])
        self.load(o for o, _s in best)
        return self._finish(pk, best, limit)


def update(deal_pk):
    """Recompute the changed deal's list and the lists it enters or leaves; returns the
    number of lists rewritten. The index must have been built (`index.is_built`)."""
    from . import storage

    n = Deal.objects.count()
    loaded = profiles.load([deal_pk])
    profile = loaded.profiles[deal_pk]
    _split_compounds(profile)
    old = defaultdict(set)
    for kind, key in SimilarityFeature.objects.filter(
            deal_id=deal_pk, kind__in=[index.ORG, index.THEME, index.WORD]).values_list(
            "kind", "key"):
        old[kind].add(int(key) if kind != index.WORD else key)

    freq = Frequencies()
    partial = Partial(n, freq)
    partial.surface.update(loaded.surface)
    # Its own words, regulations and mentions first: the counts below include them.
    all_names, aliases = {}, {}
    for pk, name, alias_list in Deal.objects.values_list("pk", "name", "aliases"):
        all_names[pk] = name
        aliases[pk] = [a for a in (alias_list or []) if isinstance(a, str)]
    outgoing = mentions.find(_name_index(all_names, aliases), {deal_pk: profile.texts})
    sentence_cache.clear()
    probe = Portfolio.__new__(Portfolio)
    probe.profiles, probe.surface = {deal_pk: profile}, loaded.surface
    probe.org_vec, probe.theme_vec, probe.term_vec = {deal_pk: {}}, {deal_pk: {}}, {deal_pk: {}}
    probe.stated = mentions.Stated(outgoing)
    index.replace([deal_pk], index.rows_of(probe, deal_pk),
                  kinds=[index.WORD, index.REGULATION, index.MENTION])

    gained = {index.ORG: profile.orgs - old[index.ORG],
              index.THEME: profile.themes - old[index.THEME],
              index.WORD: set(profile.terms) - old[index.WORD]}
    lost = {index.ORG: old[index.ORG] - profile.orgs,
            index.THEME: old[index.THEME] - profile.themes,
            index.WORD: old[index.WORD] - set(profile.terms)}
    index.count_stems(gained[index.WORD], lost[index.WORD], loaded.surface)
    freq.need(orgs=profile.orgs | lost[index.ORG], themes=profile.themes | lost[index.THEME],
              terms=set(profile.terms) | lost[index.WORD], people=profile.people,
              regs={k for k, _ in profile.regulations})
    vectors = deal_vectors(profile, freq.org, freq.theme, freq.term, n, df_cap(n))
    partial.put(profile, vectors)
    _portfolio_spelling(partial, deal_pk, vectors[2])

    # Deals that now share a rare feature with it for the first time, or hold one it gave up:
    # whether their own vector counts that feature changes, so they are computed afresh.
    neighbours = _neighbours(deal_pk, gained, lost, freq)
    # Deals that share something with it and hold a feature whose count moved: their
    # rarity weights (and so their pair with this deal) move too, so their vectors are
    # computed afresh as well, and this deal's row is the one a full rebuild gives.
    shifted = _shifted(deal_pk, gained, lost, freq, n) & _sharing(deal_pk, vectors)
    fresh = neighbours | shifted
    if fresh:
        _refresh(partial, fresh, freq, n)
    changed = [deal_pk, *sorted(neighbours)]
    written = [deal_pk, *sorted(fresh)]
    index.replace(written, [row for pk in written for row in _vector_rows(partial, pk)],
                  kinds=[index.ORG, index.THEME, index.STEM])
    partial.load_mentions(changed)

    rows_of_changed = {pk: partial.row(pk) for pk in changed}
    stored = defaultdict(list)
    # `.order_by()` on every read of the suggestions: their default order (by deal) joins
    # the deals table and sorts by name, which none of these reads needs.
    holding = set(RelatedSuggestion.objects.filter(other_id__in=changed).order_by()
                  .values_list("deal_id", flat=True))
    # The deals a changed deal may climb into: its score beats their last place, or their
    # list is not full.
    best = defaultdict(float)
    for row in rows_of_changed.values():
        for other, score in row.items():
            if score >= MIN_SCORE:
                best[other] = max(best[other], round(score, 4))
    candidates = set(best) - holding - set(changed)
    # A full list has a row at the last rank (ranks are 1..n without gaps): one indexed
    # read of those rows says which lists are full and what their last place scores.
    last = {}
    for chunk in _chunks(candidates, 5000):
        last.update(RelatedSuggestion.objects.filter(deal_id__in=chunk, rank=TOP_K).order_by()
                    .values_list("deal_id", "score"))
    holding.update(o for o in candidates if o not in last or best[o] >= last[o])
    holding -= set(changed)
    for chunk in _chunks(holding | set(changed)):
        for deal_id, other_id, rank, score, reasons in RelatedSuggestion.objects.filter(
                deal_id__in=chunk).order_by().values_list("deal_id", "other_id", "rank", "score",
                                               "reasons"):
            stored[deal_id].append((rank, other_id, score, reasons))
    lists = {pk: partial.ranked_from(pk, rows_of_changed[pk]) for pk in changed}
    names = {}
    for chunk in _chunks({o for items in stored.values() for _r, o, _s, _x in items}
                         | set(holding) | set(changed), 5000):
        names.update(Deal.objects.filter(pk__in=chunk).values_list("pk", "name"))
    merged = {}
    for pk in holding:
        old_list = sorted(stored.get(pk, []))
        entries = {o: s for _rank, o, s, _r in old_list if o not in rows_of_changed}
        new_pairs = {c: round(rows_of_changed[c].get(pk, 0.0), 4) for c in changed}
        new_pairs = {c: s for c, s in new_pairs.items() if s >= MIN_SCORE}
        full = len(old_list) >= TOP_K
        kth = old_list[-1][2] if old_list else 0.0
        held = len(entries) < len(old_list)
        if full and not held and all(s < kth for s in new_pairs.values()):
            continue  # it holds no changed deal and none climbs into it
        scores = {**entries, **new_pairs}
        order = sorted(scores, key=lambda o: (-scores[o], names.get(o, "")))
        if full and (len(order) < TOP_K or scores[order[TOP_K - 1]] < kth):
            # A changed deal fell below the last place: what comes next is not stored.
            lists[pk] = partial.ranked_from(pk, partial_row(partial, pk))
            continue
        merged[pk] = [(o, scores[o], o in new_pairs) for o in order[:TOP_K]]
    previous = storage.previous_ranks(RelatedSuggestion.objects.filter(
        deal_id__in=list(lists) + list(merged)))
    partial.name_organisations()
    out = []
    for pk, ranked in lists.items():
        out.extend(storage.rows(partial, pk, storage.stable_order(ranked, previous.get(pk))))
    # Every deal of a fresh pair at once (not a load per pair).
    fresh_pairs = [(pk, o) for pk, items in merged.items() for o, _s, fresh in items if fresh]
    partial.load({x for pair in fresh_pairs for x in pair})
    partial.need_pairs(fresh_pairs)
    partial.name_organisations()
    for pk, items in merged.items():
        old_reasons = {o: r for _rank, o, _s, r in stored.get(pk, [])}
        ranked = [(o, s, None if fresh else old_reasons[o]) for o, s, fresh in items]
        ranked = storage.stable_order(ranked, previous.get(pk))
        for rank, (o, s, kept) in enumerate(ranked, start=1):
            if kept is None:
                reasons = partial.reasons(pk, o, partial.components(pk, o))
            else:
                reasons = kept
            out.append(storage.Row(deal_id=pk, other_id=o, rank=rank, score=s,
                                   reasons=reasons))
    storage.name_organisations(out)
    storage.store(out, RelatedSuggestion.objects.filter(deal_id__in=list(lists) + list(merged)))
    return len(lists) + len(merged)


def partial_row(partial, pk):
    partial.load([pk])
    partial.load_mentions([pk])
    return partial.row(pk)


_names_cache = {}


def _name_index(names, aliases):
    """The index of every deal's names, remembered while the names stay the same."""
    key = hash((tuple(sorted(names.items())), tuple(sorted((k, tuple(v)) for k, v in aliases.items()))))
    if key not in _names_cache:
        _names_cache.clear()
        _names_cache[key] = mentions.NameIndex(names, aliases)
    return _names_cache[key]


def _neighbours(pk, gained, lost, freq):
    """Deals holding a feature the changed deal gained (now in two deals) or lost (now in one)."""
    out = set()
    for kind, df, qs, field in (
        (index.ORG, freq.org, Participation.objects.all(), "organisation_id"),
        (index.THEME, freq.theme, Deal.themes.through.objects.all(), "theme_id"),
        (index.WORD, freq.term, SimilarityFeature.objects.filter(kind=index.WORD), "key"),
    ):
        keys = [k for k in gained[kind] if df[k] == 2] + [k for k in lost[kind] if df[k] == 1]
        for chunk in _chunks(keys):
            out.update(qs.filter(**{f"{field}__in": chunk}).exclude(deal_id=pk)
                       .values_list("deal_id", flat=True))
    return out


def _portfolio_spelling(partial, pk, term_vec):
    """The readable spelling of the deal's stems as the rebuild chose it for the whole
    portfolio (kept with the stem counts), not the deal's own first spelling."""
    partial.surface.update(index.stem_spellings(term_vec))


def _shifted(pk, gained, lost, freq, n):
    """Deals holding a feature the changed deal gained or lost whose count of deals, before
    or after, lies where it counts in a vector (2 to the cap; themes from 2)."""
    cap = df_cap(n)

    def counts(kind, df):
        top = None if kind == index.THEME else cap
        return lambda d: d >= 2 and (top is None or d <= top)

    out = set()
    for kind, df, qs, field in (
        (index.ORG, freq.org, Participation.objects.all(), "organisation_id"),
        (index.THEME, freq.theme, Deal.themes.through.objects.all(), "theme_id"),
        (index.WORD, freq.term, SimilarityFeature.objects.filter(kind=index.WORD), "key"),
    ):
        inside = counts(kind, df)
        keys = ([k for k in gained[kind] if inside(df[k]) or inside(df[k] - 1)]
                + [k for k in lost[kind] if inside(df[k]) or inside(df[k] + 1)])
        for chunk in _chunks(keys):
            out.update(qs.filter(**{f"{field}__in": chunk}).exclude(deal_id=pk)
                       .values_list("deal_id", flat=True))
    return out


def _sharing(pk, vectors):
    """Deals whose stored vectors share a key with the changed deal's new ones."""
    out = set()
    for kind, vec in zip((index.ORG, index.THEME, index.STEM), vectors):
        for chunk in _chunks([str(k) for k in vec]):
            out.update(SimilarityFeature.objects.filter(kind=kind, key__in=chunk)
                       .exclude(deal_id=pk).values_list("deal_id", flat=True).distinct())
    return out


def _refresh(partial, pks, freq, n):
    """Fresh vectors for a few unchanged deals whose features' counts moved."""
    fresh = {pk: DealProfile(pk=pk, slug="", name="") for pk in pks}
    for pk, slug, name, phase in Deal.objects.filter(pk__in=pks).values_list(
            "pk", "slug", "name", "phase"):
        fresh[pk].slug, fresh[pk].name, fresh[pk].phase = slug, name, phase or ""
    for deal_id, org_id in Participation.objects.filter(deal_id__in=pks).values_list(
            "deal_id", "organisation_id"):
        fresh[deal_id].orgs.add(org_id)
    for deal_id, theme_id in Deal.themes.through.objects.filter(deal_id__in=pks).values_list(
            "deal_id", "theme_id"):
        fresh[deal_id].themes.add(theme_id)
    for deal_id, key, weight in SimilarityFeature.objects.filter(
            deal_id__in=pks, kind=index.WORD).values_list("deal_id", "key", "weight"):
        fresh[deal_id].terms[key] = int(weight)
    for deal_id, key, label in SimilarityFeature.objects.filter(
            deal_id__in=pks, kind__in=[index.STEM, index.REGULATION]).values_list(
            "deal_id", "key", "label"):
        partial.surface[key] = label
    for deal_id, key, label in SimilarityFeature.objects.filter(
            deal_id__in=pks, kind=index.REGULATION).values_list("deal_id", "key", "label"):
        fresh[deal_id].regulations.add((key, label))
    for deal_id, person_id, kind in Role.objects.filter(deal_id__in=pks).values_list(
            "deal_id", "person_id", "kind"):
        fresh[deal_id].people.setdefault(person_id, set()).add(kind)
    freq.need(orgs={o for p in fresh.values() for o in p.orgs},
              themes={t for p in fresh.values() for t in p.themes},
              terms={t for p in fresh.values() for t in p.terms},
              people={x for p in fresh.values() for x in p.people},
              regs={k for p in fresh.values() for k, _ in p.regulations})
    for pk, profile in fresh.items():
        partial.put(profile, deal_vectors(profile, freq.org, freq.theme, freq.term, n,
                                          df_cap(n)))


def _vector_rows(partial, pk):
    rows = []
    for key, weight in partial.org_vec[pk].items():
        rows.append((pk, index.ORG, str(key), weight, ""))
    for key, weight in partial.theme_vec[pk].items():
        rows.append((pk, index.THEME, str(key), weight, ""))
    for key, weight in partial.term_vec[pk].items():
        rows.append((pk, index.STEM, key, weight, partial.surface.get(key, key)))
    return rows

"""Scoring related deals: six signals per pair of deals, each with a weight.

- stated:        one deal's own texts name the other deal (`mentions.py`); more when the
                 sentence says one grew out of or continues the other;
- people:        the same person has a role in both deals (project leader counts most);
- organisations: cosine similarity of the partner lists, each organisation weighted by its
                 rarity across the portfolio (`rarity`): an organisation in half the deals or
                 more says nothing and is left out, a small foundation in two deals says a lot;
- themes:        cosine similarity of the themes, weighted by rarity in the same way;
- text:          TF-IDF cosine similarity of description, ambitions, results, lessons and
                 bottlenecks, over Dutch stems (`features.py`: stop words, report words and
                 demo markers removed), words found in half the deals or more left out;
- regulation:    a bottleneck of each deal names the same regulation.

The scores are symmetric: score(a, b) == score(b, a). `Portfolio` holds every deal's
profile (`profiles.py`) in memory; `evidence.py` keeps what each signal found for the
reasons, `storage.py` writes the lists, `related.py` has the entry points.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from typing import NamedTuple

from . import evidence, mentions, storage
from . import profiles as profiles_module
from .constants import ReasonKind
from .features import sentence_cache, split_compounds
from .weights import (  # noqa: F401 (the engine's figures, read through this module too)
    LEADING_ROLES,
    MAX_PEOPLE,
    MIN_SCORE,
    ROLE_WEIGHTS,
    SHORT_LIST,
    TERMS_PER_DEAL,
    TOP_K,
    WEIGHTS,
    df_cap,
    rarity,
)

class Shared(NamedTuple):
    """What two deals share, as the signals found it: people, organisations, themes and
    stems in both vectors, the first deal's wording of the regulations both name."""

    people: set
    orgs: list
    themes: list
    terms: list
    regulations: set


class Signals(list):
    """The six signal values of a pair [stated, people, orgs, themes, text, regulation], with
    `shared`: what the pair shares (`Shared`), for the reasons."""

    __slots__ = ("shared",)


def _positive(weights):
    return {k: w for k, w in weights.items() if w > 0}


def _unit(vec, floor=0.0):
    norm = max(math.sqrt(sum(w * w for w in vec.values())), floor)
    return {k: w / norm for k, w in vec.items()} if norm else {}


def deal_vectors(profile, org_df, theme_df, term_df, n, cap):
    """A deal's organisation, theme and stem vectors (unit length, weighted by rarity), given
    how many deals of `n` have each feature. The same for the rebuild and the one-deal
    update. A short list is not allowed to look like a perfect match: the length of a
    vector is taken as at least that of a list with `SHORT_LIST` items as rare as can be
    shared (in two deals). Without it two deals that each list only one partner would score
    a cosine of 1 on it alone."""
    floor = rarity(2, n) * math.sqrt(SHORT_LIST)
    org = _unit(_positive(
        {o: rarity(org_df[o], n) for o in profile.orgs if 2 <= org_df[o] <= cap}), floor)
    theme = _unit(_positive(
        {t: rarity(theme_df[t], n) for t in profile.themes if theme_df[t] >= 2}))
    weighted = _positive({
        t: (1 + math.log(c)) * rarity(term_df[t], n)
        for t, c in profile.terms.items() if 2 <= term_df[t] <= cap
    })
    top = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_PER_DEAL]
    return org, theme, _unit(dict(top), floor)


class Portfolio:
    """Everything the engine needs about every deal, loaded in a fixed number of queries."""

    def __init__(self, loaded):
        self.profiles = loaded.profiles
        self.org_names = loaded.org_names
        self.theme_names = loaded.theme_names
        self.surface = loaded.surface
        self.n = len(self.profiles)
        self.cap = df_cap(self.n)
        self._index_features()
        names = {pk: p.name for pk, p in self.profiles.items()}
        self.stated = mentions.Stated(mentions.find(
            mentions.NameIndex(names, loaded.aliases),
            {pk: p.texts for pk, p in self.profiles.items()},
        ))
        self.mentioned = self.stated.mentioned

    @classmethod
    def load(cls, deal_ids=None):
        """The whole portfolio (or only `deal_ids`, whose rarity weights then count only
        among themselves: for tests and tools that want a small world)."""
        loaded = profiles_module.load(deal_ids)
        split_compounds(loaded.profiles)
        try:
            return cls(loaded)
        finally:
            sentence_cache.clear()

    # -- vectors -------------------------------------------------------------------------

    def _idf(self, df):
        return rarity(df, self.n)

    def _index_features(self):
        org_df = Counter(o for p in self.profiles.values() for o in p.orgs)
        theme_df = Counter(t for p in self.profiles.values() for t in p.themes)
        term_df = Counter(t for p in self.profiles.values() for t in p.terms)
        person_df = Counter(x for p in self.profiles.values() for x in p.people)
        reg_df = Counter(k for p in self.profiles.values() for k in {k for k, _ in p.regulations})
        self.org_df, self.term_df, self.person_df = org_df, term_df, person_df
        self.reg_df = reg_df
        self.org_vec, self.theme_vec, self.term_vec = {}, {}, {}
        self.postings = {name: defaultdict(list) for name in ("org", "theme", "term", "person",
                                                               "reg")}
        for pk, p in self.profiles.items():
            self.org_vec[pk], self.theme_vec[pk], self.term_vec[pk] = deal_vectors(
                p, org_df, theme_df, term_df, self.n, self.cap)
            for name, vec in (("org", self.org_vec[pk]), ("theme", self.theme_vec[pk]),
                              ("term", self.term_vec[pk])):
                for key, weight in vec.items():
                    self.postings[name][key].append((pk, weight))
            for person, kinds in p.people.items():
                if person_df[person] >= 2:
                    self.postings["person"][person].append((pk, kinds))
            for key, label in p.regulations:
                if reg_df[key] >= 2:
                    self.postings["reg"][key].append((pk, label))

    def _stated(self, a, b):
        return self.stated.pair(a, b)

    # -- scoring -------------------------------------------------------------------------

    def _people_value(self, kinds_a, kinds_b):
        weight = max(ROLE_WEIGHTS.get(k, 0.5) for k in kinds_a | kinds_b)
        lead = (kinds_a & LEADING_ROLES) and (kinds_b & LEADING_ROLES)
        return weight if lead else weight * 0.75

    def scores_for(self, pk):
        """One deal's total score against every deal that shares anything with it: the
        weighted sum of the signals, accumulated through the inverted index."""
        acc = {}
        get = acc.get
        for slot, name, vec in (
            (ReasonKind.ORGANISATIONS, "org", self.org_vec[pk]),
            (ReasonKind.THEMES, "theme", self.theme_vec[pk]),
            (ReasonKind.TEXT, "term", self.term_vec[pk]),
        ):
            postings = self.postings[name]
            factor = WEIGHTS[slot]
            for key, weight in vec.items():
                scaled = factor * weight
                for other, other_weight in postings[key]:
                    acc[other] = get(other, 0.0) + scaled * other_weight
        for other, value in self._pair_scores(pk).items():
            acc[other] = get(other, 0.0) + value
        acc.pop(pk, None)
        return acc

    def _pair_scores(self, pk, regulations=True):
        """The signals that are not a cosine (shared people, regulations, stated links), for
        the few deals that have any in common with `pk`."""
        acc = {}
        get = acc.get
        people = {}
        for person, kinds in self.profiles[pk].people.items():
            for other, other_kinds in self.postings["person"].get(person, ()):
                people[other] = people.get(other, 0.0) + self._people_value(kinds, other_kinds)
        for other, value in people.items():
            acc[other] = get(other, 0.0) + WEIGHTS[ReasonKind.PEOPLE] * min(value, MAX_PEOPLE)
        if regulations:
            mine, theirs = defaultdict(set), defaultdict(set)
            for key, label in self.profiles[pk].regulations:
                for other, other_label in self.postings["reg"].get(key, ()):
                    mine[other].add(label)
                    theirs[other].add(other_label)
            for other in mine:
                shared = min(len(mine[other]), len(theirs[other]))
                acc[other] = get(other, 0.0) + WEIGHTS[ReasonKind.REGULATION] * shared
        for other in self.mentioned.get(pk, ()):
            acc[other] = get(other, 0.0) + WEIGHTS[ReasonKind.STATED] * self._stated(pk, other)[0]
        return acc

    def _regulation_table(self, pks):
        """The regulation signal for all pairs, as (deal -> group, group x group counts).

        A few dozen regulations are named across a portfolio, in a few combinations: deals
        with the same (regulation key, wording) pairs form one group, and the count of shared
        regulations is computed once per pair of groups, with sparse matrices: a wording of
        group a counts for group b when one of its keys is among b's keys (as `_pair_scores`
        counts it). Returns (group index per deal, counts[a, b] = min of both directions)."""
        import numpy as np
        from scipy import sparse

        groups, of_deal = {}, []
        for pk in pks:
            pairs = frozenset((k, label) for k, label in self.profiles[pk].regulations
                              if self.reg_df[k] >= 2)
            of_deal.append(groups.setdefault(pairs, len(groups)))
        keys = {}
        wording_rows, wording_keys, wording_group = {}, ([], []), []
        group_keys = ([], [])
        for pairs, g in groups.items():
            for k, label in pairs:
                j = keys.setdefault(k, len(keys))
                row = wording_rows.setdefault((g, label), len(wording_rows))
                if row == len(wording_group):
                    wording_group.append(g)
                wording_keys[0].append(row)
                wording_keys[1].append(j)
                group_keys[0].append(g)
                group_keys[1].append(j)
        n_groups, n_keys, n_rows = len(groups), max(len(keys), 1), max(len(wording_rows), 1)
        ones = np.ones
        wording = sparse.csr_matrix((ones(len(wording_keys[0])), wording_keys), (n_rows, n_keys))
        group = sparse.csr_matrix((ones(len(group_keys[0])), group_keys), (n_groups, n_keys))
        touches = (wording @ group.T) > 0  # wording row touches a key of group b
        member = sparse.csr_matrix((ones(len(wording_group)), (wording_group,
                                    range(len(wording_group)))), (n_groups, n_rows))
        counts = (member @ touches).toarray()  # [a, b]: wordings of a that b's keys meet
        return np.array(of_deal, dtype=np.int64), np.minimum(counts, counts.T)

    def ranked_all(self, limit=TOP_K, block=500):
        """`ranked` for every deal at once: {pk: [(other, score, components)]}, the same lists.

        The three cosines are one sparse matrix product: each deal is a row of its weighted
        organisation, theme and stem vectors (each scaled by the square root of its signal's
        weight), so row_a · row_b is the weighted sum of the three cosines. The product is
        taken for `block` deals at a time (a dense block of `block` × deals floats), the shared
        regulations from `_regulation_table`, the other signals from `_pair_scores`, and the
        top of each row is picked with numpy. At 10,000 deals this replaces some 60 million
        dictionary and set updates in Python."""
        import numpy as np
        from scipy import sparse

        pks = list(self.profiles)
        index = {pk: i for i, pk in enumerate(pks)}
        columns, rows, cols, data = {}, [], [], []
        for slot, name in ((ReasonKind.ORGANISATIONS, "org"), (ReasonKind.THEMES, "theme"),
                           (ReasonKind.TEXT, "term")):
            root = math.sqrt(WEIGHTS[slot])
            for pk, vec in getattr(self, f"{name}_vec").items():
                for key, weight in vec.items():
                    rows.append(index[pk])
                    cols.append(columns.setdefault((name, key), len(columns)))
                    data.append(root * weight)
        matrix = sparse.csr_matrix((np.array(data, dtype=np.float64), (rows, cols)),
                                   shape=(len(pks), max(len(columns), 1)))
        transposed = matrix.T.tocsr()
        group_of, shared_regulations = self._regulation_table(pks)
        keep = limit + 10  # as `ranked`: the best few more than needed, then ties by name
        out = {}
        for start in range(0, len(pks), block):
            scores = (matrix[start:start + block] @ transposed).toarray()
            scores += WEIGHTS[ReasonKind.REGULATION] * shared_regulations[
                group_of[start:start + block]][:, group_of]
            for offset, row in enumerate(scores):
                pk = pks[start + offset]
                for other, value in self._pair_scores(pk, regulations=False).items():
                    row[index[other]] += value
                row[start + offset] = -1.0  # not related to itself
                candidates = np.flatnonzero(row >= MIN_SCORE)
                if len(candidates) > keep:
                    candidates = candidates[np.argpartition(-row[candidates], keep - 1)[:keep]]
                out[pk] = self._finish(pk, [(pks[i], float(row[i])) for i in candidates], limit)
        return out

    def _finish(self, pk, best, limit):
        rows = [(other, round(score, 4)) for other, score in best if score >= MIN_SCORE]
        rows.sort(key=lambda r: (-r[1], self.profiles[r[0]].name))
        return [(other, score, self.components(pk, other)) for other, score in rows[:limit]]

    def _shared_regulations(self, a, b):
        """The regulations (as `a` words them) that a bottleneck of `b` names as well."""
        if not a.regulations or not b.regulations:
            return set()
        keys_b = self._regulation_keys(b)
        return {label for k, label in a.regulations if k in keys_b}

    def _regulation_keys(self, profile):
        """The keys of a deal's regulations that another deal names too, once per deal (a
        rebuild asks for them for each of 400,000 pairs)."""
        cache = self.__dict__.setdefault("_keys_of", {})
        keys = cache.get(profile.pk)
        if keys is None:
            keys = cache[profile.pk] = frozenset(
                k for k, _ in profile.regulations if self.reg_df[k] >= 2)
        return keys

    def _regulation_value(self, a, b):
        """How many regulations the two deals share, counted the same from either side."""
        return float(min(len(self._shared_regulations(a, b)), len(self._shared_regulations(b, a))))

    def components(self, pk, other):
        """The raw value of each signal for one pair (for the reasons and the evaluation), as
        `Signals`: with what the pair shares, found on the way, so that the reasons need not
        look for it again."""
        a, b = self.profiles[pk], self.profiles[other]

        def dot(x, y):
            if len(x) > len(y):
                x, y = y, x
            keys = [k for k in x if k in y]
            return sum(x[k] * y[k] for k in keys), keys

        people = 0.0
        shared_people = a.people.keys() & b.people.keys()
        for person in shared_people:
            if self.person_df[person] >= 2:
                people += self._people_value(a.people[person], b.people[person])
        regulations = self._shared_regulations(a, b)
        regulation = float(min(len(regulations), len(self._shared_regulations(b, a))))
        orgs, shared_orgs = dot(self.org_vec[pk], self.org_vec[other])
        themes, shared_themes = dot(self.theme_vec[pk], self.theme_vec[other])
        text, shared_terms = dot(self.term_vec[pk], self.term_vec[other])
        values = Signals([self._stated(pk, other)[0], people, orgs, themes, text, regulation])
        values.shared = Shared(shared_people, shared_orgs, shared_themes, shared_terms,
                               regulations)
        return values

    def components_for(self, pk):
        """The raw signal values against every deal that shares anything (slower; used by
        the evaluation to switch signals off)."""
        return {other: self.components(pk, other) for other in self.scores_for(pk)}

    @staticmethod
    def total(values):
        stated, people, orgs, themes, text, regulation = values
        return (
            WEIGHTS[ReasonKind.STATED] * stated
            + WEIGHTS[ReasonKind.PEOPLE] * min(people, MAX_PEOPLE)
            + WEIGHTS[ReasonKind.ORGANISATIONS] * orgs
            + WEIGHTS[ReasonKind.THEMES] * themes
            + WEIGHTS[ReasonKind.TEXT] * text
            + WEIGHTS[ReasonKind.REGULATION] * regulation
        )

    def ranked(self, pk, limit=TOP_K):
        """[(other pk, score, components)] best first; ties broken by name for stability."""
        scores = self.scores_for(pk)
        best = heapq.nlargest(limit + 10, scores.items(), key=lambda kv: kv[1])
        return self._finish(pk, best, limit)

    # -- evidence ------------------------------------------------------------------------

    def reasons(self, pk, other, values):
        """The evidence behind a pair, as data; `reasons.describe` says it in Dutch."""
        return evidence.reasons(self, pk, other, values)

    def suggestions(self, pk, limit=TOP_K, ranked=None):
        """Unsaved suggestion rows for one deal (rank from 1); `ranked` if already known."""
        return storage.rows(self, pk, self.ranked(pk, limit) if ranked is None else ranked)

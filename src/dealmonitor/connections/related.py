"""The related-deals engine: which deals are related to a deal, how strongly, and why.

A score between two deals is the sum of six signals, each with a weight (`WEIGHTS`):

- stated:        one deal's own texts name the other deal (description, results, notes);
                 more when the sentence says one grew out of or continues the other;
- people:        the same person has a role in both deals (project leader counts most);
- organisations: cosine similarity of the partner lists, each organisation weighted by its
                 rarity across the portfolio (inverse document frequency): a ministry in
                 every deal says little, a small foundation in two deals says a lot;
- themes:        cosine similarity of the themes, weighted by rarity in the same way;
- text:          TF-IDF cosine similarity of description, ambitions, results, lessons and
                 bottlenecks, over Dutch stems (`dealmonitor.utils.text`, stop words removed);
- regulation:    a bottleneck of each deal names the same regulation (when the learning app
                 records bottlenecks).

Every signal keeps the evidence it found, which `reasons.py` turns into plain Dutch.
The scores are symmetric: score(a, b) == score(b, a). `build_all` recomputes the stored
top list of every deal; `update_for_deal` recomputes one deal and the lists it enters or
leaves, without a full rebuild. docs/connections.md explains the choices and the figures.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from dealmonitor.deals.constants import AmbitionScope, RoleKind
from dealmonitor.deals.models import (
    Ambition,
    Deal,
    DealFact,
    Participation,
    Result,
    Role,
    Theme,
)
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils import bulk
from dealmonitor.utils import text as dutch

from .constants import ReasonKind
from .features import (  # the words, names and rules the engine reads in a deal's texts
    ACRONYM,
    CAPITALISED,
    FOLLOW_UP_WORDS,
    KIND_WORDS,
    PARENS,
    contains_sequence,
    name_patterns,
    regulation_keys,
    sentence_cache,
    sentences_of,
    split_compounds,
    terms_of,
)
from .models import RelatedSuggestion

WEIGHTS = {
    ReasonKind.STATED: 3.0,  # a sentence that says one deal grew out of / continues the other
    ReasonKind.PEOPLE: 2.0,  # one shared project leader (other roles count less, see ROLE_WEIGHTS)
    ReasonKind.ORGANISATIONS: 2.0,  # times the rarity-weighted cosine (0..1)
    ReasonKind.THEMES: 1.5,  # times the rarity-weighted cosine (0..1)
    ReasonKind.TEXT: 3.0,  # times the TF-IDF cosine (0..1)
    ReasonKind.REGULATION: 1.5,  # per shared regulation
}
# A plain mention (no words of continuation around it) counts half of a stated follow-up.
MENTION_FACTOR = 0.5
# Both deals name each other: a little more than one naming the other.
MUTUAL_BONUS = 0.5

ROLE_WEIGHTS = {
    RoleKind.PROJECTLEIDER: 1.0,
    RoleKind.PROGRAMMAMANAGER: 1.0,
    RoleKind.PROJECTSECRETARIS: 0.8,
    RoleKind.COORDINATOR: 0.7,
    RoleKind.TREKKER: 0.6,
    RoleKind.STUURGROEPLID: 0.5,
    RoleKind.WERKGROEPSECRETARIS: 0.5,
    RoleKind.COMMUNICATIEADVISEUR: 0.5,
    RoleKind.BETROKKENE: 0.5,
    RoleKind.DEALMAKER: 0.3,  # a dealmaker serves several deals by design
}
LEADING_ROLES = {RoleKind.PROJECTLEIDER, RoleKind.PROGRAMMAMANAGER, RoleKind.PROJECTSECRETARIS}
MAX_PEOPLE = 1.5  # several shared people add up, to at most 1.5 times the weight

TOP_K = 20  # suggestions stored per deal
MIN_SCORE = 0.1  # below this a pair is not a suggestion
TERMS_PER_DEAL = 40  # the most distinctive stems of a deal's texts take part in the cosine
REASON_ITEMS = 5  # organisations, themes or words named in one reason
# A text similarity below this adds at most a tenth of a point and is not worth a sentence.
MIN_TEXT_REASON = 0.03
SHORT_LIST = 2  # see `_index_features`: the shortest list a cosine takes at face value


def df_cap(n_deals):
    """A feature (organisation, stem) present in more deals than this is left out of the
    comparison: it says next to nothing about a pair, and skipping it keeps a rebuild of a
    large portfolio fast. Never below 50 deals, so small portfolios compare everything."""
    return max(50, n_deals // 20)


@dataclass
class Mention:
    source: int  # the deal whose text names the other
    target: int
    field: str  # description, result, ambition, note
    snippet: str
    follow_up: bool


@dataclass
class DealProfile:
    pk: int
    slug: str
    name: str
    orgs: set = field(default_factory=set)
    people: dict = field(default_factory=dict)  # person pk -> set of role kinds
    themes: set = field(default_factory=set)
    terms: Counter = field(default_factory=Counter)
    regulations: set = field(default_factory=set)
    texts: list = field(default_factory=list)  # (field, text) searched for mentions


def _learning_model(name):
    if not apps.is_installed("dealmonitor.learning"):
        return None
    try:
        return apps.get_model("learning", name)
    except LookupError:
        return None


def _field_names(model):
    return {f.name for f in model._meta.get_fields()}


class Portfolio:
    """Everything the engine needs about every deal, loaded in a fixed number of queries."""

    def __init__(self, profiles, org_names, theme_names, surface, aliases):
        self.profiles = profiles
        self.org_names = org_names
        self.theme_names = theme_names
        self.surface = surface
        self.n = len(profiles)
        self.cap = df_cap(self.n)
        self._index_features()
        self._find_mentions(aliases)

    # -- loading -------------------------------------------------------------------------

    @classmethod
    def load(cls):
        profiles = {}
        aliases = {}
        for pk, slug, name, alias_list, description in Deal.objects.values_list(
            "pk", "slug", "name", "aliases", "description"
        ):
            profile = DealProfile(pk=pk, slug=slug, name=name)
            profiles[pk] = profile
            aliases[pk] = [a for a in (alias_list or []) if isinstance(a, str)]
            if description:
                profile.texts.append(("description", description))
        surface = {}
        theme_names = dict(Theme.objects.values_list("pk", "name"))
        for deal_id, theme_id in Deal.themes.through.objects.values_list("deal_id", "theme_id"):
            if deal_id in profiles:
                profiles[deal_id].themes.add(theme_id)
        for deal_id, org_id, note, role in Participation.objects.values_list(
            "deal_id", "organisation_id", "note", "role_description"
        ):
            profile = profiles[deal_id]
            profile.orgs.add(org_id)
            for value in (note, role):
                if value:
                    profile.texts.append(("note", value))
        used_orgs = {o for p in profiles.values() for o in p.orgs}
        org_names = dict(
            Organisation.objects.filter(pk__in=used_orgs).values_list("pk", "name")
        ) if len(used_orgs) < 20_000 else {}
        for deal_id, person_id, kind, description in Role.objects.values_list(
            "deal_id", "person_id", "kind", "description"
        ):
            profiles[deal_id].people.setdefault(person_id, set()).add(kind)
            if description:
                profiles[deal_id].texts.append(("role", description))
        for deal_id, value, scope in Ambition.objects.values_list("deal_id", "text", "scope"):
            profiles[deal_id].texts.append(("ambition", value))
            if scope != AmbitionScope.CONTEXT:
                profiles[deal_id].terms.update(terms_of(value, surface))
        for deal_id, value, note in Result.objects.values_list("deal_id", "text", "note"):
            profiles[deal_id].texts.append(("result", value))
            profiles[deal_id].terms.update(terms_of(value, surface))
            if note:
                profiles[deal_id].texts.append(("note", note))
        for deal_id, note in DealFact.objects.exclude(note="").values_list("deal_id", "note"):
            profiles[deal_id].texts.append(("note", note))
        for profile in profiles.values():
            # The name is the shortest description a deal has, and a successor often carries
            # it on ("Health Hub" → "Health Hub Utrecht"); its words count like the others.
            profile.terms.update(terms_of(PARENS.sub(" ", profile.name), surface))
            for kind, value in profile.texts:
                if kind == "description":
                    profile.terms.update(terms_of(value, surface))
            for theme_id in profile.themes:
                profile.terms.update(terms_of(theme_names[theme_id], surface))
        cls._load_learning(profiles, surface)
        split_compounds(profiles)
        try:
            return cls(profiles, org_names, theme_names, surface, aliases)
        finally:
            sentence_cache.clear()

    @staticmethod
    def _load_learning(profiles, surface):
        """Lessons and bottlenecks, when the learning app records them (read defensively:
        this engine works without them)."""
        for model_name in ("Lesson", "Bottleneck"):
            model = _learning_model(model_name)
            if model is None:
                continue
            names = _field_names(model)
            if "deal" not in names:
                continue
            text_fields = [f for f in ("title", "text", "description", "summary") if f in names]
            regulation = next((f for f in ("regulation", "rule") if f in names), None)
            wanted = ["deal_id", *text_fields, *([regulation] if regulation else [])]
            rows_qs = model.objects.all()
            if "visibility" in names:
                # Only what the whole programme may read: the reasons quote shared words.
                choices = dict(model._meta.get_field("visibility").choices or ())
                if "programma" not in choices:
                    continue
                rows_qs = rows_qs.filter(visibility="programma")
            try:
                rows = list(rows_qs.values_list(*wanted))
            except Exception:  # a table not migrated yet: the engine works without it
                continue
            for row in rows:
                profile = profiles.get(row[0])
                if profile is None:
                    continue
                for value in row[1:1 + len(text_fields)]:
                    if value:
                        profile.terms.update(terms_of(value, surface))
                if regulation and row[-1]:
                    for key in regulation_keys(row[-1]):
                        profile.regulations.add((key, row[-1]))

    # -- vectors -------------------------------------------------------------------------

    def _idf(self, df):
        return math.log((self.n + 1) / df) if df else 0.0

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
        cap = self.cap
        # A short list is not allowed to look like a perfect match: the length of a vector is
        # taken as at least that of a list with `SHORT_LIST` items as rare as can be shared
        # (in two deals). Without it two deals that each list only one ministry would score a
        # cosine of 1 on that ministry alone; with it a single shared rare foundation still
        # counts, a single shared ministry hardly.
        floor = self._idf(2) * math.sqrt(SHORT_LIST)
        for pk, p in self.profiles.items():
            self.org_vec[pk] = self._unit(
                {o: self._idf(org_df[o]) for o in p.orgs if 2 <= org_df[o] <= cap}, floor
            )
            self.theme_vec[pk] = self._unit(
                {t: self._idf(theme_df[t]) for t in p.themes if theme_df[t] >= 2}
            )
            weighted = {
                t: (1 + math.log(c)) * self._idf(term_df[t])
                for t, c in p.terms.items() if 2 <= term_df[t] <= cap
            }
            top = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_PER_DEAL]
            self.term_vec[pk] = self._unit(dict(top), floor)
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

    @staticmethod
    def _unit(vec, floor=0.0):
        norm = max(math.sqrt(sum(w * w for w in vec.values())), floor)
        return {k: w / norm for k, w in vec.items()} if norm else {}

    # -- stated links --------------------------------------------------------------------

    def _find_mentions(self, aliases):
        """Scan every deal's texts once for the names of the other deals."""
        by_first = defaultdict(list)
        by_acronym = defaultdict(list)
        by_proper = defaultdict(list)
        own_names = {}
        for pk, p in self.profiles.items():
            patterns, acronyms, proper = name_patterns(p.name, aliases.get(pk, []))
            for word in proper:
                by_proper[word].append(pk)
            own_names[pk] = [tuple(dutch.words(PARENS.sub(" ", label)))
                             for label in [p.name, *aliases.get(pk, [])]]
            for pattern in patterns:
                by_first[pattern[0]].append((pattern, pk))
            for acronym in acronyms:
                by_acronym[acronym].append(pk)
        self.mentions = {}  # (source, target) -> Mention (the strongest one)
        for pk, p in self.profiles.items():
            for field_name, value in p.texts:
                for sentence, tokens in sentences_of(value):
                    found = set()
                    i = 0
                    while i < len(tokens):
                        best = None
                        for pattern, target in by_first.get(tokens[i], ()):
                            if target == pk or tokens[i:i + len(pattern)] != pattern:
                                continue
                            if any(contains_sequence(own, pattern) for own in own_names[pk]) and not any(
                                pattern[: len(kind)] == kind for kind in KIND_WORDS
                            ):
                                continue  # our own name contains it ("Health Hub" in HH Utrecht)
                            if best is None or len(pattern) > len(best[0]):
                                best = (pattern, target)
                        if best:
                            found.add(best[1])
                            i += len(best[0])
                        else:
                            i += 1
                    for acronym in set(ACRONYM.findall(sentence)):
                        found.update(t for t in by_acronym.get(acronym, ()) if t != pk)
                    for word in CAPITALISED.findall(sentence.strip())[1:]:
                        found.update(t for t in by_proper.get(dutch.fold(word), ()) if t != pk)
                    if not found:
                        continue
                    follow_up = bool(FOLLOW_UP_WORDS & set(tokens))
                    for target in found:
                        mention = Mention(pk, target, field_name, _snippet(sentence), follow_up)
                        old = self.mentions.get((pk, target))
                        if old is None or (follow_up and not old.follow_up):
                            self.mentions[(pk, target)] = mention
        self.mentioned = defaultdict(set)
        for source, target in self.mentions:
            self.mentioned[source].add(target)
            self.mentioned[target].add(source)

    def _stated(self, a, b):
        found = [m for m in (self.mentions.get((a, b)), self.mentions.get((b, a))) if m]
        if not found:
            return 0.0, []
        value = 1.0 if any(m.follow_up for m in found) else MENTION_FACTOR
        if len(found) == 2:
            value += MUTUAL_BONUS
        return value, found

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
        keys_b = {k for k, _ in b.regulations if self.reg_df[k] >= 2}
        return {label for k, label in a.regulations if k in keys_b}

    def _regulation_value(self, a, b):
        """How many regulations the two deals share, counted the same from either side."""
        return float(min(len(self._shared_regulations(a, b)), len(self._shared_regulations(b, a))))

    def components(self, pk, other):
        """The raw value of each signal for one pair (for the reasons and the evaluation)."""
        a, b = self.profiles[pk], self.profiles[other]

        def dot(x, y):
            if len(x) > len(y):
                x, y = y, x
            return sum(w * y[k] for k, w in x.items() if k in y)

        people = 0.0
        for person in set(a.people) & set(b.people):
            if self.person_df[person] >= 2:
                people += self._people_value(a.people[person], b.people[person])
        regulation = self._regulation_value(a, b)
        return [
            self._stated(pk, other)[0],
            people,
            dot(self.org_vec[pk], self.org_vec[other]),
            dot(self.theme_vec[pk], self.theme_vec[other]),
            dot(self.term_vec[pk], self.term_vec[other]),
            regulation,
        ]

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

    # -- reasons -------------------------------------------------------------------------

    def reasons(self, pk, other, values):
        """The evidence behind a pair, as data; `reasons.describe` says it in Dutch."""
        a, b = self.profiles[pk], self.profiles[other]
        out = []
        stated, people, orgs, themes, text, regulation = values
        if stated:
            _value, found = self._stated(pk, other)
            out.append({
                "kind": ReasonKind.STATED,
                "score": round(WEIGHTS[ReasonKind.STATED] * stated, 3),
                "follow_up": any(m.follow_up for m in found),
                "mentions": [
                    {"in": self.profiles[m.source].name, "names": self.profiles[m.target].name,
                     "field": m.field, "snippet": m.snippet}
                    for m in found
                ],
            })
        if people:
            shared = []
            for person in sorted(set(a.people) & set(b.people)):
                shared.append({
                    "here": sorted(a.people[person]), "there": sorted(b.people[person]),
                })
            out.append({
                "kind": ReasonKind.PEOPLE,
                "score": round(WEIGHTS[ReasonKind.PEOPLE] * min(people, MAX_PEOPLE), 3),
                "people": shared,
            })
        if orgs:
            shared = sorted(
                (o for o in a.orgs & b.orgs if 2 <= self.org_df[o] <= self.cap),
                key=lambda o: (self.org_df[o], self.org_names.get(o, "")),
            )
            out.append({
                "kind": ReasonKind.ORGANISATIONS,
                "score": round(WEIGHTS[ReasonKind.ORGANISATIONS] * orgs, 3),
                "count": len(shared),
                "items": [
                    {"name": self.org_names.get(o, str(o)), "deals": self.org_df[o]}
                    for o in shared[:REASON_ITEMS]
                ],
            })
        if themes:
            shared = sorted(self.theme_names[t] for t in a.themes & b.themes)
            out.append({
                "kind": ReasonKind.THEMES,
                "score": round(WEIGHTS[ReasonKind.THEMES] * themes, 3),
                "items": shared[:REASON_ITEMS],
            })
        if text >= MIN_TEXT_REASON:
            va, vb = self.term_vec[pk], self.term_vec[other]
            shared = sorted(set(va) & set(vb), key=lambda t: -va[t] * vb[t])
            out.append({
                "kind": ReasonKind.TEXT,
                "score": round(WEIGHTS[ReasonKind.TEXT] * text, 3),
                "similarity": round(text, 3),
                "items": [self.surface.get(t, t) for t in shared[:REASON_ITEMS]],
            })
        if regulation:
            out.append({
                "kind": ReasonKind.REGULATION,
                "score": round(WEIGHTS[ReasonKind.REGULATION] * regulation, 3),
                "items": sorted(self._shared_regulations(a, b)),
            })
        out.sort(key=lambda r: -r["score"])
        return out

    def suggestions(self, pk, limit=TOP_K, ranked=None):
        """Unsaved suggestion rows for one deal (rank from 1); `ranked` if already known."""
        return [
            RelatedSuggestion(
                deal_id=pk, other_id=other, rank=rank, score=score,
                reasons=self.reasons(pk, other, values),
            )
            for rank, (other, score, values) in enumerate(
                self.ranked(pk, limit) if ranked is None else ranked, start=1)
        ]


def _snippet(sentence, length=220):
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= length else sentence[: length - 1].rstrip() + "…"


# -- writing the stored lists (called from services.py) --------------------------------------


def _store(rows, existing_qs, batch_size=2000):
    """Write the new suggestion rows over the stored ones of the same deals, touching only
    what changed: an unchanged list keeps its rows (and their ids and times) as they are."""
    stored = {
        (deal_id, other_id): (pk, rank, score, reasons)
        for pk, deal_id, other_id, rank, score, reasons in existing_qs.values_list(
            "pk", "deal_id", "other_id", "rank", "score", "reasons"
        ).iterator(chunk_size=5000)
    }
    if stored and len(stored) > 2 * len(rows) + 1000:
        stored = {}  # almost everything changes: cheaper to start afresh
        existing_qs.delete()
    create, update, keep = [], [], set()
    for row in rows:
        key = (row.deal_id, row.other_id)
        old = stored.get(key)
        if old is None:
            create.append(row)
            continue
        keep.add(key)
        if (old[1], old[2], old[3]) != (row.rank, row.score, row.reasons):
            row.pk = old[0]
            row.computed_at = timezone.now()
            update.append(row)
    gone = [v[0] for k, v in stored.items() if k not in keep]
    for start in range(0, len(gone), batch_size):
        RelatedSuggestion.objects.filter(pk__in=gone[start:start + batch_size]).delete()
    RelatedSuggestion.objects.bulk_update(
        update, ["rank", "score", "reasons", "computed_at"], batch_size=500
    )
    # New rows are streamed (COPY on PostgreSQL): derived data without history, and at
    # 200,000 rows `bulk_create` spends most of its time building statements.
    bulk.write(RelatedSuggestion, ["deal_id", "other_id", "rank", "score", "reasons"],
               ((r.deal_id, r.other_id, r.rank, r.score, r.reasons) for r in create))
    return len(create), len(update), len(gone)


def build_all():
    """Recompute the top list of every deal and store what changed. Returns (deals,
    suggestions)."""
    portfolio = Portfolio.load()
    rows = []
    for pk, ranked in portfolio.ranked_all().items():
        rows.extend(portfolio.suggestions(pk, ranked=ranked))
    with transaction.atomic():
        _store(rows, RelatedSuggestion.objects.all())
    return portfolio.n, len(rows)


def update_for_deal(deal_pk):
    """Recompute one deal's list, and the lists of the deals it enters or leaves.

    Exact for every pair (the signals are symmetric); the rarity weights of other pairs
    move a little when a deal changes its partners, which the next full rebuild settles.
    Returns the number of lists rewritten.
    """
    portfolio = Portfolio.load()
    if deal_pk not in portfolio.profiles:
        RelatedSuggestion.objects.filter(other_id=deal_pk).delete()
        return 0
    scores = portfolio.scores_for(deal_pk)
    had_it = set(
        RelatedSuggestion.objects.filter(other_id=deal_pk).values_list("deal_id", flat=True)
    )
    candidates = [o for o, s in scores.items() if s >= MIN_SCORE and o not in had_it]
    kth = dict(
        RelatedSuggestion.objects.filter(deal_id__in=candidates, rank=TOP_K)
        .values_list("deal_id", "score")
    )
    enters = {o for o in candidates if o not in kth or scores[o] >= kth[o]}
    affected = {deal_pk} | had_it | enters
    rows = []
    for pk in affected:
        rows.extend(portfolio.suggestions(pk))
    with transaction.atomic():
        _store(rows, RelatedSuggestion.objects.filter(deal_id__in=affected))
    return len(affected)

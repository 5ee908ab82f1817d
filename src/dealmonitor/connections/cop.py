"""The Community of Practice planner: deals grouped by phase as the CoP does, a seating plan
that puts related deals at one table, and buddies for the project leaders of new deals."""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from dealmonitor.deals.constants import DealStatus, Phase, RoleKind
from dealmonitor.deals.models import Role
from dealmonitor.ecosystem.matching import deal_pair_scores

from .constants import PhaseGroup
from .models import RelatedSuggestion

TABLE_SIZE = 4
NEW_DEAL_MONTHS = 12  # a deal signed less than a year ago is starting
ENDING_MONTHS = 12  # a deal that ends within a year is ending
BUDDY_ROLES = (RoleKind.PROJECTLEIDER, RoleKind.PROJECTSECRETARIS, RoleKind.PROGRAMMAMANAGER)


def _months_between(a, b):
    return (b.year - a.year) * 12 + (b.month - a.month)


def phase_at(deal, day):
    """The deal's phase on `day`, from its phase history (prefetch `phase_changes` for a
    list): the last phase entered on or before that day; "" when its recorded phases all
    began later (so an event in 2021 does not see the phase a deal reached in 2024); the
    current phase when no history has dates."""
    dated = [c for c in deal.phase_changes.all() if c.started_on]
    if not dated:
        return deal.phase
    before = [c for c in dated if c.started_on <= day]
    return max(before, key=lambda c: (c.started_on, c.recorded_at)).phase if before else ""


def phase_group(deal, today=None):
    """start, running or ending at `today` (an event's date): the phase the deal was in on
    that day first, else the dates and the status. A deal without a signing date counts as
    running."""
    today = today or timezone.localdate()
    phase = phase_at(deal, today)
    ends = deal.extended_to or deal.end_date
    ends_soon = bool(ends and _months_between(today, ends) <= ENDING_MONTHS)
    if phase == Phase.VERKENNEN:
        return PhaseGroup.START
    if phase in (Phase.BORGEN, Phase.AFGEROND):
        return PhaseGroup.ENDING
    if deal.status == DealStatus.AFGEROND and (ends is None or ends_soon):
        return PhaseGroup.ENDING
    if phase in (Phase.AANJAGEN, Phase.LEREN):
        return PhaseGroup.ENDING if ends_soon else PhaseGroup.RUNNING
    signed = deal.signing_date
    if signed is not None and _months_between(signed, today) < NEW_DEAL_MONTHS:
        return PhaseGroup.START  # signed less than a year ago, or not yet signed
    return PhaseGroup.ENDING if ends_soon else PhaseGroup.RUNNING


def group_by_phase(deals, today=None):
    groups = {g: [] for g in PhaseGroup}
    for deal in deals:
        groups[phase_group(deal, today)].append(deal)
    return [(g, g.label, sorted(groups[g], key=lambda d: d.name)) for g in PhaseGroup]


def pair_scores(deals, needs_and_offers=True):
    """Scores between the given deals, from the stored suggestions (one query), plus, with
    `needs_and_offers`, the best fit between the open needs of one deal's partners and the
    open offers of the other's (ecosystem.matching): deals that can help each other sit
    together."""
    ids = [d.pk for d in deals]
    scores = {}
    for a, b, score in RelatedSuggestion.objects.filter(
        deal_id__in=ids, other_id__in=ids
    ).values_list("deal_id", "other_id", "score"):
        key = (min(a, b), max(a, b))
        scores[key] = max(scores.get(key, 0.0), score)
    if needs_and_offers:
        for key, score in deal_pair_scores(ids).items():
            scores[key] = scores.get(key, 0.0) + score
    return scores


def propose_seating(deals, table_size=TABLE_SIZE, scores=None):
    """Tables of at most `table_size` deals that keep the strongest related pairs together.

    Greedy: the strongest pairs are seated first (together at an open table); every deal
    left then goes to the table where its related deals sit, with room to spare."""
    deals = sorted(deals, key=lambda d: d.name)
    if not deals:
        return []
    scores = pair_scores(deals) if scores is None else scores
    n_tables = max(1, math.ceil(len(deals) / table_size))
    tables = [[] for _ in range(n_tables)]
    seat = {}
    by_pk = {d.pk: d for d in deals}

    def room(t):
        return table_size - len(tables[t])

    for (a, b), _score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if a in seat and b in seat:
            continue
        if a not in seat and b not in seat:
            empty = [t for t in range(n_tables) if not tables[t]]
            target = empty[0] if empty else max(range(n_tables), key=room)
            if room(target) >= 2:
                for pk in (a, b):
                    tables[target].append(by_pk[pk])
                    seat[pk] = target
            continue
        placed, other = (a, b) if a in seat else (b, a)
        if room(seat[placed]) >= 1:
            tables[seat[placed]].append(by_pk[other])
            seat[other] = seat[placed]
    for deal in deals:
        if deal.pk in seat:
            continue
        def gain(t):
            return sum(scores.get((min(deal.pk, o.pk), max(deal.pk, o.pk)), 0) for o in tables[t])
        open_tables = [t for t in range(n_tables) if room(t) > 0]
        target = max(open_tables, key=lambda t: (gain(t), room(t), -t))
        tables[target].append(deal)
        seat[deal.pk] = target
    return [sorted(t, key=lambda d: d.name) for t in tables if t]


@dataclass
class BuddyProposal:
    new_deal: object
    new_people: list
    buddy_deal: object
    buddy_people: list
    shared_themes: list = field(default_factory=list)
    score: float = 0.0


def propose_buddies(deals, today=None, per_deal=1):
    """For each starting deal, an experienced deal (running or ending) on shared themes, with
    the project leaders and secretaries of both. Ranked by shared themes, then by the
    related-deals score; experienced deals with a known project leader first."""
    today = today or timezone.localdate()
    deals = list(deals)
    starting = [d for d in deals if phase_group(d, today) == PhaseGroup.START]
    experienced = [d for d in deals if phase_group(d, today) != PhaseGroup.START]
    if not starting or not experienced:
        return []
    people = defaultdict(list)
    for role in Role.objects.filter(
        deal__in=deals, kind__in=BUDDY_ROLES
    ).select_related("person").order_by("kind", "person__slug"):
        people[role.deal_id].append(role)
    themes = {d.pk: {t.name for t in d.themes.all()} for d in deals}
    scores = pair_scores(deals)
    proposals = []
    for new in sorted(starting, key=lambda d: d.name):
        options = []
        for old in experienced:
            shared = sorted(themes[new.pk] & themes[old.pk])
            related = scores.get((min(new.pk, old.pk), max(new.pk, old.pk)), 0.0)
            if not shared and not related:
                continue
            options.append((len(shared), bool(people[old.pk]), related, old, shared))
        options.sort(key=lambda o: (-o[0], -o[1], -o[2], o[3].name))
        for n_shared, _has, related, old, shared in options[:per_deal]:
            proposals.append(BuddyProposal(new, people[new.pk], old, people[old.pk], shared,
                                           round(related, 2)))
    return proposals



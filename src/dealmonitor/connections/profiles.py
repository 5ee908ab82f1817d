"""Loading what the related-deals engine reads of each deal: its partners, people, themes,
the stems of its texts, the regulations its bottlenecks name, and the texts that may name
another deal. A fixed number of queries for the whole portfolio, or for a few deals
(`deal_ids`) when one deal is updated.

Lessons and bottlenecks belong to the learning app, on the same floor as this one: they are
read through the interface that app registers (`deals.registry.SHARED_TEXTS`), so this app
imports nothing of it and works without it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dealmonitor.deals import registry
from dealmonitor.deals.constants import AmbitionScope
from dealmonitor.deals.models import Ambition, Deal, DealFact, Participation, Result, Role, Theme
from dealmonitor.organisations.models import Organisation

from .features import PARENS, regulation_keys, terms_of


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
    phase: str = ""


@dataclass
class Loaded:
    profiles: dict  # pk -> DealProfile
    org_names: dict
    theme_names: dict
    surface: dict  # stem -> a readable word
    aliases: dict  # pk -> [alias]


def _only(qs, deal_ids, field_name="deal_id"):
    return qs if deal_ids is None else qs.filter(**{f"{field_name}__in": deal_ids})


def load(deal_ids=None):
    """The profiles of every deal, or of the deals in `deal_ids`."""
    profiles, aliases, surface = {}, {}, {}
    for pk, slug, name, alias_list, description, phase in _only(
        Deal.objects.all(), deal_ids, "pk"
    ).values_list("pk", "slug", "name", "aliases", "description", "phase"):
        profile = DealProfile(pk=pk, slug=slug, name=name, phase=phase or "")
        profiles[pk] = profile
        aliases[pk] = [a for a in (alias_list or []) if isinstance(a, str)]
        if description:
            profile.texts.append(("description", description))
    theme_names = dict(Theme.objects.values_list("pk", "name"))
    for deal_id, theme_id in _only(Deal.themes.through.objects.all(), deal_ids).values_list(
        "deal_id", "theme_id"
    ):
        if deal_id in profiles:
            profiles[deal_id].themes.add(theme_id)
    for deal_id, org_id, note, role in _only(Participation.objects.all(), deal_ids).values_list(
        "deal_id", "organisation_id", "note", "role_description"
    ):
        profile = profiles[deal_id]
        profile.orgs.add(org_id)
        for value in (note, role):
            if value:
                profile.texts.append(("note", value))
    for deal_id, person_id, kind, description in _only(Role.objects.all(), deal_ids).values_list(
        "deal_id", "person_id", "kind", "description"
    ):
        profiles[deal_id].people.setdefault(person_id, set()).add(kind)
        if description:
            profiles[deal_id].texts.append(("role", description))
    for deal_id, value, scope in _only(Ambition.objects.all(), deal_ids).values_list(
        "deal_id", "text", "scope"
    ):
        profiles[deal_id].texts.append(("ambition", value))
        if scope != AmbitionScope.CONTEXT:
            profiles[deal_id].terms.update(terms_of(value, surface))
    for deal_id, value, note in _only(Result.objects.all(), deal_ids).values_list(
        "deal_id", "text", "note"
    ):
        profiles[deal_id].texts.append(("result", value))
        profiles[deal_id].terms.update(terms_of(value, surface))
        if note:
            profiles[deal_id].texts.append(("note", note))
    for deal_id, note in _only(DealFact.objects.exclude(note=""), deal_ids).values_list(
        "deal_id", "note"
    ):
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
    _load_shared_texts(profiles, surface, deal_ids)
    used_orgs = {o for p in profiles.values() for o in p.orgs}
    org_names = dict(
        Organisation.objects.filter(pk__in=used_orgs).values_list("pk", "name")
    ) if len(used_orgs) < 20_000 else {}  # a full rebuild names organisations afterwards
    return Loaded(profiles, org_names, theme_names, surface, aliases)


def _load_shared_texts(profiles, surface, deal_ids):
    """Lessons for the whole programme and bottlenecks, from the apps that keep them."""
    for reader in registry.SHARED_TEXTS.values():
        for deal_id, texts, regulation in reader(deal_ids):
            profile = profiles.get(deal_id)
            if profile is None:
                continue
            for value in texts:
                if value:
                    profile.terms.update(terms_of(value, surface))
            if regulation:
                for key in regulation_keys(regulation):
                    profile.regulations.add((key, regulation))

"""Stated links: one deal's texts name another deal (by its name, a shorter form of it, an
acronym, or a one-word name written as a name), and whether the sentence speaks of where one
came from or what followed ("kwam voort uit", "doorstart")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dealmonitor.utils import text as dutch

from .features import (
    ACRONYM,
    CAPITALISED,
    FOLLOW_UP_WORDS,
    KIND_WORDS,
    PARENS,
    contains_sequence,
    name_patterns,
    sentences_of,
)

# A plain mention (no words of continuation around it) counts half of a stated follow-up.
MENTION_FACTOR = 0.5
# Both deals name each other: a little more than one naming the other.
MUTUAL_BONUS = 0.5


@dataclass
class Mention:
    source: int  # the deal whose text names the other
    target: int
    field: str  # description, result, ambition, note
    snippet: str
    follow_up: bool


def snippet(sentence, length=220):
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= length else sentence[: length - 1].rstrip() + "…"


class NameIndex:
    """The names of every deal, indexed by first word, acronym and one-word proper name."""

    def __init__(self, names, aliases):
        """`names`: {pk: name}; `aliases`: {pk: [alias]}."""
        self.by_first = defaultdict(list)
        self.by_acronym = defaultdict(list)
        self.by_proper = defaultdict(list)
        self.own_names = {}
        for pk, name in names.items():
            patterns, acronyms, proper = name_patterns(name, aliases.get(pk, []))
            for word in proper:
                self.by_proper[word].append(pk)
            self.own_names[pk] = [tuple(dutch.words(PARENS.sub(" ", label)))
                                  for label in [name, *aliases.get(pk, [])]]
            for pattern in patterns:
                self.by_first[pattern[0]].append((pattern, pk))
            for acronym in acronyms:
                self.by_acronym[acronym].append(pk)

    def named_in(self, pk, sentence, tokens):
        """The deals other than `pk` that a sentence of `pk`'s texts names."""
        found = set()
        i = 0
        own = self.own_names.get(pk, [])
        while i < len(tokens):
            best = None
            for pattern, target in self.by_first.get(tokens[i], ()):
                if target == pk or tokens[i:i + len(pattern)] != pattern:
                    continue
                if any(contains_sequence(name, pattern) for name in own) and not any(
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
            found.update(t for t in self.by_acronym.get(acronym, ()) if t != pk)
        for word in CAPITALISED.findall(sentence.strip())[1:]:
            found.update(t for t in self.by_proper.get(dutch.fold(word), ()) if t != pk)
        return found


def find(index, texts_of):
    """Scan the texts of the deals in `texts_of` ({pk: [(field, text)]}) once for the names of
    the other deals: {(source, target): Mention}, the strongest mention of each pair."""
    mentions = {}
    for pk, texts in texts_of.items():
        for field_name, value in texts:
            for sentence, tokens in sentences_of(value):
                found = index.named_in(pk, sentence, tokens)
                if not found:
                    continue
                follow_up = bool(FOLLOW_UP_WORDS & set(tokens))
                for target in found:
                    mention = Mention(pk, target, field_name, snippet(sentence), follow_up)
                    old = mentions.get((pk, target))
                    if old is None or (follow_up and not old.follow_up):
                        mentions[(pk, target)] = mention
    return mentions


class Stated:
    """The stated links of a portfolio: value and evidence per pair, symmetric."""

    def __init__(self, mentions):
        self.mentions = mentions
        self.mentioned = defaultdict(set)
        for source, target in mentions:
            self.mentioned[source].add(target)
            self.mentioned[target].add(source)

    def pair(self, a, b):
        """(value, [Mention]) for the pair a–b."""
        found = [m for m in (self.mentions.get((a, b)), self.mentions.get((b, a))) if m]
        if not found:
            return 0.0, []
        value = 1.0 if any(m.follow_up for m in found) else MENTION_FACTOR
        if len(found) == 2:
            value += MUTUAL_BONUS
        return value, found

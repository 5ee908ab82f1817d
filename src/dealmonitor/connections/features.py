"""What the related-deals engine (related.py) reads in a deal's texts: Dutch stems without
the words every deal uses, compound words split into their parts, sentences, the names and
acronyms by which one deal may mention another, and the regulations a bottleneck names."""

from __future__ import annotations

import re
from collections import Counter

from dealmonitor.utils import text as dutch

# Words around a mention that say one deal continues another ("voortkwam uit", "doorstart").
FOLLOW_UP_WORDS = frozenset(
    """
    voortkwam voortgekomen voortgezet voortzetting vervolg vervolgde opvolger opvolgers
    voorloper voorganger doorstart ontstond ontstaan groeide uitgegroeid uitgroeide
    bundelden haakte aangehaakt ondergebracht katalysator blauwdruk afloop afsluiting
    initiatief opgevolgd voort volgde volgt doorontwikkeling doorontwikkeld
    """.split()
)
KIND_WORDS = (("city", "deal"), ("town", "deal"), ("regio", "deal"), ("green", "deal"), ("cd",),
              ("td",))
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{2,}\b")
PARENS = re.compile(r"\(([^)]*)\)")
CAPITALISED = re.compile(r"(?:^|(?<=\s)|(?<=[\'\"(]))([A-Z][a-z\u00e0-\u00ff]+)")


# Words every deal's texts use about the programme itself and its partners, not about its
# subject: every City Deal is about cities, with municipalities, the national government,
# partners and knowledge institutions working together on an approach.
PROGRAMME_WORDS = frozenset(
    """
    city town deal deals agenda regio green stad steden stedelijk stedelijke gemeente
    gemeenten gemeentelijk gemeentelijke rijk rijksoverheid ministerie ministeries provincie
    provincies overheid overheden partner partners partij partijen samenwerking samenwerken
    samen samenwerkingsverband kennisinstelling kennisinstellingen instelling instellingen
    programma programma's project projecten aanpak netwerk netwerken betrokken betrokkenen
    organisatie organisaties ondertekend ondertekening ondertekenaars
    """.split()
)
# Words that mark invented demo rows ("Voorbeeld: ..."), never evidence of a link.
DEMO_MARKERS = frozenset({"voorbeeld", "voorbeelden", "verzonnen", "fictief", "fictieve",
                          "demo", "example"})
# Words of ordinary Dutch prose that say when, how much or that something happened, but not
# what a deal is about: numbers, months, time words and the commonest verbs and adverbs of
# reports. In a small portfolio two deals can share such a word by chance, and the rarity
# weight (idf) alone cannot tell "vier" from "fiets"; left out of the similarity only (the
# lessons search keeps them).
GENERIC_WORDS = frozenset(
    """
    twee drie vier vijf zes zeven acht negen tien elf twaalf dertien vijftien twintig dertig
    veertig vijftig zestig honderd duizend miljoen miljard eerste tweede derde vierde vijfde
    half helft procent euro ruim bijna circa ongeveer minimaal maximaal totaal
    januari februari maart april mei juni juli augustus september oktober november december
    jaar jaren jaarlijks maand maanden week weken dag dagen medio eind begin start gestart
    inmiddels daarna later eerder sinds vanaf tijdens komende afgelopen vorig vorige volgende
    huidige nieuw nieuwe nieuwste lang lange kort korte snel sneller
    gaf geven geeft gegeven kreeg kregen krijgen gekregen vond vonden vinden gevonden zocht
    zochten zoeken gezocht zet zetten gezet zette maakt maken maakte gemaakt wilde wilden
    staat staan stond stonden gesteld stellen bracht brengen gebracht houdt houden hield
    noemt noemen noemde genoemd volgens waarbij zoals onder meer bijvoorbeeld onder andere
    extra elke elk eigen verschillende diverse meerdere ander sterk goed goede beter groot
    grote grootste mogelijk mogelijke nodig echter vooral steeds verder weer tevens daarnaast
    wel waarmee waardoor waarvan daarmee hiervoor daarvoor erbij eraan erin
    gericht gerichte richten richt vroeg vroegen vragen vraagt gevraagd vraag gepresenteerd
    presenteren presenteert presentatie leggen legt gelegd legde gewerkt werken werkt werkte
    werkten ontwikkelen ontwikkelt ontwikkeld ontwikkelde ontwikkeling bestaande bestaan
    bestaat doe doet gedaan deed hebt had gehad kunt konden moest moesten mocht mogen zullen
    laten liet gelaten zien ziet gezien zag keek kijken gekeken blijkt bleek gebleken blijven
    blijft bleef gebleven leidt leiden leidde geleid kwam gekomen
    gaf wilde wilden opgeleverd opleveren oplevert leverde levert leveren geleverd
    resultaat resultaten doel doelen ambitie ambities les lessen geleerd leren knelpunt
    knelpunten mensen manier manieren rol rollen kern punt punten vorm vormen onderdeel
    belangrijk belangrijke mee waar wanneer daarom zowel namelijk alleen vaak soms gaat
    toe iedereen versterken versterkt versterking probleem problemen kleine klein oplossing
    oplossingen uitgewerkt uitwerken uitwerking
    """.split()
)

_stem_cache: dict[str, str] = {}


def _stem(word):
    """One stem through the shared Dutch stemmer, remembered: a portfolio repeats its words."""
    stem = _stem_cache.get(word)
    if stem is None:
        stem = dutch._stemmer().stemWord(word)
        if len(_stem_cache) < 500_000:
            _stem_cache[word] = stem
    return stem


def sentences_of(value):
    """A text as (sentence, its words) pairs, remembered while one portfolio loads: the same
    words serve the stems (similarity) and the search for deal names (stated links)."""
    cached = sentence_cache.get(value)
    if cached is None:
        cached = tuple(
            (sentence, tuple(dutch.words(sentence))) for sentence in _SENTENCE_END.split(value)
        )
        if len(sentence_cache) < 200_000:
            sentence_cache[value] = cached
    return cached


sentence_cache: dict[str, tuple] = {}


def terms_of(value, surface=None):
    """Stems of a Dutch text, as `dutch.stems` gives them; `surface` learns a readable word
    for each stem (its first spelling) for the reasons."""
    out = []
    for word in (w for _sentence, words in sentences_of(value) for w in words):
        if (word in dutch.STOP_WORDS or word in PROGRAMME_WORDS or word in GENERIC_WORDS
                or word in DEMO_MARKERS or len(word) < 3):
            continue
        stem = _stem(word)
        out.append(stem)
        if surface is not None and stem not in surface:
            surface[stem] = word
    return out


def name_patterns(name, aliases):
    """Word sequences that name a deal in running text, its acronyms, and one-word names
    (matched only with a capital inside a sentence, so a common word is not a name)."""
    patterns, acronyms, proper = set(), set(), set()
    for label in [name, *aliases]:
        for inner in PARENS.findall(label):
            acronyms.update(a for a in ACRONYM.findall(inner) if a == inner.strip())
        plain = PARENS.sub(" ", label)
        tokens = tuple(dutch.words(plain))
        if not tokens:
            continue
        if len(tokens) == 1 and ACRONYM.fullmatch(plain.strip()):
            acronyms.add(plain.strip())
            continue
        core = tokens
        for kind in KIND_WORDS:
            if core[: len(kind)] == kind:
                core = core[len(kind):]
                break
        if core != tokens and len(core) >= 1:
            patterns.add(tokens)  # "city deal health hub" is specific even if the rest is short
        if len(core) == 1 and len(core[0]) >= 8 and core != tokens:
            proper.add(core[0])  # "Woningabonnement": matched only when written as a name
        if len(core) >= 2:
            patterns.add(core)
            first = tuple(dutch.words(PARENS.sub(" ", re.split(r"[,:]", plain)[0])))
            for kind in KIND_WORDS:
                if first[: len(kind)] == kind:
                    first = first[len(kind):]
                    break
            if len(first) >= 2:
                patterns.add(first)
    patterns = {p for p in patterns if any(w not in dutch.STOP_WORDS for w in p)}
    return patterns, acronyms, proper


def compound_parts(stem, vocabulary, min_length=4):
    """The two parts of a Dutch compound, as stems that occur on their own in the portfolio:
    "grachtwater" → ("gracht", "water"), "arbeidsmarkt" → ("arbeid", "markt") (a linking
    s, e or en dropped). None when the word is not such a compound. The longest head wins."""
    for i in range(len(stem) - min_length, min_length - 1, -1):
        head, tail = stem[:i], stem[i:]
        if tail not in vocabulary:
            continue
        for link in ("", "s", "e", "en"):
            if link and not head.endswith(link):
                continue
            part = head[: len(head) - len(link)]
            if len(part) >= min_length and part in vocabulary and part not in dutch.STOP_WORDS:
                return part, tail
    return None


def split_compounds(profiles):
    """Add the parts of every compound to the deal's terms, so that "waterbeheer" and
    "water", "loopbeleid" and "lopen" meet. The compound itself stays a term too."""
    vocabulary = {t for p in profiles.values() for t in p.terms}
    parts = {}
    for stem in vocabulary:
        if len(stem) >= 8:
            found = compound_parts(stem, vocabulary)
            if found:
                parts[stem] = found
    if not parts:
        return
    for profile in profiles.values():
        extra = Counter()
        for stem, count in profile.terms.items():
            for part in parts.get(stem, ()):
                extra[part] += count
        profile.terms.update(extra)


def regulation_keys(value):
    """The ways a regulation named in a bottleneck can be recognised in another one: its
    acronyms ("ISDE" in "Investeringssubsidie ... (ISDE)" and in "ISDE-regeling") and its
    wording reduced to Dutch stems without the generic words for a rule."""
    keys = {f"acronym:{a.lower()}" for a in ACRONYM.findall(value or "")}
    stems = [
        _stem(w) for w in dutch.words(PARENS.sub(" ", value or ""))
        if w not in dutch.STOP_WORDS and w not in RULE_WORDS
    ]
    if stems:
        keys.add("text:" + " ".join(stems))
    return keys


# Words that say a text is a rule, not which one.
RULE_WORDS = frozenset({"regeling", "wet", "regel", "regels", "besluit", "subsidieregeling",
                        "artikel", "lid", "verordening"})


def contains_sequence(seq, part):
    n = len(part)
    return any(seq[i:i + n] == part for i in range(len(seq) - n + 1))

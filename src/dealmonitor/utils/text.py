"""Dutch text as search terms: the one place that turns a sentence into stems.

Used wherever Dealmonitor compares or searches Dutch text outside PostgreSQL's own full-text
search (SQLite, similarity of descriptions, lessons and bottlenecks). It uses the same Snowball
algorithm as PostgreSQL's `dutch` configuration (the original Dutch Porter stemmer), so a word
gets the same stem on both databases: `knelpunten` and `knelpunt` both become `knelpunt`.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Function words that say nothing about what a text is about. Our own list of common Dutch
# articles, pronouns, prepositions, conjunctions and auxiliary verbs.
STOP_WORDS = frozenset(
    """
    aan al alle alles als alsof altijd andere ben bij binnen daar daarom dan dat de deze die dit
    doch doen door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij
    hoe hun iemand iets ik in is ja je jij jou jouw kan kon kunnen maar me meer men met mij mijn
    moet na naar niet niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen
    tot u uit uw van veel voor want waren was wat we wel werd wezen wie wij wil worden wordt zal
    ze zelf zich zij zijn zo zonder zou zouden via per tussen waar waarin welke hun hen ze zodat
    wordt werden kunnen moeten willen gaan gaat komt komen deze dezen hierbij daarbij ervan
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    # dutch_porter is the algorithm PostgreSQL's `dutch` text search configuration uses.
    return snowballstemmer.stemmer("dutch_porter")


def fold(text):
    """Lower case without accents: `Coöperatie` and `cooperatie` compare equal."""
    if not text or text.isascii():  # most text: nothing to take off, and ten times faster
        return (text or "").lower()
    normalized = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in normalized if not unicodedata.combining(c)).lower()


def words(text):
    """The words of a text, lower case and accent-free, hyphenated words split in parts."""
    result = []
    for match in _WORD.finditer(fold(text)):
        result.extend(part for part in match.group().split("-") if part)
    return result


def stems(text, *, min_length=2):
    """The stems of the meaningful words of a Dutch text, in order, repeats kept."""
    kept = [w for w in words(text) if w not in STOP_WORDS and len(w) >= min_length]
    return _stemmer().stemWords(kept)


def stem_set(text):
    return set(stems(text))

"""Who an organisation is: its identifiers and its normalised name, and which registered
organisations a new one would duplicate.

Two kinds of match, used by every path that creates an organisation (the forms, the admin, the
API and both imports, through `services.check_new_organisation`):

- the same identifier (KvK number, CBS code, OIN, web domain) or the same normalised name and
  type: it *is* that organisation, and a new one is refused with a pointer to it;
- a name that resembles one of the same type (rapidfuzz's token-sort ratio of the normalised
  names at least `SIMILAR_SCORE`): it probably is, and the user must confirm.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from dealmonitor.utils.text import fold

from . import reference
from .constants import OrganisationType

# Scores from 0 to 100 (token-sort ratio of the normalised names). At 88, "hoge school utrecht"
# resembles "hogeschool utrecht" (97) and "rabobank utrecht eo" "rabobank utrecht" (91), while
# "hogeschool rotterdam" does not resemble "hogeschool utrecht" (68); see tests/test_identity.py.
SIMILAR_SCORE = 88

IDENTIFIERS = ("kvk_number", "cbs_code", "oin", "web_domain")
IDENTIFIER_LABELS = {
    "kvk_number": _("KvK number"),
    "cbs_code": _("CBS code"),
    "oin": _("OIN"),
    "web_domain": _("web domain"),
}

# Words in front of a name that say what kind of body it is, not which one.
_PREFIXES = ("gemeente", "gem", "provincie", "prov", "stichting", "vereniging")
# Legal forms at the end, spelled with or without dots (after punctuation became spaces).
_LEGAL_FORMS = {("b", "v"), ("bv",), ("n", "v"), ("nv",), ("u", "a"), ("ua",)}
_PUNCTUATION = re.compile(r"[^\w]+", re.UNICODE)
# Government bodies of different levels may share a name (gemeente and provincie Utrecht).
_GOVERNMENT_TYPES = {OrganisationType.GEMEENTE, OrganisationType.PROVINCIE,
                     OrganisationType.WATERSCHAP}

CBS_CODE = re.compile(r"^(GM\d{4}|PV\d{2})$")
KVK_NUMBER = re.compile(r"^\d{8}$")
OIN = re.compile(r"^\d{20}$")
WEB_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _words(name):
    # "'s-Gravenhage" -> "s gravenhage": the apostrophe joins, every other mark separates
    text = fold(name or "").replace("'", "").replace("\u2019", "")
    return [w for w in _PUNCTUATION.sub(" ", text).replace("_", " ").split() if w]


def _strip(words):
    while len(words) > 1 and words[0] in _PREFIXES:
        words = words[1:]
    for form in sorted(_LEGAL_FORMS, key=len, reverse=True):
        if len(words) > len(form) and tuple(words[-len(form):]) == form:
            words = words[:-len(form)]
            break
    return words


@lru_cache(maxsize=1)
def _area_keys():
    """Normalised name -> area code: official names, alternative ones, and the names of
    municipalities that merged since, pointing at the one they became (Brielle, Hellevoetsluis
    and Westvoorne at Voorne aan Zee): the body that carries on their work is that one."""
    keys = {}
    for area in reference.areas().values():
        keys.setdefault((area.code[:2], " ".join(_words(area.name))), area.code)
    for code, name in reference.alternative_names():
        keys.setdefault((code[:2], " ".join(_words(name))), code)
    for change in reference.changes():
        code = reference.current_code(change.new_code)
        if code:
            keys.setdefault((code[:2], " ".join(_words(change.old_name))), code)
    return keys


def area_code_for(name, org_type):
    """The CBS code of a municipality or province named so (official or alternative name, with
    or without "gemeente"/"provincie"), or ""."""
    prefix = {OrganisationType.GEMEENTE: "GM", OrganisationType.PROVINCIE: "PV"}.get(org_type)
    if not prefix:
        return ""
    return _area_keys().get((prefix, " ".join(_strip(_words(name)))), "")


def normalise_name(name, org_type=""):
    """The name as compared: lower case, no accents or punctuation, no "gemeente"/"stichting"
    in front or "B.V." behind; a municipality or province by its official name."""
    code = area_code_for(name, org_type)
    if code:
        return " ".join(_words(reference.area(code).name))
    return " ".join(_strip(_words(name)))


def normalise_identifier(field, value):
    """The identifier as stored: CBS codes upper case, KvK and OIN digits only, a web address
    reduced to its domain without "www."."""
    value = (value or "").strip()
    if not value:
        return ""
    if field == "cbs_code":
        return value.upper().replace(" ", "")
    if field in ("kvk_number", "oin"):
        return re.sub(r"[\s.]", "", value)
    if field == "web_domain":
        host = urlsplit(value if "//" in value else "//" + value).hostname or value
        host = host.lower().rstrip(".")
        return host[4:] if host.startswith("www.") else host
    return value


def identifier_error(field, value):
    """A message when an identifier is not well formed, else None."""
    if not value:
        return None
    pattern, message = {
        "cbs_code": (CBS_CODE, _("A CBS code is GM and four digits (a municipality) or PV and two (a province), for example GM0518.")),
        "kvk_number": (KVK_NUMBER, _("A KvK number has eight digits.")),
        "oin": (OIN, _("An OIN has twenty digits.")),
        "web_domain": (WEB_DOMAIN, _("Give the web domain, for example denhaag.nl.")),
    }[field]
    return None if pattern.match(value) else message


@dataclass(frozen=True)
class Match:
    organisation: object
    reason: str  # "identifier" | "name" | "similar"
    field: str = ""  # for "identifier": which one
    score: float = 100.0

    @property
    def refuses(self):
        """An identifier or the same normalised name: the same organisation for certain."""
        return self.reason in ("identifier", "name")

    def describe(self):
        if self.reason == "identifier":
            return _("same %(field)s %(value)s") % {
                "field": IDENTIFIER_LABELS[self.field], "value": getattr(self.organisation, self.field)}
        if self.reason == "name":
            return _("same name after normalising (%(key)s)") % {"key": self.organisation.name_key}
        return _("similar name (%(score)d%% alike)") % {"score": round(self.score)}


def comparable_identifier(field, value):
    """A CBS code as the municipality it belongs to today (GM0501 Brielle is GM1992 Voorne
    aan Zee since 2023); other identifiers as stored."""
    if field == "cbs_code" and value:
        return reference.current_code(value) or value
    return value


def stored_identifiers(field, value):
    """The stored values of `field` that `comparable_identifier` makes equal to `value`'s: for
    a CBS code also the codes of the municipalities that became the same one (so a register
    can be asked for exactly the rows an identifier can match, see services.registered_like)."""
    if not value:
        return set()
    same = {value, comparable_identifier(field, value)}
    if field == "cbs_code":
        current = comparable_identifier(field, value)
        same.update(c.old_code for c in reference.changes() if reference.current_code(c.old_code) == current)
    return same


def _types_compatible(a, b):
    return a == b or not ({a, b} <= _GOVERNMENT_TYPES)


def matches(candidate, organisations):
    """The organisations among `organisations` that `candidate` (an unsaved or saved
    Organisation with `name_key` and identifiers set) would duplicate, strongest first."""
    found = {}
    others = [o for o in organisations if o.pk != candidate.pk]
    for other in others:
        for field in IDENTIFIERS:
            value = comparable_identifier(field, getattr(candidate, field))
            if value and value == comparable_identifier(field, getattr(other, field)):
                found.setdefault(other.pk, Match(other, "identifier", field))
                break
        else:
            if (candidate.name_key and candidate.name_key == other.name_key
                    and _types_compatible(candidate.type, other.type)):
                found.setdefault(other.pk, Match(other, "name"))
    same_type = [o for o in others if o.pk not in found and o.type == candidate.type and o.name_key]
    if candidate.name_key and same_type:
        for _key, score, index in process.extract(
            candidate.name_key, [o.name_key for o in same_type], scorer=fuzz.token_sort_ratio,
            score_cutoff=SIMILAR_SCORE, limit=5,
        ):
            found.setdefault(same_type[index].pk, Match(same_type[index], "similar", score=score))
    order = {"identifier": 0, "name": 1, "similar": 2}
    return sorted(found.values(), key=lambda m: (order[m.reason], -m.score, m.organisation.name))

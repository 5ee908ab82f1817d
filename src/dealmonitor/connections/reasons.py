"""The reasons of a suggestion in plain language (Dutch by default, through the catalogue).

The engine stores its evidence as data (`related.Portfolio.reasons`); this module writes the
sentences at display time, so the same suggestion reads in Dutch at / and in English at /en/.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language, gettext
from django.utils.translation import ngettext as django_ngettext

from dealmonitor.deals.constants import Phase, RoleKind

from .constants import ReasonKind

# The sentences are made for every suggestion shown, a dozen catalogue look-ups each (some
# seventy on a related-deals page); a message's translation is kept per process and language,
# as the catalogues themselves are.


def _(message):
    return _translation(message, get_language())


def ngettext(singular, plural, number):
    return _plural_translation(singular, plural, number, get_language())


@functools.lru_cache(maxsize=2048)
def _translation(message, language):
    return gettext(message)


@functools.lru_cache(maxsize=2048)
def _plural_translation(singular, plural, number, language):
    return django_ngettext(singular, plural, number)


@receiver(setting_changed)
def _forget_translations(setting, **kwargs):
    """A test that changes the languages or the catalogues changes the sentences."""
    if setting in {"LANGUAGE_CODE", "LANGUAGES", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _translation.cache_clear()
        _plural_translation.cache_clear()


FIELD_LABELS = {
    "description": lambda: _("description"),
    "result": lambda: _("results"),
    "ambition": lambda: _("ambitions"),
    "note": lambda: _("notes"),
    "role": lambda: _("roles"),
}


def _join(items):
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _roles(kinds):
    labels = dict(RoleKind.choices)
    return _join(str(labels.get(k, k)) for k in kinds)


def describe(reason):
    """One sentence for one reason."""
    kind = reason.get("kind")
    if kind == ReasonKind.STATED:
        parts = []
        for m in reason.get("mentions", []):
            field = FIELD_LABELS.get(m.get("field"), lambda: _("texts"))()
            parts.append(
                _("%(deal)s names %(other)s in its %(field)s: “%(snippet)s”")
                % {"field": field, "deal": m["in"], "other": m["names"], "snippet": m["snippet"]}
            )
        # The engine knows a sentence names the other deal, and whether it speaks of where
        # something came from or what followed; not who came first. Say no more than that.
        lead = (
            _("A source speaks of where one came from or what followed")
            if reason.get("follow_up") else _("The sources name these deals together")
        )
        return f"{lead}: {'; '.join(parts)}"
    if kind == ReasonKind.PEOPLE:
        people = reason.get("people", [])
        details = [
            _("%(here)s here, %(there)s there")
            % {"here": _roles(p["here"]), "there": _roles(p["there"])}
            for p in people
        ]
        return ngettext(
            "The same person has a role in both deals (%(details)s).",
            "%(count)d people have a role in both deals (%(details)s).",
            len(people),
        ) % {"count": len(people), "details": "; ".join(details)}
    if kind == ReasonKind.ORGANISATIONS:
        items = reason.get("items", [])
        names = [
            ngettext("%(name)s (in %(n)d deal)", "%(name)s (in %(n)d deals)", i["deals"])
            % {"name": i["name"], "n": i["deals"]}
            for i in items
        ]
        more = reason.get("count", len(items)) - len(items)
        text = ngettext(
            "%(count)d shared organisation, rare ones weigh most: %(names)s",
            "%(count)d shared organisations, rare ones weigh most: %(names)s",
            reason.get("count", len(items)),
        ) % {"count": reason.get("count", len(items)), "names": "; ".join(names)}
        if more > 0:
            text += " " + ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more}
        return text + "."
    if kind == ReasonKind.THEMES:
        items = reason.get("items", [])
        return ngettext(
            "Shared theme: %(names)s.", "Shared themes: %(names)s.", len(items)
        ) % {"names": _join(items)}
    if kind == ReasonKind.TEXT:
        return _(
            "Similar description and ambitions (%(percent)d%% alike), with words such as "
            "%(words)s."
        ) % {"percent": round(100 * reason.get("similarity", 0)),
             "words": _join(reason.get("items", []))}
    if kind == ReasonKind.REGULATION:
        return _("A bottleneck of both deals concerns the same regulation: %(names)s.") % {
            "names": _join(reason.get("items", []))
        }
    return ""


def describe_all(reasons):
    return [describe(r) for r in reasons]


# How far a deal has come, for the sentence on what two deals could learn from each other.
PHASE_ORDER = {Phase.VERKENNEN: 0, Phase.AANJAGEN: 1, Phase.LEREN: 2, Phase.BORGEN: 3,
               Phase.AFGEROND: 4}


def _words(reason):
    return _join(reason.get("items", [])[:3])


def _main_clause(reason, earlier, later):
    kind = reason.get("kind")
    if kind == ReasonKind.STATED:
        if reason.get("follow_up") and earlier is not None:
            return _("%(later)s can build on what %(earlier)s delivered and learned, and "
                     "%(earlier)s sees what became of its work") % {
                "later": later.name, "earlier": earlier.name}
        if reason.get("follow_up"):
            return _("one can build on what the other delivered and learned")
        return _("the sources already name them together: they can ask each other what "
                 "that link brought")
    if kind == ReasonKind.REGULATION:
        return _("both are held up by %(rules)s: they can compare how they deal with it and "
                 "raise it together") % {"rules": _words(reason)}
    if kind == ReasonKind.PEOPLE:
        return _("the people who work on both can carry experience from one to the other "
                 "directly")
    if kind == ReasonKind.ORGANISATIONS:
        names = [i["name"] for i in reason.get("items", [])][:3]
        return _("their shared partners (%(names)s) can tell each what worked in the "
                 "other") % {"names": _join(names)}
    if kind == ReasonKind.TEXT:
        return _("both work on %(words)s: they can compare their approach and what it "
                 "yielded") % {"words": _words(reason)}
    if kind == ReasonKind.THEMES:
        return _("both work on %(themes)s: they can compare their approach and what it "
                 "yielded") % {"themes": _words(reason)}
    return ""


def learning_sentence(deal, other, reasons):
    """One sentence on what `deal` and `other` could learn from each other: from the
    strongest reason, and, when one deal is clearly further along, that it can show what
    worked. "" without reasons."""
    if not reasons:
        return ""
    strongest = max(reasons, key=lambda r: r.get("score", 0))
    dates = (getattr(deal, "signing_date", None), getattr(other, "signing_date", None))
    earlier = later = None
    if all(dates) and dates[0] != dates[1]:
        earlier, later = (deal, other) if dates[0] < dates[1] else (other, deal)
    clause = _main_clause(strongest, earlier, later)
    if not clause:
        return ""
    steps = (PHASE_ORDER.get(getattr(deal, "phase", ""), None),
             PHASE_ORDER.get(getattr(other, "phase", ""), None))
    if None not in steps and abs(steps[0] - steps[1]) >= 2 and strongest.get(
            "kind") != ReasonKind.STATED:
        further = deal if steps[0] > steps[1] else other
        clause = _("%(clause)s; %(further)s is further along (%(phase)s) and can show what "
                   "worked") % {"clause": clause, "further": further.name,
                                "phase": further.get_phase_display()}
    return clause[:1].upper() + clause[1:] + "."

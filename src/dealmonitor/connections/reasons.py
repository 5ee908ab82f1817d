"""The reasons of a suggestion in plain language (Dutch by default, through the catalogue).

The engine stores its evidence as data (`related.Portfolio.reasons`); this module writes the
sentences at display time, so the same suggestion reads in Dutch at / and in English at /en/.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealmonitor.deals.constants import RoleKind

from .constants import ReasonKind

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

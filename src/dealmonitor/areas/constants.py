"""Kinds of area and their CBS codes, and the limits of a figures upload."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    MUNICIPALITY = "gemeente", _("municipality")
    DISTRICT = "wijk", _("district")
    NEIGHBOURHOOD = "buurt", _("neighbourhood")


# The CBS codes: GM + 4 digits (municipality), WK + the municipality's 4 + 2 (district),
# BU + the district's 6 + 2 (neighbourhood).
CODE_PATTERNS = {
    AreaKind.MUNICIPALITY: re.compile(r"^GM\d{4}$"),
    AreaKind.DISTRICT: re.compile(r"^WK\d{6}$"),
    AreaKind.NEIGHBOURHOOD: re.compile(r"^BU\d{8}$"),
}
PREFIXES = {"GM": AreaKind.MUNICIPALITY, "WK": AreaKind.DISTRICT, "BU": AreaKind.NEIGHBOURHOOD}


def kind_of_code(code):
    """The kind of area a well-formed CBS code names, or None."""
    kind = PREFIXES.get((code or "")[:2])
    return kind if kind and CODE_PATTERNS[kind].match(code) else None


def parent_code(code):
    """The code of the area one level up: a neighbourhood's district, a district's
    municipality; "" for a municipality."""
    kind = kind_of_code(code)
    if kind == AreaKind.DISTRICT:
        return "GM" + code[2:6]
    if kind == AreaKind.NEIGHBOURHOOD:
        return "WK" + code[2:8]
    return ""


# An upload of figures (the page and the command): larger or longer files are refused.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 25_000  # every neighbourhood, district and municipality of the country fits
MAX_TOPICS = 40
MAX_ERRORS_SHOWN = 100

# CBS's symbols in a cell (StatLine "Verklaring van tekens"): kept as a missing value, never
# as zero. "-" is CBS's "nihil" (nothing): that is zero.
# The reason is stored in Dutch (the data's language, as before); MISSING_LABELS shows it in the
# language of the page.
MISSING_MARKS = {".": "onbekend (.)", "x": "geheim (x)", "": "leeg"}
MISSING_LABELS = {"onbekend (.)": _("unknown (.)"), "geheim (x)": _("confidential (x)"), "leeg": _("empty")}
NIL_MARK = "-"

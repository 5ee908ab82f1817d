"""Kinds of area and their CBS codes, and the limits of a figures upload."""

import re

from django.db import models


class AreaKind(models.TextChoices):
    MUNICIPALITY = "gemeente", "gemeente"
    DISTRICT = "wijk", "wijk"
    NEIGHBOURHOOD = "buurt", "buurt"


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
MISSING_MARKS = {".": "onbekend (.)", "x": "geheim (x)", "": "leeg"}
NIL_MARK = "-"

"""The reference list of Dutch municipalities and provinces (CBS codes), shipped with the code
as versioned data: `reference/README.md` names the source and the date.

`areas()` is the current list (the municipalities on 1 January 2025); older lists stay beside
it for history (`gemeenten-2022.csv`). `changes()` are the reorganisations between the lists
(old code -> new code, with the date), so that an organisation or a figure that still carries
the code of a municipality that no longer exists can be pointed at its successor
(`current_code`)."""

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIRECTORY = Path(__file__).parent / "reference"
MUNICIPALITIES_FILE = DIRECTORY / "gemeenten-2025.csv"
PREVIOUS_MUNICIPALITIES_FILES = (DIRECTORY / "gemeenten-2022.csv",)
CHANGES_FILE = DIRECTORY / "wijzigingen.csv"
PROVINCES_FILE = DIRECTORY / "provincies.csv"
ALTERNATIVE_NAMES_FILE = DIRECTORY / "alternatieve-namen.csv"
VERSION = "CBS gemeentelijke indeling op 1 januari 2025"
VALID_FROM = "2025-01-01"


@dataclass(frozen=True)
class Area:
    code: str  # GM0518, PV28
    name: str  # the official name: 's-Gravenhage
    province: str = ""  # for a municipality: its province code


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def areas():
    """Every municipality and province by its code."""
    found = {}
    for row in _rows(MUNICIPALITIES_FILE):
        found[row["code"]] = Area(row["code"], row["naam"], row["provincie"])
    for row in _rows(PROVINCES_FILE):
        found[row["code"]] = Area(row["code"], row["naam"])
    return found


@lru_cache(maxsize=1)
def alternative_names():
    """(code, name) for names in everyday use beside the official one."""
    return [(row["code"], row["naam"]) for row in _rows(ALTERNATIVE_NAMES_FILE)]


def area(code):
    return areas().get((code or "").strip().upper())


@dataclass(frozen=True)
class Change:
    """A municipality that ended on `date`: its area went to `new_code` (a merger or an
    annexation)."""

    date: dt.date
    old_code: str
    old_name: str
    new_code: str
    new_name: str


@lru_cache(maxsize=1)
def changes():
    """The reorganisations since the oldest list kept, oldest first."""
    return [
        Change(dt.date.fromisoformat(row["datum"]), row["oude_code"], row["oude_naam"],
               row["nieuwe_code"], row["nieuwe_naam"])
        for row in sorted(_rows(CHANGES_FILE), key=lambda r: r["datum"])
    ]


def current_code(code):
    """The code of the municipality that holds `code`'s area today: the code itself when it
    is current, its successor (followed through later changes) when it ended, "" when the
    code is neither."""
    code = (code or "").strip().upper()
    successors = {c.old_code: c.new_code for c in changes()}
    seen = set()
    while code in successors and code not in seen:
        seen.add(code)
        code = successors[code]
    return code if code in areas() else ""

"""The reference list of Dutch municipalities and provinces (CBS codes), shipped with the code
as versioned data: `reference/README.md` names the source and the date."""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIRECTORY = Path(__file__).parent / "reference"
MUNICIPALITIES_FILE = DIRECTORY / "gemeenten-2022.csv"
PROVINCES_FILE = DIRECTORY / "provincies.csv"
ALTERNATIVE_NAMES_FILE = DIRECTORY / "alternatieve-namen.csv"
VERSION = "CBS gemeentelijke indeling 2022"


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

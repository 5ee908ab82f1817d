"""The short ways a large import takes must say exactly what the long ways say: a cell parsed
by its column's parser gives `parse_cell`'s value or message, and a measurement checked by
`measurement_validator` is accepted or refused (with the same message) as
`validate_measurement` would. Each is compared over values on and around every rule's edge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dealmonitor.impact import services as impact_services
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import cell_parser, parse_cell

CELLS = [
    None, "", "   ", "abc", "  abc  ", "ABC", "cd-health-hub", " CD-Health-Hub ", "cd health", "x" * 301,
    "a" * 300, 0, 1, -3, 2.5, 1e20, float("nan"), True, False, "12,5", "1.250,5", "1 250", "€ 12",
    Decimal("4.20"), dt.date(2024, 3, 31), dt.datetime(2024, 3, 31, 12, 5), "2024-03-31",
    "31-03-2024", "31/13/2024", "ja", "Nee", "yes", "x", "zelfgerapporteerd", "Geverifieerd",
    "self_reported", "onbekend", "https://example.org/r", "javascript:alert(1)",
]


def _outcome(fn, value):
    try:
        return ("value", fn(value))
    except ValueError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("column", [c for kind in C.KINDS.values() for c in kind.columns],
                         ids=lambda c: f"{c.key}-{c.type}")
def test_a_columns_parser_gives_what_parse_cell_gives(column):
    parse = cell_parser(column)
    for value in CELLS:
        if value is None:
            continue  # the check reads an empty cell without parsing it (unless required)
        fast, slow = _outcome(parse, value), _outcome(lambda v: parse_cell(column, v), value)
        if fast[0] == "value" and isinstance(fast[1], Decimal) and fast[1].is_nan():
            assert slow[0] == "value" and slow[1].is_nan()
            continue
        assert fast == slow, (column.key, value)


def _validated(fn):
    try:
        return ("ok", fn())
    except ValidationError as exc:
        return ("refused", exc.message_dict)


DATES = [None, dt.date(2022, 2, 28), dt.date(2022, 3, 1), dt.date(2024, 6, 30), dt.date(2025, 12, 31),
         dt.date(2026, 1, 1)]
VALUES = [None, Decimal(-1), Decimal(0), Decimal("0.5"), Decimal(3), Decimal(100), Decimal("100.01"),
          Decimal(5000), "12,5", 7, 2.5]


@pytest.mark.django_db
def test_the_measurement_validator_accepts_and_refuses_what_validate_measurement_does(
        numeric, percentage, milestone, deal):
    whole = impact_services.save_indicator(
        actor=None, deal=deal, name="Hele getallen tussen 2 en 50", unit="stuks", whole_numbers=True,
        value_min=Decimal(2), value_max=Decimal(50), target_value=Decimal(40))
    negative = impact_services.save_indicator(
        actor=None, deal=deal, name="Saldo", unit="euro", allow_negative=True, target_value=Decimal(1))
    compared = 0
    for indicator in (numeric, percentage, whole, negative, milestone):
        validate = impact_services.measurement_validator(indicator)
        for date in DATES:
            for start in (None, dt.date(2022, 3, 1), dt.date(2024, 7, 1)):
                for value in VALUES:
                    for status in ("", "gerealiseerd", "verzonnen"):
                        fast = _validated(lambda: validate(date=date, value=value, status=status,
                                                           period_start=start))
                        slow = _validated(lambda: impact_services.validate_measurement(
                            indicator, date=date, value=value, status=status, period_start=start))
                        assert fast == slow, (indicator.name, date, start, value, status)
                        compared += 1
    assert compared == 5 * 6 * 3 * 11 * 3

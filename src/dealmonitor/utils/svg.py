"""Numbers for SVG attributes. SVG wants a decimal point whatever the page's language; Django
prints a float as `12,5` on a Dutch page, which a browser reads as two numbers (or rejects),
and the `add` filter turns 12.5 into 12. `number` writes the plain form, rounded to 0.01."""

from decimal import Decimal, InvalidOperation


def number(value, offset=0):
    """`number(12.5)` -> "12.5"; `number(12.5, -5)` -> "7.5"; None or "" -> ""."""
    if value is None or value == "":
        return ""
    try:
        total = Decimal(str(value)) + Decimal(str(offset))
    except (InvalidOperation, ValueError):
        return ""
    text = f"{total.quantize(Decimal('0.01')):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text

"""Texts longer than a spreadsheet cell: cut in parts that fit a cell (counted as office
software counts, in UTF-16 units), put back in order, and a sheet of long texts that names a
cell the file does not have is refused rather than guessed."""

import pytest

from dealmonitor.imports.long_texts import CELL_MAX, SHEET, BrokenContinuation, Continuations, parts, reassemble
from dealmonitor.imports.reading import Sheet


def _units(text):
    return len(text.encode("utf-16-le")) // 2


def test_parts_fit_a_cell_and_keep_every_character():
    text = ("a" * (CELL_MAX - 1)) + "🏘" + ("é" * 40_000) + "🏘" * 20_000
    pieces = parts(text)
    assert "".join(pieces) == text
    assert all(_units(p) <= CELL_MAX for p in pieces)
    assert pieces[0] == "a" * (CELL_MAX - 1)  # the emoji (two units) does not fit beside it


def test_a_workbook_sheet_of_long_texts_is_put_back_and_dropped():
    long = Continuations()
    text = "x" * (CELL_MAX * 2 + 5)
    first = long.cell("Leerervaringen", 2, "les", text)
    sheets = [Sheet("Leerervaringen", ["titel", "les"], [(2, ("Een les", first))]),
              Sheet(SHEET, ["tabblad", "rij", "kolom", "deel", "vervolg"],
                    [(n, tuple(row)) for n, row in enumerate(long.rows, start=2)])]
    [lessons] = reassemble(sheets)
    assert lessons.rows == [(2, ("Een les", text))]


def test_a_continuation_of_a_cell_that_is_not_there_is_refused():
    sheets = [Sheet("Leerervaringen", ["titel", "les"], [(2, ("Een les", "begin"))]),
              Sheet(SHEET, ["tabblad", "rij", "kolom", "deel", "vervolg"], [(2, ("Leerervaringen", 3, "les", 2, "rest"))])]
    with pytest.raises(BrokenContinuation):
        reassemble(sheets)

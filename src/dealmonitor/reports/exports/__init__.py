"""Exports, one job per module: the deal and portfolio workbooks (workbooks.py, whose data
sheets are the import's sheet kinds, imports/kinds/), the measurements in long format with
their codebook (long_format.py) and the published deals as open data (open_data.py)."""

import datetime as dt

from .long_format import LONG_COLUMNS, codebook_csv, long_csv  # noqa: F401
from .open_data import open_data  # noqa: F401
from .workbooks import XLSX, deal_workbook, portfolio_workbook  # noqa: F401


def stamp():
    return dt.date.today().isoformat()

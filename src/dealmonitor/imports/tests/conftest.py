import io

import pytest
from openpyxl import Workbook

from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    elements,
    milestone,
    numeric,
    other_deal,
    other_org,
    outsider,
    partner_org,
    partner_user,
    pathway,
    percentage,
    reference_data,
    team_user,
)


def xlsx(sheets):
    """An .xlsx file (bytes) from {sheet name: [header, row, ...]}."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def make_xlsx():
    return xlsx

"""The spreadsheet formats Dealmonitor reads and writes: one sheet kind per part of the domain,
each a list of columns with the header of the template, other headers that mean the same, and
what a cell must hold. Each kind is defined in its own module under imports/kinds/ (with what
an import writes and the rows an export gives); this module gathers them, in the order a
workbook is checked and written.

Headers are fixed Dutch codes (like the CSV codebook's), whatever the interface language, so
a file made in one language imports in the other.
"""

from .kinds import MODULES
from .kinds.base import (  # noqa: F401
    BOOLEAN,
    CHOICE,
    DATE,
    DEAL_ID,
    DECIMAL,
    EXAMPLE,
    INTEGER,
    LIST,
    PARTIAL_DATE,
    SLUG,
    TEXT,
    URL,
    Column,
    SheetKind,
)
from .kinds.bottleneck import BOTTLENECK_STATUSES, BOTTLENECKS  # noqa: F401
from .kinds.deal import DEALS  # noqa: F401
from .kinds.indicator import INDICATORS  # noqa: F401
from .kinds.lesson import LESSONS  # noqa: F401
from .kinds.match_mark import MATCH_MARKS  # noqa: F401
from .kinds.measurement import MEASUREMENTS  # noqa: F401
from .kinds.partner import PARTNERS  # noqa: F401
from .kinds.pathway import ASSUMPTIONS, ELEMENTS, EVIDENCE, LINK_KEY, LINKS  # noqa: F401
from .kinds.post import POSTS  # noqa: F401

# In the order a workbook is checked and written: later sheets refer to rows of earlier ones.
KINDS = {k.key: k for module in MODULES for k in module.KINDS}
KIND_BY_SHEET = {k.sheet.lower(): k for k in KINDS.values()}

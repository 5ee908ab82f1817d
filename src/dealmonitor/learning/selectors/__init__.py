"""Reads of learning data, shaped for the pages and scoped to what the user may see; one
module per part (bottlenecks, lessons, self-assessments, a deal's learning page, the programme
view). The names are re-exported here, so callers keep `learning.selectors.<name>`."""

from .bottleneck import (  # noqa: F401
    MinistryGroup,
    bottleneck_detail_rows,
    bottlenecks,
    bottlenecks_by_ministry,
    ministries_with_bottlenecks,
    status_matrix,
    visible_bottlenecks,
)
from .lesson import (  # noqa: F401
    lesson_detail_rows,
    lesson_library,
    lesson_library_lazily,
    lesson_themes,
    visible_lessons,
)
from .assessment import (  # noqa: F401
    StatementResult,
    _distribution,
    previous_round,
    round_results,
    themes_of,
)
from .deal import (  # noqa: F401
    deal_adoptions,
    deal_learning,
    revisits_due,
)
from .programme import (  # noqa: F401
    CORE_ROLES,
    KEY_ROLES,
    NOT_ASSESSED_SHOWN,
    _bars,
    _is_current,
    _overview_bottlenecks,
    _overview_deals,
    _overview_uptake,
    _partner_types,
    evidence_gaps,
    key_person_risk,
    programme_overview,
)

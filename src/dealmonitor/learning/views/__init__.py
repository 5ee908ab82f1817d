"""The learning pages, one module per part; urls.py names them as `views.<name>`."""

from .overview import (  # noqa: F401
    evidence_gaps,
    key_persons,
    programme,
)
from .bottleneck import (  # noqa: F401
    bottleneck_create,
    bottleneck_detail,
    bottleneck_edit,
    bottleneck_list,
)
from .deal_page import (  # noqa: F401
    deal_learning,
)
from .lesson import (  # noqa: F401
    lesson_create,
    lesson_detail,
    lesson_edit,
    lesson_list,
)
from .assessment import (  # noqa: F401
    round_answer,
    round_close,
    round_detail,
    round_open,
    template_version,
    templates,
)
from .uptake import (  # noqa: F401
    adoption_create,
    deliverable_create,
    uptake_create,
)
from .plans import (  # noqa: F401
    scaling_plan,
    start_conversation,
)
from .experiments import (  # noqa: F401
    experiment_form,
    milestone_form,
)

from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    elements,
    milestone,
    numeric,
    other_deal,
    outsider,
    partner_org,
    partner_user,
    pathway,
    percentage,
    reference_data,
    team_user,
)

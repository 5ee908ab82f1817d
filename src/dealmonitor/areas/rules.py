"""Who may do what with areas and figures, on the predicates of deals/rules.py.

Figures are public facts (CBS): anyone reads them. Programme staff import them and add
districts and neighbourhoods; a deal's team (and its dealmaker) chooses the deal's areas."""

import rules

from dealmonitor.deals import rules as deal_rules

can_import_figures = deal_rules.is_system | deal_rules.is_programme_admin
can_manage_areas = can_import_figures
can_choose_areas = deal_rules.can_edit_deal_data

rules.add_perm("areas.import_figures", can_import_figures)
rules.add_perm("areas.choose_areas", can_choose_areas)

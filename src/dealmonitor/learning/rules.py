"""Who may record and read learning data (django-rules; the predicates live in deals/rules.py).

The deal's team, its dealmaker and the programme administrators record bottlenecks, lessons,
uptake and self-assessment rounds; partner members answer a self-assessment for their own
organisation (checked in the service); only programme administrators configure
self-assessment templates. A round's answers are internal: the deal's members, evaluators
and the programme read them. A lesson visible to "the deal only" is internal too.
"""

import rules

from dealmonitor.deals.rules import (  # noqa: F401  (re-exported for the learning app)
    can_answer_assessment,
    can_edit_deal_data,
    can_view_deal,
    can_view_internal,
    is_deal_member,
    is_partner_member,
    is_programme_admin,
    is_system,
    partner_organisations,
)

can_edit_learning = can_edit_deal_data
can_manage_templates = is_system | is_programme_admin
can_read_assessment = can_view_internal


@rules.predicate
def can_read_lesson(user, lesson):
    """A lesson for the whole programme is read by whoever may read its deal; a lesson for
    the deal only by those who may see the deal's internals."""
    if lesson.visibility == "programma":
        return can_view_deal(user, lesson.deal)
    return can_view_internal(user, lesson.deal)


rules.add_perm("learning.edit_learning", can_edit_learning)
rules.add_perm("learning.answer_assessment", can_answer_assessment)
rules.add_perm("learning.manage_templates", can_manage_templates)
rules.add_perm("learning.read_lesson", can_read_lesson)
rules.add_perm("learning.read_assessment", can_read_assessment)

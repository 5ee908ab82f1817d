"""Who may record and read learning data (django-rules).

The deal's team and the programme administrators record bottlenecks, lessons, uptake and
self-assessment rounds; partner members answer a self-assessment for their own organisation
(checked in the service); only programme administrators configure self-assessment templates.
A lesson visible to "the deal only" is read by the deal's members and the programme.
"""

import rules

from dealmonitor.deals.rules import can_edit_deal_data, is_programme_admin, is_system
from dealmonitor.impact.rules import is_partner_member, partner_organisations  # noqa: F401


@rules.predicate
def is_deal_member(user, deal):
    if not (user and user.is_authenticated and deal is not None):
        return False
    return user.deal_memberships.filter(deal=deal).exists()


can_edit_learning = can_edit_deal_data
can_answer_assessment = can_edit_deal_data | is_partner_member
can_manage_templates = is_system | is_programme_admin
# A round's scores and comments are for the deal and the programme, not the public.
can_read_assessment = can_edit_deal_data | is_deal_member


@rules.predicate
def lesson_is_public(user, lesson):
    return lesson.visibility == "programma"


@rules.predicate
def is_member_of_lesson_deal(user, lesson):
    return is_programme_admin(user) or is_deal_member(user, lesson.deal)


can_read_lesson = lesson_is_public | is_member_of_lesson_deal

rules.add_perm("learning.edit_learning", can_edit_learning)
rules.add_perm("learning.answer_assessment", can_answer_assessment)
rules.add_perm("learning.manage_templates", can_manage_templates)
rules.add_perm("learning.read_lesson", can_read_lesson)
rules.add_perm("learning.read_assessment", can_read_assessment)

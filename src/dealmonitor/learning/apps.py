from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "dealmonitor.learning"
    verbose_name = _("Learning and steering")

    def ready(self):
        from dealmonitor.deals.registry import internal, shared_texts, track

        from .shared import programme_texts

        # Lessons for the whole programme and bottlenecks feed the related-deals engine.
        shared_texts("learning", programme_texts)

        # A bottleneck's status changes with its status history.
        track("learning.bottleneck", "bottlenecks", "deal", not_restorable=("status", "closed_on"))
        track("learning.bottleneckstatuschange", "bottlenecks", "bottleneck", "learning.bottleneck",
              named_by="bottleneck")
        track("learning.assessmentround", "assessments", "deal")
        track("learning.answer", "assessments", "round", "learning.assessmentround",
              named_by="organisation")
        track("learning.lesson", "learning", "deal")
        track("learning.uptake", "learning", "deal")
        track("learning.deliverable", "learning", "deal")
        track("learning.adoption", "learning", "deliverable", "learning.deliverable",
              named_by="deliverable")
        track("learning.scalingplan", "learning", "deal", named_by="route")
        track("learning.startconversation", "learning", "deal", named_by="reviewed_on")
        track("learning.milestone", "learning", "deal")
        track("learning.experiment", "learning", "deal")
        # The team's reflection that closes a self-assessment round.
        internal("learning.assessmentround", ("reflection",))
        # Who resists scaling is a stance towards the deal.
        internal("learning.scalingplan", ("resistant_parties",))
        # Self-assessment answers: each partner's scores and comments.
        internal("learning.answer", whole=True)

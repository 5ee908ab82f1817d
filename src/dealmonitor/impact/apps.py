from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "dealmonitor.impact"
    verbose_name = _("Impact")

    def ready(self):
        from dealmonitor.deals.registry import internal, track

        track("impact.pathway", "pathway", "deal", named_by="deal")
        track("impact.element", "pathway", "pathway", "impact.pathway", per_deal=True)
        track("impact.link", "pathway", "pathway", "impact.pathway", named_by="cause")
        track("impact.assumption", "pathway", "link", "impact.link")
        track("impact.assumptionevidence", "pathway", "assumption", "impact.assumption",
              named_by="assumption")
        track("impact.effect", "pathway", "deal")
        track("impact.indicator", "indicators", "deal", versioned=True, per_deal=True)
        track("impact.target", "indicators", "indicator", "impact.indicator", named_by="indicator",
              per_deal=True)
        track("impact.measurement", "measurements", "indicator", "impact.indicator",
              named_by="indicator", not_restorable=("evidence_file",))  # a file may be gone
        track("impact.measurementpart", "measurements", "measurement", "impact.measurement",
              named_by="measurement")
        # Evidence files are uploaded by partners and may hold internal documents; that a
        # measurement has evidence is public, the file is not.
        internal("impact.measurement", ("evidence_file",))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "dealmonitor.deals"
    verbose_name = _("Deals")

    def ready(self):
        from dealmonitor.utils import cache

        from .registry import internal, scopes, scopes_of_rows, track

        cache.scope_with(scopes, scopes_of_rows)  # every write of a deal's rows marks that deal's version

        track("deals.deal", "deal", None, None,
              # the phase changes with its phase history; publication is the programme's decision
              not_restorable=("phase", "slug", "is_published"))
        track("deals.dealfact", "deal", "deal", named_by="field")
        track("deals.track", "deal", "deal")
        track("deals.workinggroup", "deal", "deal")
        track("deals.role", "deal", "deal", named_by="person")
        track("deals.partnercount", "deal", "deal", named_by="count")
        track("deals.result", "deal", "deal")
        track("deals.ambition", "deal", "deal")
        track("deals.participation", "partners", "deal", named_by="organisation")
        # A partner's commitment and what it delivered, and its stance towards the deal.
        internal("deals.participation", ("stance", "commitment_money", "commitment_fte",
                                         "commitment_in_kind", "delivered_money", "delivered_fte",
                                         "contact_name", "contact_email"))

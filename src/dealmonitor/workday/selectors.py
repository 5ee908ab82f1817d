"""What is due: per deal of the user (Mijn deals) and across the portfolio (programme staff).

Every list is read in a fixed number of queries, whatever the number of deals: the
query-count test (tests/test_mine.py) holds that.

What counts as due:

- a measurement: an indicator reported monthly, quarterly, half-yearly or yearly has no
  measurement dated in the last period that has ended (calendar periods, impact/periods.py),
  and its deal was signed before that period ended (or has no signing date); for a partner
  member, none reported by their own organisation; a withdrawn measurement counts nowhere;
- partners behind (for the deal team and dealmakers): the partners without a measurement for
  such a period of the indicators they report on (of all of them, for a partner that never
  reported), by the rule of the indicator pages (`impact.selectors.partners_behind`);
- a self-assessment round: open, and not answered yet (by the partner member's organisation;
  for the deal team, by nobody);
- evidence gaps: performance indicators without a measurement in the last twelve months, and
  assumptions never tested (as on the evidence gaps page);
- a bottleneck waiting for an answer: signalled, on the agenda or being dealt with;
- the next review: the start conversation or scaling plan revisited a year after its date.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery
from django.utils import timezone

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.access import visible_deals
from dealmonitor.deals.constants import DealStatus
from dealmonitor.deals.models import Deal
from dealmonitor.impact import selectors as impact_selectors
from dealmonitor.impact.constants import AssumptionStatus, Frequency, IndicatorScope
from dealmonitor.impact.models import Assumption, Indicator, Measurement
from dealmonitor.impact.periods import calendar_periods
from dealmonitor.learning.constants import CLOSED_STATUSES, REVISIT_AFTER_DAYS
from dealmonitor.learning.models import Answer, AssessmentRound, Bottleneck, ScalingPlan, StartConversation

# The frequencies that have reporting periods; "once" and "other" have none.
PERIODIC = (Frequency.MONTH, Frequency.QUARTER, Frequency.HALF_YEAR, Frequency.YEAR)
# Rounds without answers shown on the programme's list.
PORTFOLIO_SHOWN = 50


def last_ended_period(frequency, today):
    """The most recent calendar period of `frequency` that has ended before `today`."""
    current = calendar_periods(today, today, frequency)[0]
    day_before = current.start - dt.timedelta(days=1)
    return calendar_periods(day_before, day_before, frequency)[0]


def _due_q(today, organisation_ids=None):
    """Indicators without a measurement in their last ended period (by these organisations)."""
    q = Q(pk__in=[])
    for frequency in PERIODIC:
        period = last_ended_period(frequency, today)
        measured = Measurement.objects.filter(  # a withdrawn measurement counts nowhere
            indicator=OuterRef("pk"), date__gte=period.start, date__lte=period.end, withdrawn=False
        )
        if organisation_ids is not None:
            measured = measured.filter(reporting_organisation_id__in=organisation_ids)
        # a deal signed after the period ended had nothing to report for it
        started = Q(deal__signing_date__isnull=True) | Q(deal__signing_date__lte=period.end)
        q |= Q(frequency=frequency) & started & ~Exists(measured)
    return q


@dataclass
class DueIndicator:
    indicator: Indicator
    period: object


@dataclass
class DealDue:
    deal: Deal
    roles: set
    measurements: list = field(default_factory=list)
    rounds: list = field(default_factory=list)
    stale_indicators: int = 0
    untested_assumptions: int = 0
    bottlenecks: list = field(default_factory=list)
    indicators: list = field(default_factory=list)  # every indicator, to record a measurement
    # for the deal team: partners without a measurement for an indicator's last ended period
    not_reported: list = field(default_factory=list)
    next_review: tuple | None = None  # (date, "start_conversation" | "scaling_plan")

    @property
    def evidence_gaps(self):
        return self.stale_indicators + self.untested_assumptions

    @property
    def review_overdue(self):
        return self.next_review is not None and self.next_review[0] <= timezone.localdate()

    @property
    def count(self):
        return len(self.measurements) + len(self.rounds) + len(self.bottlenecks) + (
            1 if self.review_overdue else 0)


def my_deals(user, today=None):
    """The deals `user` has a role in, each with what is due in it (a list of `DealDue`)."""
    today = today or timezone.localdate()
    roles = deal_rules.memberships(user)
    if not roles:
        return []
    deals = list(visible_deals(user).filter(pk__in=list(roles)).order_by("name"))
    if not deals:
        return []
    due = {d.pk: DealDue(deal=d, roles=set(roles[d.pk])) for d in deals}
    running = [d.pk for d in deals if d.status != DealStatus.AFGEROND]
    # A partner member (and nobody else in the deal) reports for their organisations only.
    partner_only = {pk: sorted(i for i in roles[pk].get("partner", ()) if i is not None)
                    for pk in running if set(roles[pk]) == {"partner"}}
    editing = [pk for pk in running if pk not in partner_only]
    partner_orgs = sorted({i for ids in partner_only.values() for i in ids})

    # Measurements due
    indicator_q = Q(deal_id__in=editing) & _due_q(today)
    if partner_only:
        indicator_q |= Q(deal_id__in=list(partner_only)) & _due_q(today, partner_orgs)
    for indicator in Indicator.objects.filter(indicator_q).order_by("deal_id", "name"):
        due[indicator.deal_id].measurements.append(
            DueIndicator(indicator, last_ended_period(indicator.frequency, today))
        )

    for indicator in Indicator.objects.filter(deal_id__in=running).order_by("deal_id", "name"):
        due[indicator.deal_id].indicators.append(indicator)
    # Partners behind (for who runs the deal, not for a partner member)
    last_periods = {frequency: last_ended_period(frequency, today) for frequency in PERIODIC}
    for deal_id, rows in impact_selectors.partners_behind(editing, last_periods).items():
        due[deal_id].not_reported = rows

    # Open self-assessment rounds not yet answered
    rounds = list(AssessmentRound.objects.filter(deal_id__in=running, closed_on__isnull=True)
                  .order_by("deal_id", "opened_on", "id"))
    answered = {}
    for round_id, organisation_id in Answer.objects.filter(round__in=rounds).values_list(
        "round_id", "organisation_id"
    ).distinct():
        answered.setdefault(round_id, set()).add(organisation_id)
    for round in rounds:
        given = answered.get(round.pk, set())
        if round.deal_id in partner_only:
            if not given & set(partner_only[round.deal_id]):
                due[round.deal_id].rounds.append(round)
        elif not given:
            due[round.deal_id].rounds.append(round)

    # Evidence gaps
    year_ago = today - dt.timedelta(days=365)
    for row in (Indicator.objects.filter(deal_id__in=running, scope=IndicatorScope.PERFORMANCE)
                .annotate(last_measured=Max("measurements__date",
                                            filter=Q(measurements__withdrawn=False)))
                .filter(Q(last_measured__isnull=True) | Q(last_measured__lt=year_ago))
                .values("deal_id").annotate(n=Count("id", distinct=True)).order_by()):
        due[row["deal_id"]].stale_indicators = row["n"]
    for row in (Assumption.objects.filter(link__pathway__deal_id__in=running,
                                          status=AssumptionStatus.ONGETOETST,
                                          evidence__isnull=True)
                .values("link__pathway__deal_id").annotate(n=Count("id", distinct=True))
                .order_by()):
        due[row["link__pathway__deal_id"]].untested_assumptions = row["n"]

    # Bottlenecks waiting for an answer
    for bottleneck in (Bottleneck.objects.filter(deal_id__in=running)
                       .exclude(status__in=CLOSED_STATUSES)
                       .select_related("ministry").order_by("deal_id", "signalled_on", "id")):
        due[bottleneck.deal_id].bottlenecks.append(bottleneck)

    # The next review
    for model, kind in ((StartConversation, "start_conversation"), (ScalingPlan, "scaling_plan")):
        for deal_id, reviewed_on in model.objects.filter(deal_id__in=running).values_list(
            "deal_id", "reviewed_on"
        ):
            on = reviewed_on + dt.timedelta(days=REVISIT_AFTER_DAYS)
            current = due[deal_id].next_review
            if current is None or on < current[0]:
                due[deal_id].next_review = (on, kind)
    return list(due.values())


def portfolio_due(user, today=None):
    """For programme staff (who see every deal): the deals behind on reporting (a measurement
    due in their last ended period) and the open rounds that nobody has answered."""
    today = today or timezone.localdate()
    if not deal_rules.sees_everything(user):
        return None
    running = visible_deals(user).exclude(status=DealStatus.AFGEROND)
    n_due = (Indicator.objects.filter(deal=OuterRef("pk")).filter(_due_q(today))
             .values("deal").annotate(n=Count("pk")).values("n"))
    behind = (running.annotate(n_due=Subquery(n_due, output_field=IntegerField()))
              .filter(n_due__gt=0).order_by("-n_due", "name"))
    behind_count = behind.count()
    unanswered = (AssessmentRound.objects.filter(deal__in=running, closed_on__isnull=True)
                  .annotate(n_answers=Count("answers")).filter(n_answers=0)
                  .select_related("deal").order_by("opened_on", "id"))
    return {
        "behind": list(behind[:PORTFOLIO_SHOWN]),
        "behind_count": behind_count,
        "unanswered_rounds": list(unanswered[:PORTFOLIO_SHOWN]),
        "unanswered_count": unanswered.count(),
        "shown": PORTFOLIO_SHOWN,
    }

"""Reads of learning data, shaped for the pages and scoped to what the user may see."""

import datetime as dt
import hashlib
import statistics
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone

from dealmonitor.deals.constants import DealStatus, Phase, RoleKind
from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.models import Ambition, Deal, Participation, Role, Theme
from dealmonitor.deals.internal import public_bottlenecks_q
from dealmonitor.deals.selectors import internal_deals_q, visible_deals
from dealmonitor.impact.constants import AssumptionStatus, IndicatorScope, Level
from dealmonitor.impact.models import Assumption, Element, Indicator, Measurement
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils import cache

from . import search as lesson_search
from .constants import REVISIT_AFTER_DAYS, CLOSED_STATUSES, BottleneckStatus, UptakeKind, Visibility
from .models import (
    Answer,
    AssessmentRound,
    Bottleneck,
    Deliverable,
    Lesson,
    ScalingPlan,
    StartConversation,
    Uptake,
)

# Bottlenecks ------------------------------------------------------------------------------


def visible_bottlenecks(user):
    """Bottlenecks of the deals `user` may read; one that is not resolved is internal to its
    deal (deals/internal.py) and shown only to those who may see the deal's internals."""
    return Bottleneck.objects.filter(deal__in=visible_deals(user)).filter(
        public_bottlenecks_q() | internal_deals_q(user)
    )


def bottlenecks(user, filters=None):
    filters = filters or {}
    qs = visible_bottlenecks(user).select_related("deal", "ministry").order_by(
        "ministry__name", "status", "signalled_on", "id"
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("ministry"):
        qs = qs.filter(ministry_id=filters["ministry"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs


@dataclass
class MinistryGroup:
    ministry: object
    rows: list = field(default_factory=list)

    @property
    def open_count(self):
        return sum(1 for b in self.rows if b.is_open)


def bottlenecks_by_ministry(rows, today=None):
    """Groups (one per ministry, 'not yet raised' last) of bottlenecks, open ones first and
    longest open first; each bottleneck gets `days` (days open, or days it was open)."""
    today = today or timezone.localdate()
    groups = OrderedDict()
    for b in rows:
        b.days = b.days_open(today)
        groups.setdefault(b.ministry_id, MinistryGroup(b.ministry)).rows.append(b)
    for group in groups.values():
        group.rows.sort(key=lambda b: (not b.is_open, -b.days))
    return sorted(groups.values(), key=lambda g: (g.ministry is None, g.ministry.name if g.ministry else ""))


def status_matrix(rows):
    """Counts per ministry and status: (ministry name, [count per status], total)."""
    counts = defaultdict(Counter)
    names = {}
    for b in rows:
        counts[b.ministry_id][b.status] += 1
        names[b.ministry_id] = b.ministry.name if b.ministry else None
    out = []
    for key in sorted(counts, key=lambda k: (names[k] is None, names[k] or "")):
        out.append((names[key], [counts[key][s.value] for s in BottleneckStatus], sum(counts[key].values())))
    totals = [sum(counts[k][s.value] for k in counts) for s in BottleneckStatus]
    return out, totals


def ministries_with_bottlenecks(user):
    from dealmonitor.organisations.models import Organisation

    return Organisation.objects.filter(
        type=OrganisationType.MINISTERIE, pk__in=visible_bottlenecks(user).values("ministry")
    ).order_by("name")


def bottleneck_detail_rows(user):
    """The bottlenecks `user` may read, with what the page of one shows."""
    return (
        visible_bottlenecks(user).select_related("deal", "ministry")
        .prefetch_related("status_changes__recorded_by", "uptakes", "lessons")
    )


# Lessons ----------------------------------------------------------------------------------


def visible_lessons(user):
    """Lessons of the deals `user` may read: those for the whole programme, and those for the
    deal only where the user may see the deal's internals."""
    # The search columns are for the database to match on, not for the pages to read.
    return (
        Lesson.objects.select_related("deal").prefetch_related("themes")
        .defer("search_stems", "search_document")
        .filter(deal__in=visible_deals(user))
        .filter(Q(visibility=Visibility.PROGRAMMA) | internal_deals_q(user))
    )


def lesson_library(user, **params):
    return list(lesson_library_lazily(user, **params))


def lesson_library_lazily(user, *, q="", phase="", theme=None, kind="", deal=None):
    """The lessons library, filtered and searched; a queryset where the database ranks (so
    the page reads one page of it), a list where Python ranks (SQLite)."""
    qs = visible_lessons(user)
    if phase:
        qs = qs.filter(phase=phase)
    if theme:
        qs = qs.filter(themes=theme)
    if kind:
        qs = qs.filter(kind=kind)
    if deal:
        qs = qs.filter(deal=deal)
    # No DISTINCT: the one join (a single theme) cannot repeat a lesson, and DISTINCT over
    # every column of every match made a search at scale L six times slower.
    if q.strip():
        return lesson_search.search_lazily(qs, q)
    return qs.order_by("-learned_on", "id")


def lesson_detail_rows(user):
    """The lessons `user` may read, with what the page of one shows."""
    return visible_lessons(user).prefetch_related(
        "indicators", "assumptions", "bottlenecks"
    ).select_related("source_round")


def lesson_themes():
    # EXISTS per theme rather than DISTINCT over every lesson's themes (50,000 at scale L).
    return Theme.objects.filter(
        Exists(Lesson.themes.through.objects.filter(theme=OuterRef("pk")))
    ).order_by("name")


# Self-assessments -------------------------------------------------------------------------


def previous_round(round):
    return (
        AssessmentRound.objects.filter(deal=round.deal_id)
        .filter(Q(opened_on__lt=round.opened_on) | Q(opened_on=round.opened_on, id__lt=round.pk))
        .order_by("-opened_on", "-id")
        .first()
    )


@dataclass
class StatementResult:
    statement: object
    scores: list
    answers: list
    previous_scores: list | None = None

    @property
    def n(self):
        return len(self.scores)

    @property
    def mean(self):
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def spread(self):
        """Population standard deviation of the scores (0 with one answer)."""
        return statistics.pstdev(self.scores) if self.scores else None

    @property
    def distribution(self):
        return _distribution(self.scores)

    @property
    def previous_mean(self):
        return statistics.fmean(self.previous_scores) if self.previous_scores else None

    @property
    def previous_spread(self):
        return statistics.pstdev(self.previous_scores) if self.previous_scores else None

    @property
    def previous_distribution(self):
        return _distribution(self.previous_scores) if self.previous_scores else None

    @property
    def spread_change(self):
        if self.spread is None or self.previous_spread is None:
            return None
        return self.spread - self.previous_spread

    @property
    def change(self):
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean


def _distribution(scores):
    """How many answers gave each score 1 to 5, with the bar length relative to the most
    frequent score."""
    counts = Counter(scores)
    top = max(counts.values(), default=0) or 1
    return [
        {"score": s, "count": counts[s], "percent": round(100 * counts[s] / top)}
        for s in range(1, 6)
    ]


def round_results(round):
    """Per statement of the round: scores, mean, spread and distribution, with the mean of the
    previous round of the deal on the statement with the same code."""
    statements = list(round.template.statements.all())
    answers = list(
        Answer.objects.filter(round=round).select_related("organisation", "statement")
        .order_by("statement__order", "organisation__name")
    )
    by_statement = defaultdict(list)
    for a in answers:
        by_statement[a.statement_id].append(a)
    previous = previous_round(round)
    previous_by_code = defaultdict(list)
    if previous:
        for code, score in Answer.objects.filter(round=previous).values_list("statement__code", "score"):
            previous_by_code[code].append(score)
    results = [
        StatementResult(
            statement=s,
            scores=[a.score for a in by_statement[s.pk]],
            answers=by_statement[s.pk],
            previous_scores=previous_by_code.get(s.code) if previous else None,
        )
        for s in statements
    ]
    organisations = sorted({a.organisation for a in answers}, key=lambda o: o.name)
    return {"results": results, "previous": previous, "organisations": organisations}


def themes_of(results):
    """Results grouped by the statement's theme, in template order."""
    groups = OrderedDict()
    for r in results:
        groups.setdefault(r.statement.theme, []).append(r)
    return list(groups.items())


# A deal's learning page -------------------------------------------------------------------


def deal_learning(user, deal):
    return {
        "bottlenecks": list(
            visible_bottlenecks(user).filter(deal=deal).select_related("deal", "ministry")
            .order_by("-signalled_on", "id")
        ),
        "lessons": list(visible_lessons(user).filter(deal=deal).order_by("-learned_on", "id")),
        "rounds": list(
            deal.assessment_rounds.select_related("template")
            .annotate(organisations=Count("answers__organisation", distinct=True))
            .order_by("-opened_on", "-id")
        ),
        "uptakes": list(deal.uptakes.select_related("bottleneck__deal", "deliverable").order_by("date", "id")),
        "deliverables": list(
            deal.deliverables.prefetch_related(
                Prefetch("adoptions", queryset=deal_adoptions())
            ).order_by("name")
        ),
        "phase_changes": list(deal.phase_changes.all()),
        "milestones": list(deal.milestones.all()),
        "experiments": list(deal.experiments.select_related("lesson__deal")),
        "scaling_plan": ScalingPlan.objects.filter(deal=deal).first(),
        "start_conversation": StartConversation.objects.filter(deal=deal).first(),
    }


def revisits_due(user, today=None):
    """Scaling plans and start conversations not revisited for a year, oldest first."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=REVISIT_AFTER_DAYS)
    deals = visible_deals(user)
    rows = [("scaling", p) for p in ScalingPlan.objects.filter(reviewed_on__lte=limit, deal__in=deals)
            .exclude(deal__status=DealStatus.AFGEROND).select_related("deal")]
    rows += [("start", c) for c in StartConversation.objects.filter(reviewed_on__lte=limit, deal__in=deals)
             .exclude(deal__status=DealStatus.AFGEROND).select_related("deal")]
    return sorted(rows, key=lambda r: (r[1].reviewed_on, r[1].deal.name))


def deal_adoptions():
    from .models import Adoption

    return Adoption.objects.select_related("organisation").order_by("date", "id")


# Key-person risk --------------------------------------------------------------------------

KEY_ROLES = (
    RoleKind.DEALMAKER, RoleKind.PROJECTLEIDER, RoleKind.PROJECTSECRETARIS,
    RoleKind.PROGRAMMAMANAGER, RoleKind.COORDINATOR,
)
# Roles the programme expects every running deal to have filled.
CORE_ROLES = (RoleKind.DEALMAKER, RoleKind.PROJECTLEIDER, RoleKind.PROJECTSECRETARIS)


def _is_current(role, today):
    return role.end is None or role.end >= today


def key_person_risk(user, today=None):
    """Three lists from the deals' roles:

    - `vacant`: a core role (dealmaker, project leader, secretary) in a deal that is not
      finished, whose holders all left and which nobody holds now;
    - `stretched`: people holding key roles (core roles, programme manager, coordinator) in
      more than one deal, with each deal and its status;
    - `no_deputy`: a core role in a deal that is not finished held by exactly one person, with
      no second person in the same role to take over;

    and `unrecorded`: deals that are not finished and have no core role recorded at all.
    """
    today = today or timezone.localdate()
    readable = visible_deals(user)
    roles = list(
        Role.objects.select_related("deal", "person").filter(kind__in=KEY_ROLES, deal__in=readable)
    )
    by_deal_kind = defaultdict(list)
    by_person = defaultdict(list)
    for r in roles:
        by_deal_kind[(r.deal_id, r.kind)].append(r)
        if _is_current(r, today):
            by_person[r.person_id].append(r)
    vacant, no_deputy = [], []
    labels = dict(RoleKind.choices)
    for (deal_id, kind), rows in sorted(by_deal_kind.items(), key=lambda kv: (kv[1][0].deal.name, kv[0][1])):
        deal = rows[0].deal
        if kind not in CORE_ROLES or deal.status == DealStatus.AFGEROND:
            continue
        current = [r for r in rows if _is_current(r, today)]
        if not current:
            last = max(rows, key=lambda r: r.end)
            vacant.append({"deal": deal, "kind": labels[kind], "since": last.end, "last": last})
        elif len(current) == 1:
            no_deputy.append({"deal": deal, "kind": labels[kind], "role": current[0]})
    stretched = []
    for rows in by_person.values():
        deals = {r.deal_id for r in rows}
        if len(deals) > 1:
            rows.sort(key=lambda r: r.deal.name)
            running = len({r.deal_id for r in rows if r.deal.status != DealStatus.AFGEROND})
            stretched.append({"person": rows[0].person, "roles": rows, "deals": len(deals), "running": running})
    stretched.sort(key=lambda s: (-s["running"], -s["deals"], s["person"].slug))
    with_core = {deal_id for (deal_id, kind) in by_deal_kind if kind in CORE_ROLES}
    unrecorded = list(
        readable.exclude(status=DealStatus.AFGEROND).exclude(pk__in=with_core).order_by("name")
    )
    return {"vacant": vacant, "stretched": stretched, "no_deputy": no_deputy, "unrecorded": unrecorded}


# Evidence gaps ----------------------------------------------------------------------------


def evidence_gaps(user, today=None):
    """What an auditor would ask about, each list with its deal:

    - ambitions (the deal's own targets, and ambition elements of pathways) without indicator;
    - performance indicators without a measurement in the last twelve months;
    - output and outcome elements without evidence: no measurement of any of their
      indicators has a file or an address as evidence;
    - assumptions never tested: still untested, with no evidence recorded.
    """
    today = today or timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    deals = visible_deals(user)
    ambitions = list(
        Ambition.objects.filter(scope="deal", indicators__isnull=True, deal__in=deals)
        .select_related("deal")
        .order_by("deal__name", "id")
    )
    ambition_elements = list(
        Element.objects.filter(level=Level.AMBITIE, indicators__isnull=True,
                               pathway__deal__in=deals)
        .select_related("pathway__deal").order_by("pathway__deal__name", "order", "id")
    )
    stale = list(
        Indicator.objects.filter(scope=IndicatorScope.PERFORMANCE, deal__in=deals)
        .annotate(last_measured=Max("measurements__date"))
        .filter(Q(last_measured__isnull=True) | Q(last_measured__lt=year_ago))
        .select_related("deal").order_by("deal__name", "name")
    )
    with_evidence = Measurement.objects.filter(
        indicator__element=OuterRef("pk")
    ).filter(~Q(evidence_url="") | ~Q(evidence_file=""))
    unevidenced = list(
        Element.objects.filter(level__in=[Level.OUTPUT, Level.OUTCOME], pathway__deal__in=deals)
        .annotate(has_evidence=Exists(with_evidence), n_indicators=Count("indicators"))
        .filter(has_evidence=False)
        .select_related("pathway__deal").order_by("pathway__deal__name", "order", "id")
    )
    untested = list(
        Assumption.objects.filter(status=AssumptionStatus.ONGETOETST, evidence__isnull=True,
                                  link__pathway__deal__in=deals)
        .select_related("link__pathway__deal", "link__cause", "link__effect")
        .order_by("link__pathway__deal__name", "id")
    )
    return {
        "ambitions": ambitions,
        "ambition_elements": ambition_elements,
        "ambition_count": len(ambitions) + len(ambition_elements),
        "stale_indicators": stale,
        "unevidenced_elements": unevidenced,
        "untested_assumptions": untested,
        "year_ago": year_ago,
        "total": len(ambitions) + len(ambition_elements) + len(stale) + len(unevidenced) + len(untested),
    }


# The programme view -----------------------------------------------------------------------


def _bars(pairs):
    top = max((n for _, n in pairs), default=0) or 1
    return [{"label": label, "count": n, "percent": round(100 * n / top)} for label, n in pairs]


NOT_ASSESSED_SHOWN = 50


def programme_overview(user, today=None):
    """The whole portfolio in figures as `user` may see it, each counted in the database: the
    page costs the same number of queries at 30 deals and at 10,000.

    The figures are kept in the cache in parts, each until a table it counts changes
    (utils/cache.py): a new measurement or indicator changes none of them, a new lesson only
    the lesson count. At 10,000 deals the partner count by organisation type alone is a
    quarter of a second of SQL; it is computed again only when participations or
    organisations change. Users who see the same deals share the figures (the key names what
    they may see); for those who do not see everything, every part also follows the deals
    table (publishing a deal changes what they see)."""
    today = today or timezone.localdate()
    everything = deal_rules.sees_everything(user)
    if everything:
        scope = "all"
    else:
        member_of = sorted(deal_rules.memberships(user))
        scope = "deals-" + hashlib.sha256(repr(member_of).encode()).hexdigest()[:16]
    deals = visible_deals(user)
    scoped = [] if everything else [Deal]
    prefix = f"programme-overview:{scope}:{today.isoformat()}"
    parts = cache.cached_parts({
        f"{prefix}:deals": ([Deal, Deal.themes.through, Theme, AssessmentRound],
                            lambda: _overview_deals(deals, today)),
        f"{prefix}:partners": ([Participation, Organisation, *scoped],
                               lambda: {"partner_types": _partner_types(deals)}),
        f"{prefix}:bottlenecks": ([Bottleneck, *scoped], lambda: _overview_bottlenecks(user)),
        f"{prefix}:uptake": ([Uptake, Deliverable, *scoped], lambda: _overview_uptake(deals)),
        f"{prefix}:lessons": ([Lesson, *scoped],
                              lambda: {"lesson_count": visible_lessons(user).count()}),
        f"{prefix}:revisits": ([ScalingPlan, StartConversation, Deal],
                               lambda: {"revisits_due": revisits_due(user, today)}),
    })
    overview = {}
    for part in parts.values():
        overview.update(part)
    return overview


def _overview_deals(deals, today):
    by_phase = dict(deals.order_by().values_list("phase").annotate(n=Count("pk")))
    phase_rows = [(p.label, by_phase.get(p.value, 0)) for p in Phase]
    if by_phase.get(""):
        phase_rows.append((None, by_phase[""]))
    themes = (
        Theme.objects.annotate(n=Count("deals", filter=Q(deals__in=deals), distinct=True))
        .filter(n__gt=0).order_by("-n", "name")
    )
    running = deals.filter(status=DealStatus.LOPEND)
    year_ago = today - dt.timedelta(days=365)
    recent = Exists(AssessmentRound.objects.filter(opened_on__gte=year_ago, deal=OuterRef("pk")))
    coverage = running.aggregate(running=Count("pk"), assessed=Count("pk", filter=Q(recent)))
    return {
        "deal_count": deals.count(),
        "phases": _bars(phase_rows),
        "themes": _bars([(t.name, t.n) for t in themes]),
        "running_count": coverage["running"],
        "assessed_count": coverage["assessed"],
        # The first of the running deals without a recent round; the page says how many.
        "not_assessed": list(
            running.filter(~recent).annotate(last_round=Max("assessment_rounds__opened_on"))
            .order_by("name").only("slug", "name")[:NOT_ASSESSED_SHOWN]
        ),
        "not_assessed_count": coverage["running"] - coverage["assessed"],
    }


def _partner_types(deals):
    type_labels = dict(OrganisationType.choices)
    by_type = (
        Participation.objects.filter(deal__in=deals).order_by().values_list("organisation__type")
        .annotate(n=Count("organisation", distinct=True), d=Count("deal", distinct=True))
    )
    return sorted(
        ({"label": type_labels.get(t, t), "organisations": n, "deals": d} for t, n, d in by_type),
        key=lambda r: (-r["organisations"], r["label"]),
    )


def _overview_bottlenecks(user):
    b_status = dict(
        visible_bottlenecks(user).order_by().values_list("status").annotate(n=Count("pk"))
    )
    return {
        "bottleneck_status": [(s.label, b_status.get(s.value, 0)) for s in BottleneckStatus],
        "bottlenecks_open": sum(n for s, n in b_status.items() if s not in CLOSED_STATUSES),
        "bottlenecks_resolved": b_status.get(BottleneckStatus.OPGELOST, 0),
    }


def _overview_uptake(deals):
    uptake_labels = dict(UptakeKind.choices)
    uptake = list(Uptake.objects.filter(deal__in=deals).order_by().values_list("kind")
                  .annotate(n=Count("pk")))
    return {
        "uptake": _bars(sorted(((uptake_labels.get(k, k), n) for k, n in uptake),
                               key=lambda r: -r[1])),
        "uptake_total": sum(n for _, n in uptake),
        "deliverable_count": Deliverable.objects.filter(deal__in=deals).count(),
    }

"""The programme view across deals: key-person risk, evidence gaps and the overview."""


import datetime as dt
import hashlib
from collections import defaultdict

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import pgettext

from dealmonitor.deals.constants import DealStatus, Phase, RoleKind
from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.models import Ambition, Deal, Participation, Role, Theme
from dealmonitor.deals.selectors import visible_deals
from dealmonitor.impact.constants import AssumptionStatus, IndicatorScope, Level
from dealmonitor.impact.models import Assumption, Element, Indicator, Measurement
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils import cache

from ..constants import CLOSED_STATUSES, BottleneckStatus, UptakeKind
from ..models import (
    AssessmentRound,
    Bottleneck,
    DealPartnerType,
    Deliverable,
    Lesson,
    PartnerReach,
    PartnerTypeTotal,
    ScalingPlan,
    StartConversation,
    Uptake,
)
from .bottleneck import visible_bottlenecks
from .deal import revisits_due
from .lesson import visible_lessons


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

    (a withdrawn measurement counts for neither: it left the figures, issue 17)
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
        .annotate(last_measured=Max("measurements__date",
                                    filter=Q(measurements__withdrawn=False)))
        .filter(Q(last_measured__isnull=True) | Q(last_measured__lt=year_ago))
        .select_related("deal").order_by("deal__name", "name")
    )
    # A withdrawn measurement is no evidence (it stays in the history only).
    with_evidence = Measurement.objects.filter(
        indicator__element=OuterRef("pk"), withdrawn=False
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

    Partners by type, which would count a quarter of a million participations at 10,000
    deals, are read from a summary the database keeps (learning/summary.py). The figures are
    also kept in the cache in parts, each until a table it counts changes (utils/cache.py): a
    new measurement or indicator changes none of them, a new lesson only the lesson count.
    Users who see the same deals share the figures (the key names what they may see); for
    those who do not see everything, every part also follows the deals table (publishing a
    deal changes what they see). Themes with as many deals follow each other in the reader's
    language."""
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
                            lambda: _overview_deals(deals, today, everything)),
        f"{prefix}:partners": ([Participation, Organisation, *scoped],
                               lambda: {"partner_types": _partner_types(user)}),
        f"{prefix}:bottlenecks": ([Bottleneck, *scoped],
                                  lambda: _overview_bottlenecks(user, everything)),
        f"{prefix}:uptake": ([Uptake, Deliverable, *scoped],
                             lambda: _overview_uptake(deals, everything)),
        f"{prefix}:lessons": ([Lesson, *scoped], lambda: {"lesson_count": (
            Lesson.objects.count() if everything else visible_lessons(user).count())}),
        f"{prefix}:revisits": ([ScalingPlan, StartConversation, Deal],
                               lambda: {"revisits_due": revisits_due(user, today)}),
    })
    overview = {}
    for part in parts.values():
        overview.update(part)
    # Kept in the cache once for every language; ties in the reader's language (issue 19).
    overview["themes"] = sorted(overview["themes"],
                                key=lambda r: (-r["count"], pgettext("theme", r["label"]).casefold()))
    return overview


# For those who see every deal, the rows of every deal count: no filter on the deals (at
# 10,000 deals "deal_id IN (SELECT id FROM deals_deal)" doubles the cost of each count).


def _of(qs, deals, everything):
    return qs if everything else qs.filter(deal__in=deals)


def _theme_counts(deals, everything):
    if not everything:
        return list(
            Theme.objects.annotate(n=Count("deals", filter=Q(deals__in=deals), distinct=True))
            .filter(n__gt=0).values_list("name", "n")
        )
    # a deal has a theme at most once: the link rows count the deals (one query, the links
    # grouped by theme without reading the deals)
    return list(Theme.objects.annotate(n=Count("deals")).filter(n__gt=0).values_list("name", "n"))


def _overview_deals(deals, today, everything=False):
    year_ago = today - dt.timedelta(days=365)
    # One pass over the deals gives the phases and the self-assessment coverage: the deals
    # with a recent round are looked up once (a hashed set on PostgreSQL), not per deal.
    recent_ids = AssessmentRound.objects.filter(opened_on__gte=year_ago).values("deal_id")
    running_q = Q(status=DealStatus.LOPEND)
    by_phase = {phase: (n, running, assessed) for phase, n, running, assessed in (
        deals.order_by().values_list("phase").annotate(
            n=Count("pk"), running=Count("pk", filter=running_q),
            assessed=Count("pk", filter=running_q & Q(pk__in=recent_ids)))
        .values_list("phase", "n", "running", "assessed"))}
    phase_rows = [(p.label, by_phase.get(p.value, (0,))[0]) for p in Phase]
    if by_phase.get(""):
        phase_rows.append((None, by_phase[""][0]))
    themes = sorted(_theme_counts(deals, everything), key=lambda t: (-t[1], t[0]))
    running_count = sum(r for _n, r, _a in by_phase.values())
    assessed_count = sum(a for _n, _r, a in by_phase.values())
    recent = Exists(AssessmentRound.objects.filter(opened_on__gte=year_ago, deal=OuterRef("pk")))
    return {
        "deal_count": sum(n for n, _r, _a in by_phase.values()),  # a phase, or none ("")
        "phases": _bars(phase_rows),
        "themes": _bars(themes),
        "running_count": running_count,
        "assessed_count": assessed_count,
        # The first of the running deals without a recent round; the page says how many.
        "not_assessed": list(
            # the last round looked up for the 50 shown only, not grouped over all of them
            deals.filter(running_q).filter(~recent).annotate(last_round=Subquery(
                AssessmentRound.objects.filter(deal=OuterRef("pk")).order_by("-opened_on")
                .values("opened_on")[:1]))
            .order_by("name").values("slug", "name", "last_round")[:NOT_ASSESSED_SHOWN]
        ),  # plain rows: kept in the cache a tenth the size of model instances
        "not_assessed_count": running_count - assessed_count,
    }


def _partner_types(user):
    """Per organisation type: the organisations in at least one deal `user` may read, and
    those deals with at least one partner of the type. Read from the summary the database
    keeps (learning/summary.py): one short table for those who see everything or only the
    published deals; for a member of deals not published yet, those deals are added (an
    organisation counted once, however many of its deals are published or theirs)."""
    type_labels = dict(OrganisationType.choices)
    if deal_rules.sees_everything(user):
        rows = PartnerTypeTotal.objects.values_list("type", "organisations", "deals")
        counts = {t: [n, d] for t, n, d in rows}
    else:
        rows = PartnerTypeTotal.objects.values_list("type", "published_organisations",
                                                    "published_deals")
        counts = {t: [n, d] for t, n, d in rows}
        member_of = list(deal_rules.memberships(user))
        hidden = Deal.objects.filter(pk__in=member_of, is_published=False).values("pk")
        if member_of:
            per_deal = (DealPartnerType.objects.filter(deal_id__in=hidden, partners__gt=0)
                        .order_by().values_list("type").annotate(n=Count("pk")))
            only_theirs = (
                Participation.objects.filter(deal__in=hidden).order_by()
                .filter(Exists(PartnerReach.objects.filter(
                    organisation_id=OuterRef("organisation_id"), type=OuterRef("organisation__type"),
                    published_deals=0)))
                .values_list("organisation__type").annotate(n=Count("organisation", distinct=True))
            )
            for t, n in per_deal:
                counts.setdefault(t, [0, 0])[1] += n
            for t, n in only_theirs:
                counts.setdefault(t, [0, 0])[0] += n
    return sorted(
        ({"label": type_labels.get(t, t), "organisations": n, "deals": d}
         for t, (n, d) in counts.items() if n or d),
        key=lambda r: (-r["organisations"], r["label"]),
    )


def _overview_bottlenecks(user, everything=False):
    shown = Bottleneck.objects.all() if everything else visible_bottlenecks(user)
    b_status = dict(shown.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "bottleneck_status": [(s.label, b_status.get(s.value, 0)) for s in BottleneckStatus],
        "bottlenecks_open": sum(n for s, n in b_status.items() if s not in CLOSED_STATUSES),
        "bottlenecks_resolved": b_status.get(BottleneckStatus.OPGELOST, 0),
    }


def _overview_uptake(deals, everything=False):
    uptake_labels = dict(UptakeKind.choices)
    uptake = list(_of(Uptake.objects, deals, everything).order_by().values_list("kind")
                  .annotate(n=Count("pk")))
    return {
        "uptake": _bars(sorted(((uptake_labels.get(k, k), n) for k, n in uptake),
                               key=lambda r: -r[1])),
        "uptake_total": sum(n for _, n in uptake),
        "deliverable_count": _of(Deliverable.objects, deals, everything).count(),
    }

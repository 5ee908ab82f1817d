"""Writing a checked spreadsheet (a `checking.Plan`) through the services of each app, so
that permissions and history apply as they do in the forms: all in one transaction, so a
failure anywhere leaves the database as it was."""

from dataclasses import dataclass, field

from django.db import transaction

from dealmonitor.deals.models import Deal, Theme
from dealmonitor.deals.services import save_deal, save_participation
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Assumption, Element, Indicator, Link, Measurement
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.models import Bottleneck
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import save_organisation

REASON = "import"


@dataclass
class Written:
    counts: dict = field(default_factory=dict)
    skipped: int = 0

    def lines(self):
        for name, n in self.counts.items():
            if n:
                yield f"{name}: {n}"
        if self.skipped:
            yield f"measurements already present, skipped: {self.skipped}"


def _same(instance, fields):
    return all(getattr(instance, k) == v for k, v in fields.items())


def _targets_of(indicator, rows=None):
    """Targets as comparable tuples, from the database or from planned rows."""
    if rows is None:
        rows = indicator.targets.values("period_start", "period_end", "label", "value", "status")
    return sorted(
        (r["period_start"], r["period_end"], r["label"] or "",
         r["value"].normalize() if r["value"] is not None else None, r["status"] or "")
        for r in rows
    )


class ImportRefused(Exception):
    """A file with problems is never written, not even in part."""


def import_checked(*, actor, result, progress=None, publish=False):
    """Write a checked file (`checking.Result`): refused unless the check found no problem.
    `progress(done, total)` is called as rows are written. With `publish` (the command line's
    --publish) every deal of the file is published."""
    if result.problems:
        raise ImportRefused(f"{len(result.problems)} problem(s): nothing is imported")
    plan = result.plan
    total = (len(plan.deals) + len(plan.organisations) + len(plan.participations)
             + len(plan.elements) + len(plan.links) + len(plan.assumptions) + len(plan.evidence)
             + len(plan.indicators) + len(plan.measurements) + len(plan.bottlenecks)
             + len(plan.lessons))
    done = 0

    def step(n=1):
        nonlocal done
        done += n
        if progress and (done % 200 == 0 or n > 1):
            progress(done, total)

    with transaction.atomic():
        deals = {}
        for slug, (fields, themes, phase) in plan.deals.items():
            deals[slug] = save_deal(actor=actor, slug=slug, themes=themes, phase=phase,
                                    publish=publish, reason=REASON, **fields)
            step()

        def deal(slug):
            if slug not in deals:
                deals[slug] = Deal.objects.get(slug=slug)
            return deals[slug]

        orgs = {}
        for slug, fields in plan.organisations.items():
            orgs[slug] = save_organisation(actor=actor, slug=slug, reason=REASON, **fields)
            step()
        for (deal_slug, org_slug), fields in plan.participations.items():
            save_participation(actor=actor, deal=deal(deal_slug), organisation=orgs[org_slug],
                               reason=REASON, **fields)
            step()

        elements = _write_pathway(actor, plan, deal, step)
        indicators = {}
        for (deal_slug, name), item in plan.indicators.items():
            d = deal(deal_slug)
            fields = dict(item["fields"])
            if item["element"]:
                key = (deal_slug, *item["element"])
                if key not in elements:
                    elements[key] = Element.objects.get(
                        pathway__deal=d, level=item["element"][0], title=item["element"][1])
                fields["element"] = elements[key]
            existing = Indicator.objects.filter(deal=d, name=name).first()
            if existing and _same(existing, fields):
                indicator = existing
            else:
                indicator = impact_services.save_indicator(
                    actor=actor, deal=d, indicator=existing, name=name, reason=REASON, **fields)
            if _targets_of(indicator) != _targets_of(None, item["targets"]):
                impact_services.set_targets(actor=actor, indicator=indicator,
                                            targets=item["targets"], reason=REASON)
            indicators[(deal_slug, name)] = indicator
            step()

        rows = []
        org_cache = dict(orgs)
        for item in plan.measurements:
            key = (item["deal"], item["indicator"])
            indicator = indicators.get(key)
            if indicator is None:
                indicator = item["object"]
                if indicator.pk is None:  # defined by this file: saved above
                    indicator = indicators[key]
                indicators[key] = indicator
            org = None
            if item["org"]:
                if item["org"] not in org_cache:
                    org_cache[item["org"]] = Organisation.objects.get(slug=item["org"])
                org = org_cache[item["org"]]
            row = Measurement(indicator=indicator, reporting_organisation=org, **item["fields"])
            row.import_parts = item.get("parts") or []  # values per category (long format)
            rows.append(row)
        base = done
        impact_services.import_measurements(
            actor=actor, measurements=rows, reason=REASON,
            progress=(lambda n: progress(base + n, total)) if progress else None,
        )
        done = base + len(rows)
        bottlenecks = _write_bottlenecks(actor, plan, deal, orgs, step)
        _write_lessons(actor, plan, deal, indicators, bottlenecks, step)
    if progress:
        progress(total, total)
    return Written(counts=plan.counts, skipped=plan.skipped)


def _write_pathway(actor, plan, deal, step):
    """Elements, links, assumptions and their evidence; returns the elements by key."""
    elements = {}

    def element(deal_slug, level, title):
        key = (deal_slug, level, title)
        if key not in elements:
            elements[key] = Element.objects.get(pathway__deal=deal(deal_slug), level=level, title=title)
        return elements[key]

    for (deal_slug, level, title), fields in plan.elements.items():
        fields = fields or {}
        existing = Element.objects.filter(pathway__deal=deal(deal_slug), level=level, title=title).first()
        if existing is None:
            pathway = impact_services.get_or_create_pathway(actor=actor, deal=deal(deal_slug))
            existing = impact_services.add_element(actor=actor, pathway=pathway, level=level,
                                                   title=title, reason=REASON, **fields)
        elif not _same(existing, fields):
            impact_services.update_element(actor=actor, element=existing, reason=REASON, **fields)
        elements[(deal_slug, level, title)] = existing
        step()
    links = {}

    def link(deal_slug, cause, effect):
        key = (deal_slug, cause, effect)
        if key not in links:
            links[key] = Link.objects.get(cause=element(deal_slug, *cause), effect=element(deal_slug, *effect))
        return links[key]

    for deal_slug, cause, effect in plan.links:
        links[(deal_slug, cause, effect)] = impact_services.add_link(
            actor=actor, cause=element(deal_slug, *cause), effect=element(deal_slug, *effect),
            reason=REASON)
        step()
    assumptions = {}
    for key, fields in plan.assumptions.items():
        deal_slug, cause, effect, text = key
        on = link(deal_slug, cause, effect)
        existing = Assumption.objects.filter(link=on, text=text).first()
        if existing is None:
            existing = impact_services.add_assumption(actor=actor, link=on, text=text, reason=REASON, **fields)
        elif not _same(existing, fields):
            impact_services.update_assumption(actor=actor, assumption=existing, reason=REASON, **fields)
        assumptions[key] = existing
        step()
    for item in plan.evidence:
        key = item["assumption"]
        if key not in assumptions:
            deal_slug, cause, effect, text = key
            assumptions[key] = Assumption.objects.get(link=link(deal_slug, cause, effect), text=text)
        impact_services.add_assumption_evidence(actor=actor, assumption=assumptions[key], reason=REASON,
                                                **item["fields"])
        step()
    return elements


def _write_bottlenecks(actor, plan, deal, orgs, step):
    """Bottlenecks with their status history, in order; returns them by key."""
    written = {}
    for key, item in plan.bottlenecks.items():
        deal_slug, title, signalled_on = key
        bottleneck = item["existing"]
        fields = dict(item["fields"] or {})
        if item["fields"] is not None and item.get("ministry_given"):
            slug = item["ministry"]
            fields["ministry"] = (orgs.get(slug) or Organisation.objects.get(slug=slug)) if slug else None
        if bottleneck is None:
            bottleneck = learning_services.report_bottleneck(
                actor=actor, deal=deal(deal_slug), signalled_on=signalled_on, note=item["first_note"],
                reason=REASON, **fields)
        elif fields and not _same(bottleneck, fields):
            learning_services.update_bottleneck(actor=actor, bottleneck=bottleneck, reason=REASON, **fields)
        for status, date, note in item["changes"]:
            learning_services.change_bottleneck_status(actor=actor, bottleneck=bottleneck, status=status,
                                                       date=date, note=note, reason=REASON)
        written[key] = bottleneck
        step()
    return written


def _write_lessons(actor, plan, deal, indicators, bottlenecks, step):
    for (deal_slug, _title, _date), item in plan.lessons.items():
        d = deal(deal_slug)
        themes = [Theme.objects.get_or_create(name=name)[0] for name in item["themes"]]
        linked = [indicators.get((deal_slug, name)) or Indicator.objects.get(deal=d, name=name)
                  for name in item["indicators"]]
        blocking = [bottlenecks.get(key) or Bottleneck.objects.get(deal=d, title=key[1], signalled_on=key[2])
                    for key in item["bottlenecks"]]
        lesson = item["existing"]
        if lesson is not None and _same(lesson, item["fields"]) and (
            {t.pk for t in themes} == set(lesson.themes.values_list("pk", flat=True))
            and {i.pk for i in linked} == set(lesson.indicators.values_list("pk", flat=True))
            and {b.pk for b in blocking} == set(lesson.bottlenecks.values_list("pk", flat=True))
        ):
            step()
            continue  # unchanged: no history entry
        learning_services.save_lesson(actor=actor, deal=d, lesson=lesson, themes=themes,
                                      indicators=linked, bottlenecks=blocking, reason=REASON,
                                      **item["fields"])
        step()

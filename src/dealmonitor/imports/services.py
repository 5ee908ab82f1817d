"""Writing a checked spreadsheet (a `checking.Plan`) through the services of each app, so
that permissions and history apply as they do in the forms: all in one transaction, so a
failure anywhere leaves the database as it was."""

from dataclasses import dataclass, field

from django.db import transaction

from dealmonitor.deals.models import Deal
from dealmonitor.deals.services import save_deal, save_participation
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Element, Indicator, Measurement
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
             + len(plan.indicators) + len(plan.measurements))
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

        elements = {}
        for deal_slug, level, title in plan.elements:
            pathway = impact_services.get_or_create_pathway(actor=actor, deal=deal(deal_slug))
            elements[(deal_slug, level, title)] = impact_services.add_element(
                actor=actor, pathway=pathway, level=level, title=title, reason=REASON)
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
            rows.append(Measurement(indicator=indicator, reporting_organisation=org, **item["fields"]))
        base = done
        impact_services.import_measurements(
            actor=actor, measurements=rows, reason=REASON,
            progress=(lambda n: progress(base + n, total)) if progress else None,
        )
        done = base + len(rows)
    if progress:
        progress(total, total)
    counts = plan.counts
    counts["pathway elements"] = len(plan.elements)
    return Written(counts=counts, skipped=plan.skipped)

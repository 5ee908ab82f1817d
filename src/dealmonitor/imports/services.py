"""Writing a checked spreadsheet (a `checking.Plan`) through the services of each app, so
that permissions and history apply as they do in the forms: all in one transaction, so a
failure anywhere leaves the database as it was. Each sheet kind writes its own rows
(`write` in imports/kinds/), in the order of `kinds.MODULES`."""

from dataclasses import dataclass, field

from django.db import transaction

from dealmonitor.utils.bulk import collector_paused

from .kinds import MODULES
from .kinds.base import REASON, Writing  # noqa: F401


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
    writing = Writing(actor=actor, plan=plan, progress=progress, total=total, publish=publish)
    with collector_paused(), transaction.atomic():  # see utils/bulk.py
        for module in MODULES:
            module.write(writing)
    if progress:
        progress(total, total)
    return Written(counts=plan.counts, skipped=plan.skipped)

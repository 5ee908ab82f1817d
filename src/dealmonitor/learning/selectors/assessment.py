"""Self-assessment rounds: results per statement, compared with the round before."""


import statistics
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass

from django.db.models import Q


from ..models import (
    Answer,
    AssessmentRound,
)


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

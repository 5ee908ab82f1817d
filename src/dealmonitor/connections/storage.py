"""Writing the stored related-deal lists (`RelatedSuggestion`): derived data, rewritten by the
rebuild and the one-deal update, touching only the rows that changed."""

import hashlib
import json

from django.utils import timezone

from dealmonitor.organisations.models import Organisation
from dealmonitor.utils import bulk

from .constants import ReasonKind
from .models import RelatedSuggestion


# Scores this close (a share of the higher one) count as equal: the two deals keep the order
# they had, so a new lesson or partner that moves a score by a hair does not swap them.
STABLE_MARGIN = 0.05


def stable_order(ranked, previous):
    """`ranked` [(other, score, values)] best first, reordered so that neighbours whose scores
    lie within `STABLE_MARGIN` keep their `previous` order ({other: rank}; a deal new to the
    list comes after one that was there). Each swap undoes an inversion against the previous
    order, so this ends."""
    items = list(ranked)
    if not previous:
        return items
    changed = True
    while changed:
        changed = False
        for i in range(len(items) - 1):
            (a, score_a, _va), (b, score_b, _vb) = items[i], items[i + 1]
            rank_a, rank_b = previous.get(a), previous.get(b)
            if rank_b is None or (rank_a is not None and rank_a < rank_b):
                continue
            if score_a - score_b <= STABLE_MARGIN * abs(score_a):
                items[i], items[i + 1] = items[i + 1], items[i]
                changed = True
    return items


def previous_ranks(existing_qs):
    """{deal: {other: rank}} of the stored lists."""
    out = {}
    for deal_id, other_id, rank in existing_qs.order_by().values_list("deal_id", "other_id", "rank").iterator(
            chunk_size=10000):
        out.setdefault(deal_id, {})[other_id] = rank
    return out


class Row:
    """An unsaved suggestion: the fields `store` writes. A plain object, not a model
    instance: a rebuild makes 200,000 of them at scale L, and building model instances took
    a third of the time spent on reasons."""

    __slots__ = ("pk", "deal_id", "other_id", "rank", "score", "reasons", "computed_at",
                 "digest")

    def __init__(self, *, deal_id, other_id, rank, score, reasons):
        self.pk, self.computed_at, self.digest = None, None, ""
        self.deal_id, self.other_id, self.rank = deal_id, other_id, rank
        self.score, self.reasons = score, reasons

    def model(self):
        return RelatedSuggestion(pk=self.pk, deal_id=self.deal_id, other_id=self.other_id,
                                 rank=self.rank, score=self.score, reasons=self.reasons,
                                 digest=self.digest, computed_at=self.computed_at)


def digest(reasons):
    """A fingerprint of a suggestion's reasons (the same for the same content, whatever the
    order of the keys)."""
    text = json.dumps(reasons, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def rows(portfolio, pk, ranked):
    """Unsaved suggestion rows (`Row`) for one deal's ranked list [(other, score, values)]."""
    return [
        Row(deal_id=pk, other_id=other, rank=rank, score=score,
            reasons=portfolio.reasons(pk, other, values))
        for rank, (other, score, values) in enumerate(ranked, start=1)
    ]


def name_organisations(rows, batch_size=5000):
    """Fill in the names of the organisations a reason names that the portfolio did not load
    (a large portfolio names only those that appear in a reason: one query per batch)."""
    missing = {
        item["pk"] for row in rows for reason in row.reasons
        if reason["kind"] == ReasonKind.ORGANISATIONS
        for item in reason["items"] if item.get("name") is None
    }
    ids, names = sorted(missing - {None}), {}
    for start in range(0, len(ids), batch_size):
        names.update(Organisation.objects.filter(pk__in=ids[start:start + batch_size])
                     .values_list("pk", "name"))
    for row in rows:
        for reason in row.reasons:
            if reason["kind"] == ReasonKind.ORGANISATIONS:
                for item in reason["items"]:
                    pk = item.pop("pk", None)
                    if item.get("name") is None:
                        item["name"] = names.get(pk, "")


BULK_UPDATE_LIMIT = 5000


def store(rows, existing_qs, batch_size=2000):
    """Write the new suggestion rows over the stored ones of the same deals, touching only
    what changed: an unchanged list keeps its rows (and their ids and times) as they are."""
    # The reasons by their fingerprint: reading 200,000 JSON documents back took a quarter
    # of a rebuild at scale L.
    stored = {
        (deal_id, other_id): (pk, rank, score, fingerprint)
        for pk, deal_id, other_id, rank, score, fingerprint in existing_qs.order_by().values_list(
            "pk", "deal_id", "other_id", "rank", "score", "digest"
        ).iterator(chunk_size=10000)
    }
    if stored and len(stored) > 2 * len(rows) + 1000:
        stored = {}  # almost everything changes: cheaper to start afresh
        existing_qs.delete()
    create, update, keep = [], [], set()
    for row in rows:
        row.digest = digest(row.reasons)
        key = (row.deal_id, row.other_id)
        old = stored.get(key)
        if old is None:
            create.append(row)
            continue
        keep.add(key)
        if (old[1], old[2], old[3]) != (row.rank, row.score, row.digest):
            row.pk = old[0]
            row.computed_at = timezone.now()
            update.append(row)
    gone = [v[0] for k, v in stored.items() if k not in keep]
    if len(update) > BULK_UPDATE_LIMIT:
        # Many changed rows (after a change to the engine itself): an UPDATE per 500 rows
        # with a CASE per column takes minutes at 200,000 rows; deleting them and streaming
        # them anew takes seconds. Their ids change; unchanged rows keep theirs.
        gone.extend(row.pk for row in update)
        for row in update:
            row.pk = None
        create.extend(update)
        update = []
    for start in range(0, len(gone), batch_size):
        RelatedSuggestion.objects.filter(pk__in=gone[start:start + batch_size]).delete()
    RelatedSuggestion.objects.bulk_update(
        [row.model() for row in update], ["rank", "score", "reasons", "digest", "computed_at"],
        batch_size=500,
    )
    # New rows are streamed (COPY on PostgreSQL): derived data without history, and at
    # 200,000 rows `bulk_create` spends most of its time building statements.
    bulk.write(RelatedSuggestion, ["deal_id", "other_id", "rank", "score", "reasons", "digest"],
               ((r.deal_id, r.other_id, r.rank, r.score, r.reasons, r.digest) for r in create))
    return len(create), len(update), len(gone)

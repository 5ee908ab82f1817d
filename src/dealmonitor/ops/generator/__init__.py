"""The synthetic portfolio: `dealmonitor generate --scale S|M|L [--seed N]`.

One generator for the benchmarks, the load test and the query-count tests. It writes a whole
portfolio into the current default database: organisations and people, deals with themes,
phases, partners, roles, partner counts, results and ambitions, impact pathways with
indicators, targets and measurements, lessons, bottlenecks with their status history,
deliverables, uptake and self-assessment rounds; then the related-deal suggestions.

Deterministic: the same scale and seed give the same rows, ids included, on SQLite and
PostgreSQL. Fast: rows are streamed with COPY (`utils.bulk`), not saved one by one, and so
carry no history rows (like a restored backup). One deal, the *flagship*, has exactly
`FLAGSHIP_INDICATORS` indicators with 12 quarterly targets each: the performance table the
targets speak of.
"""

from .portfolio import FLAGSHIP_INDICATORS, FLAGSHIP_SLUG, SCALES, Spec, generate

__all__ = ["FLAGSHIP_INDICATORS", "FLAGSHIP_SLUG", "SCALES", "Spec", "generate"]

"""Process settings for serving pages: the garbage collector.

A page such as the performance table of a 200-indicator deal builds some 10,000 small
objects (measurements, periods, cells). With CPython's default thresholds that triggers
dozens of collections per request, and now and then a full one that walks every object of
the process, Django's modules and templates included: at scale L one table in seven took
100 to 130 ms instead of 55 (measured with the selector in a loop, bench/README.md). Two
settings, applied once the application is loaded:

- `gc.freeze()` moves every object that exists at start-up (code, settings, templates) out of
  the collector's sight, so a full collection only walks what requests made;
- a youngest-generation threshold of 50,000 allocations instead of 700: the objects of one
  request are freed by reference counting when it ends, and the collector, which only finds
  cycles, runs far less often.

Measured on the table at scale L (PostgreSQL, idle machine, 40 runs): median / p95 64 / 120 ms
with the defaults, 60 / 67 ms with the freeze alone, 46 / 54 ms with both.
"""

import gc

YOUNGEST_THRESHOLD = 50_000


def tune_garbage_collector():
    """Call once the application is loaded (wsgi.py; the benchmark does the same)."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)

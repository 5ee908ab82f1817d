"""Shared parts of the benchmarks (`dealmonitor bench NAME`): timing, the machine's
description, running a benchmark once per database in a child process, and the report.

Each benchmark runs in a fresh child process per database (SQLite file under var/bench/,
PostgreSQL database `dealmonitor_bench`), so both are measured side by side in one run and
neither disturbs the operator's own data.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/dealmonitor_bench"


def timed(fn, *, repeat, warmup=2):
    """Median and 95th percentile in milliseconds over `repeat` runs, after a warm-up."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(p95, 2), "runs": repeat}


def machine():
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def database_urls(postgres_url=None, only=None):
    bench_dir = Path(settings.VAR_DIR) / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    urls = {
        "sqlite": f"sqlite:///{bench_dir / 'bench.sqlite3'}",
        "postgresql": postgres_url or DEFAULT_POSTGRES,
    }
    return {k: v for k, v in urls.items() if not only or k in only}


def reset_database(url):
    """Start every benchmark from an empty database."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
        return
    import psycopg
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_child(benchmark, url, args):
    """Run `dealmonitor bench BENCHMARK --worker` against one database; return its JSON."""
    reset_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.dev"}
    subprocess.run([sys.executable, "-m", "dealmonitor.cli", "migrate", "--no-input", "-v0"],
                   env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-m", "dealmonitor.cli", "bench", benchmark, "--worker", *args],
        env=env, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_results(benchmark, results):
    directory = Path(settings.BASE_DIR) / "bench" / "results"
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = directory / f"{benchmark}-{stamp}.json"
    path.write_text(json.dumps({"benchmark": benchmark, "machine": machine(), "results": results},
                               indent=2), encoding="utf-8")
    return path

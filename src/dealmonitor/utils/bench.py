"""Shared parts of the benchmarks and the generator: timing, the machine's description,
throwaway databases, running a command in a child process against one of them, the report.

Every benchmark and every generated portfolio lives in a database named by the operator
(PostgreSQL) or a file under var/bench/ (SQLite), never in the one Dealmonitor itself uses.
A child process does the work with that database as its default, so the pages, selectors and
services run exactly as in production.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

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
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(p95, 2),
            "runs": repeat}


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib():
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def machine():
    """What the figures were measured on, with the load at that moment (the machine may be
    shared: figures from one run compare; figures from different runs less so)."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "load_average": [round(x, 2) for x in load] if load else None,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def safe_url(url):
    """The address without a password, for printing."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def sqlite_url(name):
    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / name}.sqlite3"


def refuse_own_database(url):
    """A generated portfolio never goes into the database Dealmonitor itself uses."""
    own = settings.DATABASES["default"]
    parts = urlsplit(url)
    if url.startswith("sqlite:"):
        same = own["ENGINE"].endswith("sqlite3") and Path(parts.path).resolve() == Path(
            str(own["NAME"])).resolve()
    else:
        same = (own["ENGINE"].endswith("postgresql")
                and parts.path.lstrip("/") == own["NAME"]
                and (parts.hostname or "") in (own.get("HOST") or "", "")
                and str(parts.port or 5432) == str(own.get("PORT") or 5432))
    if same:
        raise ValueError(
            "That is the database Dealmonitor itself uses (DATABASE_URL); name another one.")


def prepare_database(url, *, replace=False):
    """Create the database if it is missing; with `replace`, drop it first."""
    if url.startswith("sqlite:"):
        path = Path(urlsplit(url).path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if replace:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if replace:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def child_env(url):
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.dev"}


def run_in(url, args, *, echo=None, migrate=True):
    """Run `dealmonitor ARGS` with `url` as the default database (after migrating it); the
    command prints its result as JSON on its last line of output, which is returned. What it
    writes to standard error (progress) is passed on."""
    env = child_env(url)
    if migrate:
        subprocess.run([sys.executable, "-m", "dealmonitor.cli", "migrate", "--no-input", "-v0"],
                       env=env, check=True)
    proc = subprocess.run([sys.executable, "-m", "dealmonitor.cli", *args], env=env,
                          stdout=subprocess.PIPE, stderr=None if echo else subprocess.DEVNULL,
                          text=True)
    if proc.returncode:
        raise RuntimeError(f"`dealmonitor {' '.join(args)}` failed on {safe_url(url)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_results(benchmark, results, extra=None):
    directory = Path(settings.BASE_DIR) / "bench" / "results"
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = directory / f"{benchmark}-{stamp}.json"
    data = {"benchmark": benchmark, "machine": machine(), **(extra or {}), "results": results}
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path

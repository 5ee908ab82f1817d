"""A lock a background task holds while it runs, which the operating system or the database
lets go of when the process holding it dies: any web request can tell a task that is still
running from one whose worker was killed, at once and without a heartbeat.

PostgreSQL: a session advisory lock (released when the worker's connection closes, from
whichever machine the worker ran on). SQLite (one machine by nature): an exclusive `flock`
on a small file under VAR_DIR/locks/ (released when the worker's process ends).
"""

import fcntl
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


def _key(name):
    """A signed 64-bit number for an advisory lock."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def _path(name):
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (hashlib.blake2b(name.encode(), digest_size=12).hexdigest() + ".lock")


@contextmanager
def holding(name):
    """Hold the lock `name` for the duration of the block (waits if someone else holds it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_key(name)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return
    fd = os.open(_path(name), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def is_held(name):
    """Whether some running process holds the lock `name` now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            (got,) = cursor.fetchone()
            if got:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return not got
    fd = os.open(_path(name), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False

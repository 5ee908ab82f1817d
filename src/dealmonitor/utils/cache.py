"""Whole-portfolio figures kept in the cache until the data changes.

Some figures read the whole portfolio (the programme view counts 250,000 participations by
organisation type at scale L: half a second of SQL alone). They are computed once and kept in
Django's cache under the current *data version*; every committed change to domain data
(deals, organisations, impact, learning, connections) sets a new version, so the next reader
computes them afresh. A reader never sees figures older than the last committed change.

The version is a value in the same cache (the database cache by default, so every app server
process sees the same one; see docs/configuration.md, CACHE_URL). It is set, not incremented,
so two writers at once cannot lose a change. It is set straight away and once more when the
transaction commits: a reader that computed from the old data between the two keeps its
figures under a version nobody asks for again.
"""

import time

from django.apps import apps as global_apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "dealmonitor:data-version"
DOMAIN_APPS = {"deals", "organisations", "impact", "learning", "connections"}
TIMEOUT = 24 * 3600  # figures of an old version are dropped after a day at the latest


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def bump():
    """Mark the data as changed: figures kept for the old version are not used again."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def cached(name, compute):
    """`compute()`, kept under `name` until the data changes."""
    key = f"dealmonitor:{name}:{data_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _bump_on_commit():
    bump()


def data_changed(sender=None, **kwargs):
    """A row of domain data was written: a new version now and one at commit, once per
    transaction (or savepoint: each service call in a test's transaction counts)."""
    if sender is not None and (sender._meta.app_label not in DOMAIN_APPS
                               or sender._meta.apps is not global_apps):
        return  # not domain data, or a migration's historical model
    if not connection.in_atomic_block:
        bump()
        return
    here = set(connection.savepoint_ids)
    if any(item[1] is _bump_on_commit and item[0] == here for item in connection.run_on_commit):
        return
    bump()
    transaction.on_commit(_bump_on_commit)


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(data_changed, dispatch_uid=f"dealmonitor-data-version-{signal}")

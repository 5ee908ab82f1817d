"""Helpers for background tasks that know no domain (Django's task framework, decision 0007).

A worker killed in the middle of a task (SIGKILL, a machine that stopped) never finishes its
row in django-tasks-db's queue table: it stays "running" for ever. The job that the task ran
finds out it was interrupted through its lock (utils/runlock.py) and then calls
`close_interrupted(task_id)`, which marks that queue row failed, so the queue's own view
(the admin, `prune_db_task_results`) no longer counts it as running. Other backends (the
immediate backend, Celery) keep no such row; there it does nothing.
"""

import logging

from django.utils import timezone

log = logging.getLogger(__name__)


def close_interrupted(task_id):
    """Mark the database queue's row of task `task_id` failed if it still says running.
    Returns whether a row was changed."""
    if not task_id:
        return False
    try:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is not installed
        return False
    try:
        changed = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now())
    except Exception:  # noqa: BLE001 - an id of another backend (not a UUID): no such row
        log.debug("no database queue row for task %s", task_id)
        return False
    return bool(changed)

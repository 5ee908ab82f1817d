"""A backend for Django's task framework that hands the tasks to Celery (with Redis), for an
operator who outgrows the database queue (docs/deployment.md#moving-the-same-tasks-to-celery-with-redis).

Why our own: the maintained `django-tasks-celery` needs Python 3.12 and we run 3.11; what it
takes is small. Every task is carried by one Celery task, `dealmonitor.run_task`, whose
arguments are the task's dotted path and its JSON arguments; the Celery worker imports the
task and calls it. Results live in Celery's result backend (Redis), with the task's name and
arguments (`result_extended`), so `get_result()` can rebuild a TaskResult from any process.

Settings (conf/base.py): `TASKS_BACKEND=dealmonitor.utils.celery_backend.CeleryBackend`,
`CELERY_BROKER_URL`, `CELERY_RESULT_BACKEND`. Workers:
`celery -A dealmonitor.utils.celery_backend worker` (with DJANGO_SETTINGS_MODULE set).
Not supported (no task here needs them): priorities, tasks that take a context, async tasks;
every task goes to Celery's default queue.
"""

import uuid

from celery import Celery
from celery.result import AsyncResult
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskError, TaskResult, TaskResultStatus
from django_tasks.exceptions import InvalidTaskError, TaskResultDoesNotExist
from django_tasks.utils import normalize_json

app = Celery("dealmonitor")
app.config_from_object("django.conf:settings", namespace="CELERY")

_STATUS = {"PENDING": TaskResultStatus.READY, "RECEIVED": TaskResultStatus.READY,
           "RETRY": TaskResultStatus.READY, "STARTED": TaskResultStatus.RUNNING,
           "SUCCESS": TaskResultStatus.SUCCESSFUL, "FAILURE": TaskResultStatus.FAILED,
           "REVOKED": TaskResultStatus.FAILED}


@app.task(name="dealmonitor.run_task", track_started=True)
def run_task(module_path, args, kwargs):
    """Run the task of Django's task framework at `module_path` (in the Celery worker)."""
    return normalize_json(import_string(module_path).call(*args, **kwargs))


class CeleryBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True

    def validate_task(self, task):
        super().validate_task(task)
        if task.takes_context:
            raise InvalidTaskError("The Celery backend does not pass a task context.")

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        task_id = str(uuid.uuid4())
        args, kwargs = normalize_json(list(args)), normalize_json(dict(kwargs))
        run_task.apply_async((task.module_path, args, kwargs), task_id=task_id,
                             eta=task.run_after)
        return TaskResult(task=task, id=task_id, status=TaskResultStatus.READY,
                          enqueued_at=timezone.now(), started_at=None, last_attempted_at=None,
                          finished_at=None, args=args, kwargs=kwargs, backend=self.alias,
                          errors=[], worker_ids=[])

    def get_result(self, result_id):
        found = AsyncResult(result_id, app=app)
        if found.state == "PENDING" or not found.args:  # unknown to the result backend
            raise TaskResultDoesNotExist(result_id)
        module_path, args, kwargs = found.args
        task = import_string(module_path)
        status = _STATUS.get(found.state, TaskResultStatus.RUNNING)
        finished = found.date_done if status in (TaskResultStatus.SUCCESSFUL,
                                                 TaskResultStatus.FAILED) else None
        errors = []
        if status == TaskResultStatus.FAILED:
            kind = type(found.result) if isinstance(found.result, BaseException) else Exception
            errors.append(TaskError(exception_class_path=f"{kind.__module__}.{kind.__qualname__}",
                                    traceback=found.traceback or ""))
        result = TaskResult(task=task, id=result_id, status=status, enqueued_at=None,
                            started_at=None, last_attempted_at=None, finished_at=finished,
                            args=args, kwargs=kwargs, backend=self.alias, errors=errors,
                            worker_ids=[found.worker] if found.worker else [])
        if status == TaskResultStatus.SUCCESSFUL:
            object.__setattr__(result, "_return_value", found.result)
        return result

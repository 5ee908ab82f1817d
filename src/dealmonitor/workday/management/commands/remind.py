"""`dealmonitor remind`: reminders of measurements due, and on Mondays the weekly digest.

Run it daily (cron, a systemd timer; docs/deployment.md#reminders). It enqueues one
background task (`workday.tasks.send_reminders`) that a worker runs; `--now` sends in this
process instead (no worker needed). Either way it is idempotent: what was sent is recorded,
so a second run, or a retry of the task, sends only what has become due since."""

import datetime as dt

from django.core.management.base import BaseCommand
from django_tasks import TaskResultStatus

from dealmonitor.workday import tasks


class Command(BaseCommand):
    help = ("Queue the reminders of measurements due (once per period) and, on Mondays, the "
            "weekly digest, for a background worker (--now: send them in this process).")

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                            help="Act as on this day (YYYY-MM-DD); default today.")
        parser.add_argument("--digest", action="store_true",
                            help="Send the weekly digest today even when it is not Monday.")
        parser.add_argument("--now", action="store_true",
                            help="Send in this process instead of queueing a task for a worker.")

    def handle(self, *args, date=None, digest=False, now=False, **options):
        arguments = {"date": date.isoformat() if date else None, "digest": digest}
        if now:
            sent = tasks.send_reminders.call(**arguments)
        else:
            result = tasks.send_reminders.enqueue(**arguments)
            if not result.is_finished:
                self.stdout.write(f"Reminders queued (task {result.id}); a worker sends them.")
                return
            if result.status != TaskResultStatus.SUCCESSFUL:
                raise SystemExit(f"The reminder task failed: {result.errors[-1].traceback}")
            sent = result.return_value
        self.stdout.write(f"{sent['reminders']} reminder(s), {sent['digests']} digest(s) sent.")

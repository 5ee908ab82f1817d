"""The reminder e-mails as a background task (Django's task framework; decision 0007).

`dealmonitor remind` enqueues one `send_reminders` per run; a worker sends the mails. The
trigger is outside the app (cron or a systemd timer calling the command daily, see
docs/deployment.md#reminders); the task framework has no scheduler of its own.

Running it twice (cron fired twice, a retry after a failure, two workers) sends nothing
twice: every mail is recorded in SentNotification under a unique (user, key) before it goes
out, so a second run finds it recorded and skips it; a mail the server refused is unrecorded
again and goes out on the next run. A worker killed between recording and sending loses that
one mail rather than sending it twice (at most once).
"""

import datetime as dt

from django_tasks import task

from . import notifications


@task()
def send_reminders(date=None, digest=False):
    """Reminders of measurements due and (on Mondays, or with `digest`) the weekly digest, as
    on `date` (ISO text; today when None). Returns the numbers of mails sent."""
    today = dt.date.fromisoformat(date) if date else None
    return {"reminders": notifications.remind_measurements(today=today),
            "digests": notifications.weekly_digest(today=today, force=digest)}

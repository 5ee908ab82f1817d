"""`dealmonitor remind`: reminders of measurements due, and on Mondays the weekly digest.

Run it daily (cron, a systemd timer, a scheduled task). It is idempotent: what was sent is
recorded, so a second run sends only what has become due since."""

import datetime as dt

from django.core.management.base import BaseCommand

from dealmonitor.workday import notifications


class Command(BaseCommand):
    help = "Send reminders of measurements due (once per period) and, on Mondays, the weekly digest."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                            help="Act as on this day (YYYY-MM-DD); default today.")
        parser.add_argument("--digest", action="store_true",
                            help="Send the weekly digest today even when it is not Monday.")

    def handle(self, *args, date=None, digest=False, **options):
        reminders = notifications.remind_measurements(today=date)
        digests = notifications.weekly_digest(today=date, force=digest)
        self.stdout.write(f"{reminders} reminder(s), {digests} digest(s) sent.")

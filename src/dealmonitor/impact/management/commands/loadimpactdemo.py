from django.core.management.base import BaseCommand

from dealmonitor.impact import demo


class Command(BaseCommand):
    help = "Load indicators, targets and measurements for the demo deals (idempotent)."

    def handle(self, *args, **options):
        demo.load(stdout=self.stdout)

from django.core.management.base import BaseCommand

from dealmonitor.learning import demo


class Command(BaseCommand):
    help = "Load bottlenecks, lessons, uptake, deliverables and example self-assessments for the demo deals (idempotent)."

    def handle(self, *args, **options):
        demo.load(stdout=self.stdout)

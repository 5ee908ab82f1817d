from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data (26 real Agenda Stad deals, all from public sources, so published) "
        "through the ordinary import path."
    )

    def handle(self, *args, **options):
        call_command("import", str(settings.DEMO_DATA_FILE), "--publish", stdout=self.stdout)

from django.core.management.base import BaseCommand

from dealmonitor.connections import demo


class Command(BaseCommand):
    help = ("Load the Community of Practice demo (two real meetings and one planned example) "
            "on the demo deals; run after `related --rebuild`. Idempotent.")

    def handle(self, *args, **options):
        demo.load(stdout=self.stdout)

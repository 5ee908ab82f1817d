"""`dealmonitor clean_imports`: remove uploads whose import was never finished."""

from django.conf import settings
from django.core.management.base import BaseCommand

from dealmonitor.imports.jobs import clean_orphans


class Command(BaseCommand):
    help = (
        "Remove uploaded spreadsheets (with their parsed sheets and job rows) whose import was "
        "never finished and that were not touched for IMPORT_ORPHAN_HOURS hours, and folders "
        "under MEDIA_ROOT/imports that belong to no import. Also done on every new upload."
    )

    def handle(self, *args, **options):
        removed = clean_orphans()
        self.stdout.write(f"removed {removed} unfinished upload(s) older than "
                          f"{settings.IMPORT_ORPHAN_HOURS} hours")

import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from dealmonitor.ops.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with the snapshot in PATH (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path, yes, **options):
        try:
            manifest, _data = read_manifest(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            self._confirm(manifest)
        try:
            restore(path)
        except (BackupError, DeserializationError, DatabaseError, OSError) as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(f"Restored {sum(manifest['rows'].values())} rows and {manifest['files']} "
                          f"uploaded files from {path} (made {manifest['created_at']}).")

    def _confirm(self, manifest):
        """Ask at a terminal; from a script (no terminal to answer) refuse and say how."""
        if not sys.stdin.isatty():
            raise CommandError(_(
                "A restore replaces all current data and asks for confirmation, but there is no "
                "terminal to answer. Add --yes to restore from a script; nothing was changed."
            ))
        try:
            answer = input(_("Replace ALL current data with the backup of %(date)s? [y/N] ")
                           % {"date": manifest["created_at"]})
        except (EOFError, KeyboardInterrupt):
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            raise CommandError(_("Restore cancelled; nothing was changed."))

from django.core.management.base import BaseCommand, CommandError

from dealmonitor.utils.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with the snapshot in PATH (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path, yes, **options):
        try:
            manifest, _ = read_manifest(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            answer = input(f"Replace ALL current data with the backup of {manifest['created_at']}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            restore(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(f"Restored {sum(manifest['rows'].values())} rows and {manifest['files']} "
                          f"uploaded files from {path} (made {manifest['created_at']}).")

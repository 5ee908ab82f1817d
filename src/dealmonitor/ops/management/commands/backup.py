from django.core.management.base import BaseCommand, CommandError

from dealmonitor.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database and the uploaded files to PATH (a zip file)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"{path}: {rows} rows in {len(manifest['rows'])} tables and "
                          f"{manifest['files']} uploaded files, as of {manifest['created_at']}.")

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dealmonitor.deals.importer import ImportFileError, parse_portfolio
from dealmonitor.deals.services import import_portfolio
from dealmonitor.imports.columns import KINDS


class Command(BaseCommand):
    help = (
        "Import deals from a portfolio JSON file (the format of data/demo/agenda-stad-deals.json), "
        "or a spreadsheet (.xlsx or .csv) in the format of the import templates: deals, "
        "partners, indicators with targets, measurements. All or nothing: a file with any "
        "error changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON, .xlsx or .csv file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--publish", action="store_true",
            help="publish every deal in the file (readable without signing in); without it, "
            "new deals stay unpublished and existing deals keep their publication",
        )
        parser.add_argument(
            "--kind", choices=list(KINDS),
            help="what a spreadsheet holds, when its tabs are not named like the templates' ("
            + ", ".join(f"{key}: {kind.sheet}" for key, kind in KINDS.items()) + ")",
        )
        parser.add_argument("--deal", help="the deal of every row, for a sheet without deal_id")

    def handle(self, *args, path, dry_run=False, publish=False, kind=None, deal=None, **options):
        if path.lower().endswith((".xlsx", ".csv")):
            from dealmonitor.imports.commandline import import_spreadsheet

            import_spreadsheet(path, stdout=self.stdout, kind=kind, deal=deal, dry_run=dry_run,
                               publish=publish)
            return
        file = Path(path)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: file not found") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text ({exc})") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        try:
            records = parse_portfolio(data)
        except ImportFileError as exc:
            lines = "\n".join(f"  - {e}" for e in exc.errors)
            raise CommandError(
                f"{path}: {len(exc.errors)} problem(s), nothing was imported:\n{lines}"
            ) from None
        if dry_run:
            self.stdout.write(f"{path}: {len(records)} deals, no problems found (dry run).")
            return
        report = import_portfolio(actor=None, records=records, publish=publish)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"{path}: imported {len(records)} deals."))
        else:
            self.stdout.write(f"{path}: no changes; the database already matches the file.")

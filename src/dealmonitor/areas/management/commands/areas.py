import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dealmonitor.areas import importing, services
from dealmonitor.areas.constants import MAX_BYTES


class Command(BaseCommand):
    help = (
        "Areas and their context figures: `dealmonitor areas sync` loads the municipalities of the "
        "reference list (organisations/reference); `add CODE NAME` adds a district or "
        "neighbourhood; `import FILE --topic 'AantalInwoners_5=Inwoners|aantal' --source "
        "'Kerncijfers wijken en buurten 2024' --table 85984NED --retrieved 2026-12-01 [--period "
        "2024]` reads figures from a CSV in the layout of a CBS StatLine download (all or nothing)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sync", help="load the municipalities of the reference list")
        add = sub.add_parser("add", help="add a district (WK) or neighbourhood (BU)")
        add.add_argument("code")
        add.add_argument("name")
        imp = sub.add_parser("import", help="read figures from a StatLine CSV")
        imp.add_argument("file")
        imp.add_argument("--topic", action="append", required=True,
                         help="COLUMN=Name|unit, once per topic")
        imp.add_argument("--source", required=True, help="the title of the source table")
        imp.add_argument("--table", default="", help="the StatLine table id, e.g. 85984NED")
        imp.add_argument("--url", default="")
        imp.add_argument("--retrieved", default="",
                         help="the date the figures were retrieved (YYYY-MM-DD; default today)")
        imp.add_argument("--period", default="",
                         help="the year (or date) of a file without a Perioden column")

    def handle(self, *args, action, **options):
        if action == "sync":
            created, changed = services.sync_municipalities()
            self.stdout.write(f"areas: {created} municipalities added, {changed} changed")
        elif action == "add":
            try:
                area = services.add_area(actor=None, code=options["code"], name=options["name"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stdout.write(f"{area.code} {area.name} ({area.get_kind_display()}, in {area.parent.code})")
        else:
            self._import(options)

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
        try:
            topics = importing.parse_topics(options["topic"])
            period = importing.period_from_text(options["period"]) if options["period"] else None
            retrieved = dt.date.fromisoformat(options["retrieved"]) if options["retrieved"] else dt.date.today()
            result = importing.import_figures(
                actor=None, data=path.read_bytes(), topics=topics, source_title=options["source"],
                table_id=options["table"], url=options["url"], retrieved_on=retrieved,
                period=period, file_name=path.name,
            )
        except ValueError:
            raise CommandError(_("Give --retrieved as YYYY-MM-DD.")) from None
        except ValidationError as exc:
            raise CommandError(_("Nothing imported:") + "\n" + "\n".join(exc.messages)) from None
        self.stdout.write(f"{result.created} figures added, {result.updated} updated, "
                          f"{result.missing} without a value, for {result.areas} areas "
                          f"(source {result.source.pk}: {result.source})")

"""`dealmonitor programme recount [--check]`: the programme view's kept partner figures
(learning/summary.py) counted again from the participations."""

from django.core.management.base import BaseCommand, CommandError

from dealmonitor.learning import summary


class Command(BaseCommand):
    help = ("The programme view's partner figures, which the database keeps up to date: "
            "'recount' counts them again from the participations; with --check it only "
            "compares and fails when they differ.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["recount"])
        parser.add_argument("--check", action="store_true",
                            help="Compare the kept figures with a recount; change nothing.")

    def handle(self, *args, **options):
        if options["check"]:
            found = summary.differences()
            if found:
                lines = [f"{table}: kept {kept[:5]}, counted {counted[:5]}"
                         for table, (kept, counted) in found.items()]
                raise CommandError("The kept figures differ from a recount:\n" + "\n".join(lines))
            self.stdout.write("The kept figures equal a recount.")
            return
        written = summary.recount()
        self.stdout.write("Counted again: " + ", ".join(f"{t} {n} rows" for t, n in written.items()))

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dealmonitor.organisations.merging import likely_duplicates, merge_organisations, undo_merge
from dealmonitor.organisations.models import Merge, Organisation


class Command(BaseCommand):
    help = (
        "Keep the register of organisations clean: `dealmonitor organisations duplicates "
        "[--json]` lists likely pairs with the reason; `merge KEEP DUPLICATE` merges the second "
        "into the first (everything pointing at it moves, in one transaction); `undo MERGE_ID` "
        "puts a merged organisation back; `merges` lists the merges done."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        duplicates = sub.add_parser("duplicates", help="likely duplicate pairs with the reason")
        duplicates.add_argument("--json", action="store_true", help="print JSON")
        merge = sub.add_parser("merge", help="merge DUPLICATE into KEEP")
        merge.add_argument("keep")
        merge.add_argument("duplicate")
        merge.add_argument("--reason", default="")
        undo = sub.add_parser("undo", help="undo a merge (its number, see `merges`)")
        undo.add_argument("merge_id", type=int)
        sub.add_parser("merges", help="the merges done, newest first")

    def handle(self, *args, action, **options):
        translation.activate("nl")
        if action == "duplicates":
            pairs = likely_duplicates()
            if options["json"]:
                self.stdout.write(json.dumps([p.as_dict() for p in pairs], ensure_ascii=False, indent=2))
                return
            for p in pairs:
                self.stdout.write(f"{p.keep.slug}\t{p.duplicate.slug}\t{p.match.describe()}")
            self.stderr.write(f"{len(pairs)} likely duplicate pair(s). Merge one with "
                              "`dealmonitor organisations merge KEEP DUPLICATE`.")
        elif action == "merge":
            try:
                keep = Organisation.objects.get(slug=options["keep"])
                duplicate = Organisation.objects.get(slug=options["duplicate"])
                merge = merge_organisations(actor=None, keep=keep, duplicate=duplicate,
                                            reason=options["reason"])
            except Organisation.DoesNotExist:
                raise CommandError("No organisation with that identifier.") from None
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            moved = sum(len(v) for v in merge.moved.values())
            self.stdout.write(f"merge {merge.pk}: {merge.duplicate_slug} → {merge.kept_slug}, "
                              f"{moved} row(s) moved, {len(merge.removed)} folded into existing rows")
        elif action == "undo":
            try:
                org = undo_merge(actor=None, merge=Merge.objects.get(pk=options["merge_id"]))
            except Merge.DoesNotExist:
                raise CommandError("No merge with that number.") from None
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(f"{org.slug} is back")
        else:
            for m in Merge.objects.all():
                state = f"undone {m.undone_at:%Y-%m-%d}" if m.undone_at else ""
                self.stdout.write(f"{m.pk}\t{m.merged_at:%Y-%m-%d %H:%M}\t{m.duplicate_slug} → {m.kept_slug}\t{state}")

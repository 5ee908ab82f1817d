"""One module per sheet kind (deal, partner, pathway, indicator, measurement, bottleneck,
lesson, and the needs and offers with their match decisions), each owning what makes the kind: its columns (`KINDS`), what an import writes
(`write`) and the rows an export gives (`EXPORTS`: (kind, rows function) pairs, the rows keyed
by the columns' keys). The checks of each kind sit beside it, in imports/checking/ under the
same module name. The templates, the column mapping, the checks, the exports and the codebook
all read these lists, so the import and export formats cannot drift apart (the round trip of
every kind is tested in imports/tests/test_kinds.py).

Modules are listed in the order a workbook is checked and written: later sheets refer to rows
of earlier ones."""

from . import bottleneck, deal, indicator, lesson, match_mark, measurement, partner, pathway, post

MODULES = (deal, partner, pathway, indicator, measurement, bottleneck, lesson, post, match_mark)

"""The `dealmonitor import` command line."""


def test_import_kind_offers_every_sheet_kind_of_the_format():
    """`dealmonitor import --kind` names every sheet kind the import format has (it offered 4
    of 11), so a sheet of any kind under another tab name can be imported."""
    from django.core.management import load_command_class

    from dealmonitor.imports.columns import KINDS

    parser = load_command_class("dealmonitor.imports", "import").create_parser("dealmonitor", "import")
    kind = next(a for a in parser._actions if "--kind" in a.option_strings)
    assert list(kind.choices) == list(KINDS)

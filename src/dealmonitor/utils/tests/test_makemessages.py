"""`make messages` keeps every translation (utils/management/commands/makemessages.py): a text
whose source moved to another app keeps its Dutch in its new catalogue, a plural one too, and
a new text similar to an old one is not given the old one's Dutch as a fuzzy guess."""

import pytest
from django.core.management import call_command

PO_HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: nl\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''


@pytest.fixture
def apps(tmp_path, monkeypatch, settings):
    """Two apps: `old` whose catalogue holds the translations, `new` where the texts are now."""
    settings.LOCALE_PATHS = []  # only the catalogues below, never the project's
    for app in ("old", "new"):
        (tmp_path / app / "locale" / "nl" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "old" / "locale" / "nl" / "LC_MESSAGES" / "django.po").write_text(
        PO_HEADER + 'msgid "Moved text"\nmsgstr "Verplaatste tekst"\n\n'
        'msgid "%(n)s row moved"\nmsgid_plural "%(n)s rows moved"\n'
        'msgstr[0] "%(n)s rij verplaatst"\nmsgstr[1] "%(n)s rijen verplaatst"\n\n'
        'msgid "Revised planning"\nmsgstr "Aangepaste planning"\n', "utf-8")
    (tmp_path / "new" / "locale" / "nl" / "LC_MESSAGES" / "django.po").write_text(PO_HEADER, "utf-8")
    (tmp_path / "new" / "views.py").write_text(
        "from django.utils.translation import gettext as _, ngettext\n"
        "TEXTS = [_('Moved text'), ngettext('%(n)s row moved', '%(n)s rows moved', 2),\n"
        "         _('Revised plannings')]\n", "utf-8")
    (tmp_path / "old" / "views.py").write_text("TEXTS = []\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_moved_texts_keep_their_translation_and_nothing_is_guessed(apps):
    call_command("makemessages", locale=["nl"], no_obsolete=True, verbosity=0)
    new = (apps / "new" / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    assert 'msgid "Moved text"\nmsgstr "Verplaatste tekst"' in new
    assert 'msgstr[1] "%(n)s rijen verplaatst"' in new
    assert 'msgid "Revised plannings"\nmsgstr ""' in new  # new, so not translated
    assert "fuzzy" not in new

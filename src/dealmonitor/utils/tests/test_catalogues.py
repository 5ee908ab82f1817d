"""Django merges the Dutch catalogues of every app (and conf/locale, which wins) into one: a
message id translated one way in one app and another way in another shows one app's word on
the other's page. Where the meaning is the same, the catalogues use the same Dutch words;
where it differs, the app that means something else gives the message a context (pgettext,
{% translate "..." context "..." %}) and its catalogue the msgctxt."""

import ast
from collections import defaultdict
from pathlib import Path

import dealmonitor

PACKAGE = Path(dealmonitor.__file__).parent


def catalogues():
    """Every Dutch catalogue of the project: the apps' own, conf/locale and the one of other
    packages' texts (conf/third_party/locale)."""
    return sorted(PACKAGE.glob("*/locale/nl/LC_MESSAGES/django.po")) + sorted(
        PACKAGE.glob("conf/third_party/locale/nl/LC_MESSAGES/django.po"))


def translations(path):
    """{(msgctxt, msgid, msgid_plural): (msgstr, ...)} of the entries a compiled catalogue
    holds: translated, not fuzzy, not obsolete, not the header. A small reader of the
    gettext format (no dependency for one test)."""
    found, entry, fuzzy, field = {}, {}, False, None

    def close():
        nonlocal entry, fuzzy, field
        strings = tuple(entry[k] for k in sorted(entry) if k.startswith("msgstr"))
        if entry.get("msgid") and not fuzzy and any(strings):
            found[(entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))] = strings
        entry, fuzzy, field = {}, False, None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            close()
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue  # comments, references and obsolete entries (#~)
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            keyword, _space, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgid" in entry and (
                    keyword == "msgctxt" or "msgstr" in entry or "msgstr[0]" in entry):
                close()  # a new entry without a blank line before it
            field = keyword
            entry[field] = ast.literal_eval(value)
    close()
    return found


def collisions():
    """(msgctxt, msgid, {catalogue: msgstr}) for every message translated differently."""
    seen = defaultdict(dict)
    for path in catalogues():
        app = "/".join(path.relative_to(PACKAGE).parts[:-4])  # "impact", "conf/third_party"
        for (context, msgid, _plural), strings in translations(path).items():
            seen[(context, msgid)][app] = strings if len(strings) > 1 else strings[0]
    return [(context, msgid, apps) for (context, msgid), apps in sorted(
        seen.items(), key=lambda item: (item[0][1], item[0][0] or ""))
        if len(set(apps.values())) > 1]


def test_the_reader_finds_contexts_plurals_and_skips_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
                  'msgctxt "statistics"\nmsgid "table"\nmsgstr "tabel"\n\n'
                  'msgid "table"\nmsgstr "tafel"\n\n'
                  'msgid "one row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "een rij"\nmsgstr[1] "%(n)s rijen"\n\n'
                  '#, fuzzy\nmsgid "Number"\nmsgstr "Nummer"\n\n'
                  'msgid "untranslated"\nmsgstr ""\n\n'
                  '#~ msgid "gone"\n#~ msgstr "weg"\n', encoding="utf-8")
    assert translations(po) == {
        ("statistics", "table", None): ("tabel",), (None, "table", None): ("tafel",),
        (None, "one row", "%(n)s rows"): ("een rij", "%(n)s rijen"),
    }


def test_the_project_s_catalogues_are_all_read():
    names = {"/".join(path.relative_to(PACKAGE).parts[:-4]) for path in catalogues()}
    assert {"conf", "conf/third_party", "areas", "impact", "learning", "imports", "reports"} <= names
    assert len(translations(PACKAGE / "conf" / "locale" / "nl" / "LC_MESSAGES" / "django.po")) > 400
    assert sum(len(translations(path)) for path in catalogues()) > 2500


def test_no_message_is_translated_differently_in_two_catalogues():
    found = collisions()
    assert not found, (
        f"{len(found)} message(s) have different Dutch in different catalogues; Django shows one "
        "of them on every page. Use the same words where the meaning is the same; give the "
        "message a context (pgettext) in the app that means something else:\n" + "\n".join(
            f"  {f'[{context}] ' if context else ''}{msgid!r}: {apps}" for context, msgid, apps in found))

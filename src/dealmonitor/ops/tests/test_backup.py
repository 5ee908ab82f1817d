"""Backup and restore: a round trip loses nothing, on SQLite and on PostgreSQL (the suite runs
on both), and a damaged or foreign file changes nothing."""

import hashlib
import io
import json
import os
import stat
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import translation
from knox.models import AuthToken

from dealmonitor.connections import demo as connections_demo
from dealmonitor.connections import related
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.impact import demo as impact_demo
from dealmonitor.impact.models import Measurement
from dealmonitor.imports.models import ImportJob
from dealmonitor.learning import demo as learning_demo
from dealmonitor.ops.backup import EXCLUDED_IN_FORMAT_1, ExactEncoder, counts

# Transactional: a restore empties tables, which PostgreSQL refuses inside a transaction that
# has pending writes (the test case's own); in production the restore is its own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


# The programme's partner summary: kept by the database, left out of a backup and counted
# again by the restore (learning/summary.py).
DERIVED = {"learning.partnerreach", "learning.dealpartnertype", "learning.partnertypetotal"}


def every_row(keys_of_links=True):
    """Every row of every table (auto-created many-to-many tables and history tables included),
    as tuples of all its column values in the order of the primary key: equal before and
    after means nothing was lost, added or renumbered. Without `keys_of_links`, content types
    and permissions are named by their natural keys and link rows compared without their
    own keys (what a format 1 backup keeps)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        fields = model._meta.concrete_fields
        derived = model._meta.label_lower in DERIVED
        if (not keys_of_links and model._meta.auto_created) or derived:
            fields = [f for f in fields if not f.primary_key]
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
        if derived:  # counted again on restore: the same figures, new keys
            rows = sorted(rows)
        if not keys_of_links:
            natural = {f.attname: {o.pk: o.natural_key() for o in f.related_model.objects.all()}
                       for f in fields if f.related_model in (ContentType, Permission)}
            rows = sorted(tuple(natural[f.attname].get(v) if f.attname in natural else v
                                for f, v in zip(fields, row)) for row in rows)
            if model in (ContentType, Permission):
                rows = sorted(o.natural_key() for o in model.objects.all())
        tables[model._meta.label_lower] = list(rows)
    return tables


def every_file(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(demo_data, media, settings):
    """What `make setup` and a few weeks of use leave behind: the demo portfolio with its
    impact, learning and connections data and stored related-deal suggestions, the demo
    accounts with their roles, an API token, admin log entries and uploaded files."""
    settings.DEMO_PASSWORD = "demo-wachtwoord-voor-de-test"
    impact_demo.load()
    learning_demo.load()
    related.build_all()
    connections_demo.load()
    call_command("createdemouser", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="demo")
    AuthToken.objects.create(user=admin)
    editors = Group.objects.create(name="redactie")
    editors.permissions.add(Permission.objects.get(codename="change_deal"))
    evaluator = get_user_model().objects.get(username="demo-evaluator")
    evaluator.groups.add(editors)
    evaluator.user_permissions.add(Permission.objects.get(codename="view_measurement"))
    deal = Deal.objects.get(slug="cd-health-hub")
    LogEntry.objects.log_actions(admin.pk, [deal], ADDITION, change_message="[]", single_object=True)
    measurement = Measurement.objects.filter(evidence_url="").first()
    measurement.evidence_file.save("verslag.pdf", ContentFile(b"%PDF-1.4 verslag 2023"))
    job = ImportJob(user=admin, filename="metingen.csv", kind="measurements")
    job.file.save("metingen.csv", ContentFile(b"deal_id;waarde\ncd-health-hub;3\n"))
    return measurement


def test_a_round_trip_restores_every_row_and_file(installation, media, tmp_path):
    measurement = installation
    before, files = every_row(), every_file(media)
    # Every part of an installation is there, so the comparison below means something.
    for table in ("deals.deal", "impact.measurement", "learning.lesson", "connections.communityevent",
                  "connections.relatedsuggestion", "accounts.dealmembership", "accounts.user_groups",
                  "accounts.user_user_permissions", "auth.group_permissions",
                  "knox.authtoken", "admin.logentry", "imports.importjob", "deals.historicaldeal",
                  "deals.deal_themes"):
        assert before[table], table
    assert len(files) == 2

    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())

    # Yesterday's mistakes: a deal deleted, a participation changed, a file overwritten.
    Deal.objects.get(slug="cd-health-hub").delete()
    Participation.objects.update(stance="tegen")
    (media / measurement.evidence_file.name).write_bytes(b"kapot")
    call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert every_row() == before
    assert every_file(media) == files

    # Into an emptied installation: no rows, no files.
    call_command("flush", interactive=False, verbosity=0)
    for file in media.rglob("*"):
        if file.is_file():
            file.unlink()
    call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert every_row() == before
    assert every_file(media) == files

    # New rows after a restore get fresh keys, not ones already in use.
    deal = Deal.objects.create(slug="cd-na-herstel", name="Na herstel", kind="city_deal")
    assert deal.pk > max(Deal.objects.exclude(pk=deal.pk).values_list("pk", flat=True))
    user = get_user_model().objects.create_user(username="na-herstel")
    assert user.pk > max(get_user_model().objects.exclude(pk=user.pk).values_list("pk", flat=True))


def test_a_damaged_backup_changes_nothing(demo_data, media, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))
    with zipfile.ZipFile(path) as archive:
        manifest, data = archive.read("manifest.json"), archive.read("data.json")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("data.json", data.replace(b"Health Hub", b"Hacked Hub"))
    before = counts()
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), "--yes")
    with pytest.raises(CommandError, match="not a Dealmonitor backup"):
        call_command("restore", str(tmp_path), "--yes")
    assert counts() == before


def test_a_backup_from_a_newer_schema_is_refused(demo_data, media, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = archive.read("data.json")
    manifest["migrations"].append("deals.9999_from_the_future")
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", data)
    with pytest.raises(CommandError, match="newer database schema"):
        call_command("restore", str(newer), "--yes")
    assert Deal.objects.count() == 26


def test_a_backup_is_readable_by_its_owner_only(demo_data, media, tmp_path):
    """A backup holds password hashes and API tokens: group and others may not read it, also
    when it replaces an older, readable file."""
    fresh, existing = tmp_path / "nieuw.zip", tmp_path / "bestaand.zip"
    existing.write_bytes(b"oud")
    existing.chmod(0o644)
    (tmp_path / "bestaand.zip.part").write_bytes(b"half")  # left by an interrupted backup
    (tmp_path / "bestaand.zip.part").chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        for path in (fresh, existing):
            call_command("backup", str(path), stdout=io.StringIO())
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old_umask)


def test_a_restore_without_yes_and_without_a_terminal_says_what_to_do(demo_data, media, tmp_path,
                                                                       monkeypatch):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    Deal.objects.get(slug="cd-health-hub").delete()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a script or cron job: no terminal
    with translation.override("nl"), pytest.raises(CommandError, match="Voeg --yes toe"):
        call_command("restore", str(path))
    with translation.override("en"), pytest.raises(CommandError, match="Add --yes"):
        call_command("restore", str(path))
    assert not Deal.objects.filter(slug="cd-health-hub").exists()  # nothing was changed


def test_restore_asks_at_a_terminal_and_stops_at_no_or_end_of_input(demo_data, media, tmp_path,
                                                                     monkeypatch):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    Deal.objects.get(slug="cd-health-hub").delete()

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for typed in ("nee\n", ""):  # "no", and Ctrl-D
        monkeypatch.setattr("sys.stdin", Terminal(typed))
        with translation.override("en"), pytest.raises(CommandError, match="nothing was changed"):
            call_command("restore", str(path), stdout=io.StringIO())
    assert not Deal.objects.filter(slug="cd-health-hub").exists()
    monkeypatch.setattr("sys.stdin", Terminal("ja\n"))
    call_command("restore", str(path), stdout=io.StringIO())
    assert Deal.objects.filter(slug="cd-health-hub").exists()


def test_a_backup_of_format_1_still_restores(demo_data, media, tmp_path, settings):
    """Backups written before format 2 left content types and permissions out, named them and
    the users by natural key, and kept links inside their rows: they restore, users first."""
    settings.DEMO_PASSWORD = "demo-wachtwoord-voor-de-test"
    related.build_all()
    call_command("createdemouser", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="demo")
    AuthToken.objects.create(user=admin)
    deal = Deal.objects.get(slug="cd-health-hub")
    LogEntry.objects.log_actions(admin.pk, [deal], ADDITION, change_message="[]", single_object=True)
    admin.user_permissions.add(Permission.objects.get(codename="view_measurement"))
    before = every_row(keys_of_links=False)
    models = [m for m in apps.get_models() if m._meta.label_lower not in EXCLUDED_IN_FORMAT_1
              and m._meta.managed and not m._meta.proxy]
    data = serializers.serialize(
        "json", (o for m in models for o in m._base_manager.order_by("pk")),
        use_natural_foreign_keys=True, cls=ExactEncoder,
    ).encode()
    assert b'"user": ["demo"]' in data  # the natural key that format 1 could not load
    manifest = {"format": 1, "created_at": "2026-11-21T03:00:00+00:00", "database": "sqlite",
                "migrations": [], "files": 0, "data_sha256": hashlib.sha256(data).hexdigest(),
                "rows": {m._meta.label_lower: m._base_manager.count() for m in models}}
    path = tmp_path / "formaat-1.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", data)
    Deal.objects.get(slug="cd-health-hub").delete()

    call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert every_row(keys_of_links=False) == before

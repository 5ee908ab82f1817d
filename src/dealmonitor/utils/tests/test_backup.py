"""Backup and restore: a round trip loses nothing, on SQLite and on PostgreSQL (the suite runs
on both), and a damaged or foreign file changes nothing."""

import datetime as dt
import json
import zipfile

import pytest
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from dealmonitor.deals.models import Deal, Participation
from dealmonitor.impact import demo as impact_demo
from dealmonitor.impact.models import Measurement
from dealmonitor.utils.backup import ExactEncoder, _models, counts

# Transactional: a restore empties tables, which PostgreSQL refuses inside a transaction that
# has pending writes (the test case's own); in production the restore is its own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def everything():
    """Every row of every model, serialised: equal before and after means nothing was lost."""
    return {
        m._meta.label_lower: serializers.serialize("json", m._base_manager.order_by("pk"),
                                                   use_natural_foreign_keys=True, cls=ExactEncoder)
        for m in _models()
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_round_trip_restores_every_row_and_file(demo_data, media, tmp_path, staff_user):
    impact_demo.load()
    measurement = Measurement.objects.filter(evidence_url="").first()
    measurement.evidence_file.save("verslag.pdf", ContentFile(b"%PDF-1.4 verslag 2023"))
    before, before_counts = everything(), counts()
    assert before_counts["deals.deal"] == 26 and before_counts["impact.measurement"] > 0

    path = tmp_path / "backup.zip"
    call_command("backup", str(path))

    # Yesterday's mistakes: a deal deleted, a participation changed, a file overwritten.
    Deal.objects.get(slug="cd-health-hub").delete()
    Participation.objects.update(stance="tegen")
    (media / measurement.evidence_file.name).write_bytes(b"kapot")

    call_command("restore", str(path), "--yes")

    assert counts() == before_counts
    assert everything() == before
    assert (media / measurement.evidence_file.name).read_bytes() == b"%PDF-1.4 verslag 2023"
    # New rows after a restore get fresh keys, not ones already in use.
    deal = Deal.objects.create(slug="cd-na-herstel", name="Na herstel", kind="city_deal")
    assert deal.pk > max(Deal.objects.exclude(pk=deal.pk).values_list("pk", flat=True))


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

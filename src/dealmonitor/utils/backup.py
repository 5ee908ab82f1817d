"""Backup and restore: one file holds a consistent snapshot of the database and the uploaded
files (evidence), so an operator can bring back yesterday's state.

The snapshot is a zip with
- `data.json`: every row of every model (history included), Django's serialisation with
  natural keys for content types and permissions, read inside one transaction (REPEATABLE READ
  on PostgreSQL, a read transaction on SQLite), so it is one moment in time;
- `media/…`: the uploaded files;
- `manifest.json`: when, from which schema (the applied migrations), and the row count per
  model and the SHA-256 of data.json, checked again on restore.

Restore is all or nothing: it checks the manifest, then empties the database and loads the
snapshot in one transaction, and only then replaces the uploaded files.
"""

import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
# Rebuilt by `migrate` / `flush` on every database, so not part of the snapshot.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    pass


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to milliseconds; a backup keeps them exact."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _models():
    return [
        m for m in apps.get_models(include_auto_created=False)
        if m._meta.label_lower not in EXCLUDED and m._meta.managed and not m._meta.proxy
    ]


def _applied_migrations():
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def counts():
    return {m._meta.label_lower: m._base_manager.count() for m in _models()}


def _snapshot():
    """All rows, serialised inside one transaction so they belong to one moment."""
    already_in_transaction = connection.in_atomic_block  # (the test suite) the snapshot is set
    with transaction.atomic():
        if connection.vendor == "postgresql" and not already_in_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = {m._meta.label_lower: m._base_manager.count() for m in _models()}
        buffer = io.StringIO()
        serializers.serialize(
            "json",
            (obj for m in _models() for obj in m._base_manager.order_by("pk").iterator()),
            stream=buffer, use_natural_foreign_keys=True, cls=ExactEncoder,
        )
    return buffer.getvalue().encode("utf-8"), rows


def backup(path):
    path = Path(path)
    data, rows = _snapshot()
    media_root = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "database": connection.vendor,
        "migrations": _applied_migrations(),
        "rows": rows,
        "data_sha256": hashlib.sha256(data).hexdigest(),
        "files": len(files),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        archive.writestr("data.json", data)
        for file in files:
            archive.write(file, f"media/{file.relative_to(media_root).as_posix()}")
    partial.replace(path)  # a half-written backup never carries the final name
    return manifest


def read_manifest(path):
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            data = archive.read("data.json")
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not a Dealmonitor backup: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: backup format {manifest.get('format')} is not supported (expected {FORMAT}).")
    if hashlib.sha256(data).hexdigest() != manifest["data_sha256"]:
        raise BackupError(f"{path}: data.json does not match its checksum; the file is damaged.")
    return manifest, data


def restore(path):
    manifest, data = read_manifest(path)
    missing = sorted(set(manifest["migrations"]) - set(_applied_migrations()))
    if missing:
        raise BackupError(
            "The backup was made with a newer database schema; run `dealmonitor migrate` first. "
            f"Missing migrations: {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "media"
        staged.mkdir()
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.startswith("media/") or name.endswith("/"):
                    continue
                target = (staged / name[len("media/"):]).resolve()
                if staged.resolve() not in target.parents:
                    raise BackupError(f"{path}: refusing the unsafe path {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            objects = list(serializers.deserialize("json", data, handle_forward_references=True))
            for obj in objects:
                # The backup holds the history rows themselves: setting a row's many-to-many
                # links must not write new ones (django-simple-history records link changes
                # unless told to skip; plain saves are raw here and skipped anyway).
                obj.object.skip_history_when_saving = True
                obj.save()
            for obj in objects:
                if obj.deferred_fields:
                    obj.save_deferred_fields()
            _reset_sequences()
            found = counts()
            if found != manifest["rows"]:
                diff = {k: (manifest["rows"].get(k), found.get(k)) for k in set(found) | set(manifest["rows"])
                        if manifest["rows"].get(k) != found.get(k)}
                raise BackupError(f"Restored rows differ from the backup: {diff}")
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists():
            shutil.rmtree(media_root)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, media_root)
    return manifest


def _reset_sequences():
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), _models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

from django.conf import settings
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import migrations
from django.utils.module_loading import import_string


def _tables(schema_editor):
    """The database cache tables of this database that exist (none for other backends)."""
    existing = set(schema_editor.connection.introspection.table_names())
    for options in settings.CACHES.values():
        backend = import_string(options["BACKEND"])
        if issubclass(backend, BaseDatabaseCache) and options["LOCATION"] in existing:
            yield schema_editor.connection.ops.quote_name(options["LOCATION"])


def unlogged(apps, schema_editor):
    """On PostgreSQL the cache table is not written to the write-ahead log: a request that
    keeps figures in the cache (the programme view counted afresh) no longer waits for the
    disk at its commit (4 to 8 ms a commit on the shared test machine, 0.1 ms unlogged).
    After a crash PostgreSQL empties the table, which is only a cache: the data versions are
    created anew and every figure is counted again (utils/cache.py)."""
    if schema_editor.connection.vendor == "postgresql":
        for table in _tables(schema_editor):
            schema_editor.execute(f"ALTER TABLE {table} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in _tables(schema_editor):
            schema_editor.execute(f"ALTER TABLE {table} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("utils", "0001_cache_table")]

    operations = [migrations.RunPython(unlogged, logged)]

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The table of the database cache (CACHE_URL=dbcache://…), created with the schema so
    that `migrate` is the only set-up step; nothing happens for other cache backends."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

from django.db import migrations


def load(apps, schema_editor):
    from dealmonitor.impact.reference import load_reference_sets

    load_reference_sets(apps.get_model("impact", "ReferenceSet"), apps.get_model("impact", "ReferenceItem"))


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

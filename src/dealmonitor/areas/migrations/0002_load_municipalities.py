"""The municipalities of the reference list as areas (organisations/reference/README.md:
CBS gemeentelijke indeling op 1 januari 2025, and the municipalities that ended since 2022).
`dealmonitor areas sync` does the same after the list is updated."""

from django.db import migrations


def load(apps, schema_editor):
    from dealmonitor.areas.services import sync_municipalities

    sync_municipalities(apps.get_model("areas", "Area"))


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_areas_figures_and_deal_areas")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

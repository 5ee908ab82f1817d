from django.db import migrations


def create_default_template(apps, schema_editor):
    from dealmonitor.learning.defaults import DEFAULT_TEMPLATE

    Template = apps.get_model("learning", "AssessmentTemplate")
    Statement = apps.get_model("learning", "Statement")
    if Template.objects.filter(is_default=True).exists():
        return
    template = Template.objects.create(
        name=DEFAULT_TEMPLATE["name"], version=1, is_default=True,
        description=DEFAULT_TEMPLATE["description"],
    )
    for order, (code, theme, text) in enumerate(DEFAULT_TEMPLATE["statements"], start=1):
        Statement.objects.create(template=template, code=code, theme=theme, text=text, order=order)


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]

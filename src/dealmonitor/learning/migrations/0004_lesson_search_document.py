import django.contrib.postgres.search
from django.db import migrations

# One definition of a lesson's search document, used by the trigger and the backfill; the
# weights match learning/search.py (title A, text B, tags C).
DOCUMENT = (
    "setweight(to_tsvector('dutch', COALESCE({row}title, '')), 'A') || "
    "setweight(to_tsvector('dutch', COALESCE({row}text, '')), 'B') || "
    "setweight(to_tsvector('dutch', COALESCE({row}tags, '')), 'C')"
)


def create_trigger(apps, schema_editor):
    """PostgreSQL: keep `search_document` up to date on every insert and update, whichever
    way the row is written (services, admin, bulk loads, COPY), and index it."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"""
        CREATE OR REPLACE FUNCTION learning_lesson_search_document() RETURNS trigger AS $$
        BEGIN
            NEW.search_document := {DOCUMENT.format(row="NEW.")};
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql;
    """)
    schema_editor.execute("""
        CREATE TRIGGER learning_lesson_search_document
        BEFORE INSERT OR UPDATE OF title, text, tags ON learning_lesson
        FOR EACH ROW EXECUTE FUNCTION learning_lesson_search_document();
    """)
    schema_editor.execute(f"UPDATE learning_lesson SET search_document = {DOCUMENT.format(row='')}")
    schema_editor.execute(
        "CREATE INDEX learning_lesson_search_document_gin ON learning_lesson "
        "USING GIN (search_document)"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS learning_lesson_search_document_gin")
    schema_editor.execute("DROP TRIGGER IF EXISTS learning_lesson_search_document ON learning_lesson")
    schema_editor.execute("DROP FUNCTION IF EXISTS learning_lesson_search_document()")


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0003_scaling_start_conversation_milestones_experiments"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]

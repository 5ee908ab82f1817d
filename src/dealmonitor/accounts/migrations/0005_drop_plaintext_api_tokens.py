"""API tokens moved from rest_framework.authtoken (stored as they are, never expiring) to
django-rest-knox (hashed, with an expiry; knox's own migrations make its table). The old keys
cannot be carried over: knox stores a hash of a key it generates, and an old key kept as it was
would stay as readable as before. So the old table goes, with every key in it; clients ask
for a new token once (docs/security.md#api-tokens).

`IF EXISTS`: a database made after the change never had the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_oidc_subject"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token",
                          reverse_sql=migrations.RunSQL.noop),
    ]

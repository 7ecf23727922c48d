"""Tokens of DRF's authtoken app, stored in plain text, become hashed ``ApiToken`` rows that
expire in 30 days (time for their scripts to get new ones), and the plain-text table is dropped.
The app is no longer installed, so its table is read with SQL; a database that never had it is
left alone. Re-runnable: the table is gone after the first run."""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone

LEGACY_TABLE = "authtoken_token"
GRACE = datetime.timedelta(days=30)


def hash_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, {quote('user_id')} FROM {quote(LEGACY_TABLE)}")  # noqa: S608
        rows = cursor.fetchall()
    expires_at = timezone.now() + GRACE
    for key, user_id in rows:
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        if not ApiToken.objects.filter(key_hash=key_hash).exists():
            ApiToken.objects.create(
                user_id=user_id,
                name="token from before hashing",
                prefix=key[:8],
                key_hash=key_hash,
                expires_at=expires_at,
            )
    schema_editor.execute(f"DROP TABLE {quote(LEGACY_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_add_api_token")]

    operations = [migrations.RunPython(hash_legacy_tokens, migrations.RunPython.noop)]

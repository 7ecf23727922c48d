"""Sentences this app's services stored as prose are stored as codes (devolve.core.actions)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_retire_plaintext_api_tokens")]

    operations = [migrations.RunPython(recode_texts("accounts"), migrations.RunPython.noop)]

"""Sentences this app's services stored as prose are stored as codes (devolve.core.actions)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_add_generated_documents")]

    operations = [migrations.RunPython(recode_texts("documents"), migrations.RunPython.noop)]

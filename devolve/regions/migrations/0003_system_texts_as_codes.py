"""Sentences this app's services stored as prose are stored as codes (devolve.core.actions)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_load_sichuan_divisions")]

    operations = [migrations.RunPython(recode_texts("regions"), migrations.RunPython.noop)]

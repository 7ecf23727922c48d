"""Sentences this app's services stored as prose are stored as codes (devolve.core.actions)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("selection", "0003_keep_computed_rounds_on_min_max_entropy")]

    operations = [migrations.RunPython(recode_texts("selection"), migrations.RunPython.noop)]

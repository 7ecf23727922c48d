"""Sentences this app's services stored as prose are stored as codes (devolve.core.actions)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("matters", "0013_one_offer_per_matter_and_window")]

    operations = [migrations.RunPython(recode_texts("matters"), migrations.RunPython.noop)]

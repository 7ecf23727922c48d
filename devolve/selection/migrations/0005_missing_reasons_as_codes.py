"""The reasons the candidate importer stored as words for a missing value ("Blank in the
file.") are stored as codes (devolve.core.actions, ADR 0048)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("selection", "0004_system_texts_as_codes")]

    operations = [migrations.RunPython(recode_texts("selection"), migrations.RunPython.noop)]

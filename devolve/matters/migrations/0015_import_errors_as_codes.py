"""The errors list imports stored as words are stored as codes (devolve.core.actions, ADR 0041)."""

from django.db import migrations

from devolve.core.legacy_import_errors import recode_import_errors


class Migration(migrations.Migration):
    dependencies = [("matters", "0014_system_texts_as_codes")]

    operations = [
        migrations.RunPython(
            recode_import_errors("matters", "ListImport", ("upload.", "list_import.error.")),
            migrations.RunPython.noop,
        )
    ]

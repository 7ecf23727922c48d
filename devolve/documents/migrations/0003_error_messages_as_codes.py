"""Why a document failed is stored as a code with its parameters (devolve.core.actions), like
the other sentences the system writes; messages stored before in either language become codes,
anything else stays as written and shows marked with its language."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_system_texts_as_codes")]

    operations = [migrations.RunPython(recode_texts("documents"), migrations.RunPython.noop)]

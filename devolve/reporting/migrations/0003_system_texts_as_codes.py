"""Sentences this app's services stored as prose are stored as codes (devolve.core.actions)."""

from django.db import migrations

from devolve.core.legacy_texts import recode_texts


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_notice_reopened")]

    operations = [migrations.RunPython(recode_texts("reporting"), migrations.RunPython.noop)]

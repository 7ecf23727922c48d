"""Rounds computed before the classic (Shannon) entropy became the default were weighted after
min–max scaling: name that variant on them, so their stored results keep the method that made
them (ADR 16, amended)."""

from django.db import migrations


def name_min_max(apps, schema_editor):
    SelectionRound = apps.get_model("selection", "SelectionRound")
    for field in ("criterion_weighting", "indicator_weighting"):
        SelectionRound.objects.filter(**{field: "entropy"}).update(**{field: "entropy_min_max"})


class Migration(migrations.Migration):
    dependencies = [("selection", "0002_entropy_variants")]

    operations = [migrations.RunPython(name_min_max, migrations.RunPython.noop)]

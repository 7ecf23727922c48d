from django.db import migrations

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def fill_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Give each matter without a key a fresh one; re-runnable, and rows keep keys they have."""
    import secrets

    Matter = apps.get_model("matters", "Matter")
    HistoricalMatter = apps.get_model("matters", "HistoricalMatter")
    taken = set(Matter.objects.exclude(key=None).values_list("key", flat=True))
    for matter in Matter.objects.filter(key=None).only("pk").iterator():
        key = ""
        while not key or key in taken:
            key = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(key)
        Matter.objects.filter(pk=matter.pk).update(key=key)
        # The history rows of a matter name it by the same key.
        HistoricalMatter.objects.filter(id=matter.pk).update(key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0007_add_matter_key"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]

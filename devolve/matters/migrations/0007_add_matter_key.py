import devolve.matters.rules
from django.db import migrations, models

HELP = "Identifies the matter's public page and its rows in open data; never changes."


class Migration(migrations.Migration):
    """The key is added empty, filled row by row (0008), then made required and unique (0009)."""

    dependencies = [
        ("matters", "0006_add_list_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmatter",
            name="key",
            field=models.CharField(
                db_index=True,
                default=devolve.matters.rules.new_matter_key,
                editable=False,
                help_text=HELP,
                max_length=16,
                verbose_name="public key",
            ),
        ),
        migrations.AddField(
            model_name="matter",
            name="key",
            field=models.CharField(
                editable=False,
                help_text=HELP,
                max_length=16,
                null=True,
                verbose_name="public key",
            ),
        ),
    ]

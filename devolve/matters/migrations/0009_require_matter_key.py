import devolve.matters.rules
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0008_fill_matter_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matter",
            name="key",
            field=models.CharField(
                default=devolve.matters.rules.new_matter_key,
                editable=False,
                help_text="Identifies the matter's public page and its rows in open data; never changes.",
                max_length=16,
                unique=True,
                verbose_name="public key",
            ),
        ),
    ]

"""An audit event keeps its target's English name beside the Chinese one (issue 14)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_system_texts_as_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='target_label_en',
            field=models.CharField(blank=True, max_length=255, verbose_name='target (English)'),
        ),
    ]

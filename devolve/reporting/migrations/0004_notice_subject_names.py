"""A notice keeps the Chinese and English names of what it is about (issue 14)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0003_system_texts_as_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportingnotice',
            name='subject_name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='about (English)'),
        ),
        migrations.AddField(
            model_name='reportingnotice',
            name='subject_name_zh',
            field=models.CharField(blank=True, max_length=200, verbose_name='about (Chinese)'),
        ),
    ]

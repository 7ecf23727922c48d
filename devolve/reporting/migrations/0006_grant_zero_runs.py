"""Each grant's longest run of accepted periods without a case, stored (ADR 0066), and filled
from every accepted usage line by the window-function count the zero-use flags ran on request
until now. The SQL is a copy of ``reporting.services.zero_runs``' as it was written, so that this
migration does not change when the service does."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

FILL_SQL = """
WITH lines AS (
    SELECT line.grant_id, cycle.annual_list_id, cycle.period_end, line.cases_received,
           SUM(CASE WHEN line.cases_received > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY line.grant_id ORDER BY cycle.period_end
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS island
    FROM {line} line
    JOIN {report} report ON report.id = line.report_id
    JOIN {cycle} cycle ON cycle.id = report.cycle_id
    WHERE report.status = 'accepted'
), runs AS (
    SELECT grant_id, annual_list_id, COUNT(*) AS length, MAX(period_end) AS ends_on
    FROM lines WHERE cases_received = 0
    GROUP BY grant_id, annual_list_id, island
), ranked AS (
    SELECT runs.*, ROW_NUMBER() OVER (
        PARTITION BY grant_id ORDER BY length DESC, ends_on DESC
    ) AS place
    FROM runs
)
INSERT INTO {runs} (grant_id, annual_list_id, length, ends_on)
SELECT grant_id, annual_list_id, length, ends_on FROM ranked WHERE place = 1
"""


def fill_zero_runs(apps: Any, schema_editor: Any) -> None:
    quote = schema_editor.connection.ops.quote_name
    table = {
        name: quote(apps.get_model("reporting", model)._meta.db_table)
        for name, model in [
            ("line", "UsageLine"),
            ("report", "AreaReport"),
            ("cycle", "ReportingCycle"),
            ("runs", "GrantZeroRun"),
        ]
    }
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL_SQL.format(**table))


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0005_grant_entry_zone_status'),
        ('matters', '0015_import_errors_as_codes'),
        ('reporting', '0005_notice_subject_names_filled'),
    ]

    operations = [
        migrations.CreateModel(
            name='GrantZeroRun',
            fields=[
                ('grant', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='grants.grant', verbose_name='grant')),
                ('length', models.PositiveIntegerField(verbose_name='periods without a case')),
                ('ends_on', models.DateField(verbose_name='run ends on')),
                ('annual_list', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='matters.annuallist', verbose_name='annual list')),
            ],
            options={
                'verbose_name': 'zero-use run',
                'verbose_name_plural': 'zero-use runs',
                'indexes': [models.Index(fields=['annual_list', 'length'], name='zero_run_edition_length')],
            },
        ),
        migrations.RunPython(fill_zero_runs, migrations.RunPython.noop),
    ]

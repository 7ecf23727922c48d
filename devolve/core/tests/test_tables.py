"""The change log's table: its cells read as the template filters of the columns they replaced."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from devolve.core.changelog import ChangeCriteria, ChangeLog, list_changes
from devolve.core.tables import ChangeTable

UTC_EVENING = datetime.datetime(2024, 1, 1, 20, 5, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
def test_when_reads_as_the_date_filter_writes_it_in_the_site_time_zone(zone: str) -> None:
    """``{{ value|date:"Y-m-d H:i" }}`` (django-tables2's date column) in the active time zone,
    on the page and in the download: 20:05 UTC is the next day's 04:05 in Shanghai."""
    table = ChangeTable(ChangeLog(list_changes(ChangeCriteria())))
    with timezone.override(ZoneInfo(zone)):
        expected = Template('{{ value|date:"Y-m-d H:i" }}').render(Context({"value": UTC_EVENING}))

        shown = table.render_changed_at(UTC_EVENING)
        exported = table.value_changed_at(UTC_EVENING)

    assert shown == exported == expected
    assert expected == ("2024-01-01 20:05" if zone == "UTC" else "2024-01-02 04:05")

"""Recording the State Council's holiday notice: it decides its year's working days ahead of the
package, bad notices are refused with nothing written, and provisional handover dates are
recomputed with an audit event each."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.grants import calendar, services
from devolve.grants.models import Grant, HolidayNotice, HolidayNoticeDay
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode

pytestmark = pytest.mark.django_db

D = datetime.date
# An invented schedule for 2099, a year no package carries; the shape of a real notice.
HOLIDAYS = [(D(2099, 1, 1), D(2099, 1, 3)), (D(2099, 1, 21), D(2099, 1, 27))]
WORKING_DAYS = [D(2099, 1, 18)]  # a Sunday worked for the Spring Festival


def record(**overrides: object) -> HolidayNotice:
    arguments: dict[str, object] = {
        "year": 2099,
        "document_number": "国办发明电〔2098〕7号",
        "holidays": HOLIDAYS,
        "working_days": WORKING_DAYS,
        "recorded_by": SYSTEM,
    }
    arguments.update(overrides)
    return services.record_holiday_notice(**arguments)


def test_a_recorded_year_counts_from_the_notice() -> None:
    record()
    working_days = calendar.WorkingDayCalendar.load()

    assert working_days.is_working_day(D(2099, 1, 2)) is False  # Friday, in the holiday
    assert working_days.is_working_day(D(2099, 1, 18)) is True  # Sunday, worked
    assert working_days.is_working_day(D(2099, 1, 22)) is False  # Thursday, Spring Festival
    assert working_days.is_working_day(D(2099, 1, 28)) is True
    assert working_days.is_working_day(D(2099, 5, 1)) is True  # the notice names no May holiday
    assert working_days.is_official(D(2099, 6, 1)) is True
    assert working_days.is_official(D(2100, 6, 1)) is False
    assert HolidayNoticeDay.objects.filter(is_working_day=False).count() == 10
    assert AuditEvent.objects.filter(action="holiday_notice.recorded").count() == 1


def test_a_recorded_year_takes_precedence_over_the_package() -> None:
    national_day = D(2024, 10, 1)
    assert calendar.is_working_day(national_day) is False
    # An (invented) notice for 2024 that names only New Year's Day.
    record(year=2024, holidays=[(D(2024, 1, 1), D(2024, 1, 1))], working_days=[])

    assert calendar.WorkingDayCalendar.load().is_working_day(national_day) is True


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"document_number": "  "}, "document_number_required"),
        ({"holidays": []}, "no_holidays"),
        ({"holidays": [(D(2099, 12, 31), D(2100, 1, 1))]}, "wrong_year"),
        ({"holidays": [(D(2099, 1, 3), D(2099, 1, 1))]}, "dates_out_of_order"),
        (
            {"holidays": [(D(2099, 1, 1), D(2099, 1, 5)), (D(2099, 1, 5), D(2099, 1, 7))]},
            "overlapping_holidays",
        ),
        ({"working_days": [D(2099, 1, 18), D(2099, 1, 18)]}, "duplicate_working_day"),
        ({"working_days": [D(2099, 1, 3)]}, "working_day_in_holiday"),
        ({"working_days": [D(2099, 1, 19)]}, "working_day_not_weekend"),
    ],
)
def test_a_bad_notice_is_refused_and_nothing_is_written(
    overrides: dict[str, object], code: str
) -> None:
    assert_refused(code, lambda: record(**overrides), HolidayNotice, HolidayNoticeDay, AuditEvent)


def test_a_second_notice_for_the_year_is_refused() -> None:
    record()

    assert_refused("duplicate", record, HolidayNotice, HolidayNoticeDay, AuditEvent)


def test_recording_the_year_recomputes_provisional_handover_dates() -> None:
    annual_list = AnnualListFactory(
        year=2099,
        status="published",
        approved_on=D(2098, 12, 1),
        published_on=D(2098, 12, 1),
        handover_working_days=5,
    )
    grant = GrantFactory(
        entry=ListEntryFactory(annual_list=annual_list, mode=mode("delegate")),
        effective_on=D(2098, 12, 31),
    )
    services.activate_due_grants(on=D(2098, 12, 31), activated_by=SYSTEM)
    grant.refresh_from_db()
    # Provisional: weekdays less New Year's Day, Fri 2 Jan to Thu 8 Jan 2099.
    assert (grant.handover_due_on, grant.handover_due_is_provisional) == (D(2099, 1, 8), True)

    record()

    grant.refresh_from_db()
    # The notice closes 1 to 3 January: Mon 5 to Fri 9 January.
    assert (grant.handover_due_on, grant.handover_due_is_provisional) == (D(2099, 1, 9), False)
    event = AuditEvent.objects.get(action="grant.handover_due_recomputed")
    assert event.target_id == str(grant.pk)
    assert event.details == {"from": "2099-01-08", "to": "2099-01-09", "provisional": False}


def _provisional_grants(count: int, *, year: int) -> list[int]:
    """``count`` delegated grants of one edition, activated with a provisional handover date
    (their year has no schedule yet): ids."""
    annual_list = AnnualListFactory(
        year=year,
        status="published",
        approved_on=D(year - 1, 12, 1),
        published_on=D(year - 1, 12, 1),
        handover_working_days=5,
    )
    entry = ListEntryFactory(annual_list=annual_list, mode=mode("delegate"))
    ids = [GrantFactory(entry=entry, effective_on=D(year - 1, 12, 31)).pk for _ in range(count)]
    services.activate_due_grants(on=D(year - 1, 12, 31), activated_by=SYSTEM)
    return ids


def test_recomputing_takes_the_same_statements_for_many_grants() -> None:
    """Set-based: the statements grow with the distinct dates, never with the grants."""
    one = _provisional_grants(1, year=2098)
    with CaptureQueriesContext(connection) as for_one:
        record(year=2098, holidays=[(D(2098, 1, 1), D(2098, 1, 3))], working_days=[])
    many = _provisional_grants(6, year=2099)
    with CaptureQueriesContext(connection) as for_six:
        record()

    assert len(for_six.captured_queries) == len(for_one.captured_queries)
    recomputed = AuditEvent.objects.filter(action="grant.handover_due_recomputed")
    assert sorted(int(event.target_id) for event in recomputed) == sorted(one + many)
    assert {event.details["to"] for event in recomputed} == {
        "2098-01-10",
        "2099-01-09",
    }  # Wed 1 Jan 2098: Mon 6 to Fri 10
    assert Grant.history.filter(
        id__in=one + many, history_change_reason=system_text("holiday_notice.recorded")
    ).count() == len(one + many)
    assert not Grant.objects.filter(handover_due_is_provisional=True).exists()


def test_a_date_that_stays_provisional_is_left_alone() -> None:
    (grant,) = _provisional_grants(1, year=2099)
    before = Grant.history.filter(id=grant).count()

    record(year=2098, holidays=[(D(2098, 1, 1), D(2098, 1, 3))], working_days=[])

    # 2098's notice does not settle 2099: the date stays as it was, provisional, unrecorded.
    assert Grant.objects.filter(pk=grant, handover_due_is_provisional=True).exists()
    assert Grant.history.filter(id=grant).count() == before
    assert not AuditEvent.objects.filter(action="grant.handover_due_recomputed").exists()


def test_the_command_records_a_notice_and_refuses_a_bad_one() -> None:
    call_command(
        "record_holiday_notice",
        "--year=2099",
        "--document-number=国办发明电〔2098〕7号",
        "--holiday=2099-01-01:2099-01-03",
        "--holiday=2099-05-01",
        "--working-day=2099-01-18",
        stdout=StringIO(),
    )
    with pytest.raises(CommandError, match=r"\[working_day_in_holiday\]"):
        call_command(
            "record_holiday_notice",
            "--year=2098",
            "--document-number=x",
            "--holiday=2098-01-01:2098-01-03",
            "--working-day=2098-01-03",
            stdout=StringIO(),
        )

    notice = HolidayNotice.objects.get()
    assert notice.year == 2099
    assert sorted(notice.days.values_list("day", flat=True)) == [
        D(2099, 1, 1),
        D(2099, 1, 2),
        D(2099, 1, 3),
        D(2099, 1, 18),
        D(2099, 5, 1),
    ]

"""The demo's stamping (``devolve.demo.stamping``): each history row and audit event carries the
day of the innermost step that wrote it, whichever way it was written (a save, a bulk insert, a
raw statement), and rows written outside every step keep the time they were written."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.events import record_event, record_events
from devolve.core.history import moment_of
from devolve.core.models import AuditEvent
from devolve.demo.stamping import stamped

D = datetime.date
OUTER, INNER, LATER = D(2025, 3, 6), D(2025, 4, 1), D(2026, 1, 20)

pytestmark = pytest.mark.django_db


def _user(username: str) -> User:
    return User.objects.create(username=username, role=User.Role.OFFICE)


def _dates(username: str) -> set[datetime.datetime]:
    return set(User.history.filter(username=username).values_list("history_date", flat=True))


def _event_dates(action: str) -> set[datetime.datetime]:
    return set(AuditEvent.objects.filter(action=action).values_list("occurred_at", flat=True))


def test_each_row_carries_the_day_of_the_innermost_step_that_wrote_it() -> None:
    before = timezone.now()
    with stamped(OUTER):
        first = _user("first")
        record_event(actor=SYSTEM, action="test.first", target=first)
        with stamped(INNER):
            second = _user("second")
            record_events(actor=SYSTEM, action="test.bulk", targets=[first, second])
            with stamped(LATER):
                pass  # a step that writes nothing
        _user("third")  # after the inner step: the outer day again
        with connection.cursor() as cursor:
            cursor.execute(
                "insert into core_auditevent (occurred_at, action, target_type, target_id, "
                "target_label, target_label_en, reason, details) "
                "values (%s, 'test.raw', 'accounts.User', '1', 'x', '', '', '{}')",
                [connection.ops.adapt_datetimefield_value(timezone.now())],
            )
    _user("fourth")

    assert _dates("first") == {moment_of(OUTER)}
    assert _event_dates("test.first") == {moment_of(OUTER)}
    assert _dates("second") == {moment_of(INNER)}
    assert _event_dates("test.bulk") == {moment_of(INNER)}
    assert _dates("third") == {moment_of(OUTER)}
    assert _event_dates("test.raw") == {moment_of(OUTER)}
    assert all(moment >= before for moment in _dates("fourth"))


def test_rows_of_the_forms_django_builds_are_dated_as_they_are_written() -> None:
    """A save and a bulk insert cost no statement more inside a step than outside it: the
    step's moment goes into their INSERT; only a statement of another form is dated by id after
    it runs (the raw insert above)."""
    first = _user("first")

    def steps(name: str) -> None:
        user = _user(name)
        record_event(actor=SYSTEM, action=f"test.{name}.one", target=user)
        record_events(actor=SYSTEM, action=f"test.{name}.many", targets=[first, user])

    with CaptureQueriesContext(connection) as unstamped:
        steps("outside")
    with CaptureQueriesContext(connection) as dated, stamped(OUTER):
        steps("inside")

    assert len(dated) == len(unstamped)
    assert _dates("inside") == {moment_of(OUTER)}
    assert _event_dates("test.inside.one") == {moment_of(OUTER)}
    assert _event_dates("test.inside.many") == {moment_of(OUTER)}
    assert moment_of(OUTER) not in _dates("outside")

"""Acting on many area reports at once: each through the single-report service, all or nothing,
every refusal reported against its report."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.bulk import BulkRefused
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.grants.models import Grant
from devolve.regions.tests.factories import prefecture
from devolve.reporting.models import ApprovalStep, AreaReport
from devolve.reporting.services import (
    BulkReportAction,
    act_on_area_reports,
    review_area_report,
    save_area_report,
    submit_area_report,
)
from devolve.reporting.tests.factories import Q2_OPEN, World, line

pytestmark = pytest.mark.django_db
TRACKED = (AreaReport, ApprovalStep, AuditEvent)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def zigong_users(world: World) -> tuple[User, User]:
    area = UserFactory(username="zigong-area", role=User.Role.PILOT_AREA, zone=world.other_zone)
    officer = UserFactory(
        username="zigong-officer", role=User.Role.PREFECTURE, prefecture=prefecture("510300")
    )
    return area, officer


def _submitted(world: World, zone_user: User, grant: Grant) -> AreaReport:
    assert zone_user.zone is not None
    report = world.area_report(world.q2, zone_user.zone)
    save_area_report(report=report, lines=[line(grant)], saved_by=zone_user, today=Q2_OPEN)
    return submit_area_report(report=report, submitted_by=zone_user, today=Q2_OPEN)


@pytest.fixture
def two_submitted(
    world: World, pilot_area_user: User, zigong_users: tuple[User, User]
) -> tuple[AreaReport, AreaReport]:
    return (
        _submitted(world, pilot_area_user, world.grant),
        _submitted(world, zigong_users[0], world.other_grant),
    )


def test_the_office_accepts_several_reviewed_reports_at_once(
    two_submitted: tuple[AreaReport, AreaReport],
    prefecture_user: User,
    zigong_users: tuple[User, User],
    office_user: User,
) -> None:
    chengdu, zigong = two_submitted
    review_area_report(report=chengdu, reviewed_by=prefecture_user, today=Q2_OPEN)
    review_area_report(report=zigong, reviewed_by=zigong_users[1], today=Q2_OPEN)

    done = act_on_area_reports(
        report_ids=[chengdu.pk, zigong.pk],
        action=BulkReportAction.ACCEPT,
        actor=office_user,
        today=Q2_OPEN,
    )

    assert done == 2
    assert set(AreaReport.objects.filter(status="accepted").values_list("pk", flat=True)) == {
        chengdu.pk,
        zigong.pk,
    }
    assert ApprovalStep.objects.filter(action="accepted", actor=office_user).count() == 2


def test_one_report_in_the_wrong_state_refuses_them_all(
    two_submitted: tuple[AreaReport, AreaReport], prefecture_user: User, office_user: User
) -> None:
    chengdu, zigong = two_submitted
    review_area_report(report=chengdu, reviewed_by=prefecture_user, today=Q2_OPEN)

    refused = assert_refused(
        "bulk_refused",
        lambda: act_on_area_reports(
            report_ids=[chengdu.pk, zigong.pk],
            action=BulkReportAction.ACCEPT,
            actor=office_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )

    assert isinstance(refused, BulkRefused)
    assert [(item.object_id, item.code) for item in refused.refusals] == [
        (str(zigong.pk), "illegal_transition")
    ]
    assert refused.refusals[0].label == str(zigong)


def test_a_prefecture_cannot_reach_another_prefectures_reports(
    two_submitted: tuple[AreaReport, AreaReport], prefecture_user: User
) -> None:
    chengdu, zigong = two_submitted

    refused = assert_refused(
        "bulk_refused",
        lambda: act_on_area_reports(
            report_ids=[chengdu.pk, zigong.pk, 999_999],
            action=BulkReportAction.REVIEW,
            actor=prefecture_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )

    assert isinstance(refused, BulkRefused)
    assert [(item.object_id, item.code) for item in refused.refusals] == [
        (str(zigong.pk), "not_found"),
        ("999999", "not_found"),
    ]


def test_a_prefecture_forwards_and_returns_with_one_reason(
    world: World, two_submitted: tuple[AreaReport, AreaReport], prefecture_user: User
) -> None:
    chengdu, _zigong = two_submitted

    act_on_area_reports(
        report_ids=[chengdu.pk],
        action=BulkReportAction.RETURN,
        actor=prefecture_user,
        reason="Counts differ from the platform",
        today=Q2_OPEN,
    )

    chengdu.refresh_from_db()
    assert (chengdu.status, chengdu.return_reason) == (
        "returned",
        "Counts differ from the platform",
    )


@pytest.mark.parametrize(
    ("action", "reason", "code"),
    [
        (BulkReportAction.RETURN, "  ", "reason_required"),
        (BulkReportAction.REVIEW, "", "nothing_chosen"),
    ],
)
def test_refusals_before_any_report(
    prefecture_user: User, action: BulkReportAction, reason: str, code: str, world: World
) -> None:
    assert_refused(
        code,
        lambda: act_on_area_reports(
            report_ids=[], action=action, actor=prefecture_user, reason=reason
        ),
        *TRACKED,
    )

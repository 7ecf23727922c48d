"""The demo's reports (``devolve.demo.sichuan_reporting``) on a small edition: made through the
services, marked illustrative, zero use where asked, returned-then-resubmitted where planned, and
left alone when run again."""

import pytest

from devolve.demo.seed import SeedReport
from devolve.demo.sichuan_reporting import seed_reports
from devolve.reporting.models import ApprovalStep, AreaReport, DepartmentReport, UsageLine
from devolve.reporting.tests.factories import World

pytestmark = pytest.mark.django_db


def test_demo_reports(world: World) -> None:
    zero_use = world.late_power.matter
    edition = AreaReport.objects.filter(cycle__annual_list=world.annual_list)
    # The world already has cycles; a second edition would need its own grants, so start over.
    ApprovalStep.objects.all().delete()
    edition.delete()
    DepartmentReport.objects.all().delete()
    world.annual_list.reporting_cycles.all().delete()

    report = SeedReport()
    seed_reports(report, annual_list=world.annual_list, zero_use_entry_codes=[zero_use.code])
    assert report.created["reporting_cycles"] == 4
    lines = UsageLine.objects.filter(report__cycle__annual_list=world.annual_list)
    assert lines.exists()
    assert set(lines.values_list("is_illustrative", flat=True)) == {True}
    zero = lines.filter(grant__entry=world.late_power)
    assert zero.exists()
    assert set(zero.values_list("cases_received", "cases_completed")) == {(0, 0)}
    assert (
        AreaReport.objects.filter(status="accepted").count()
        == report.created["area_reports_accepted"]
    )
    returned_then_fixed = ApprovalStep.objects.filter(
        action="returned", area_report__cycle__sequence=2
    )
    assert returned_then_fixed.count() == 1
    assert returned_then_fixed.get().area_report.status == "accepted"

    before = (AreaReport.objects.count(), UsageLine.objects.count(), ApprovalStep.objects.count())
    again = SeedReport()
    seed_reports(again, annual_list=world.annual_list)
    assert (again.created["reporting_cycles"], again.existing["reporting_cycles"]) == (0, 4)
    assert (
        AreaReport.objects.count(),
        UsageLine.objects.count(),
        ApprovalStep.objects.count(),
    ) == before

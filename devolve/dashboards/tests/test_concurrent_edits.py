"""Two people edit the same record in two browsers: the later save, made on the page as it was
before the first, is refused with what changed, and nothing of it is written."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.database import database_state
from devolve.matters.models import Department, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.reporting.models import AreaReport, UsageLine
from devolve.reporting.tests.factories import World, build_world

pytestmark = pytest.mark.django_db


def _english(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


def _opened(client: Client, url: str) -> str:
    """The version the edit page carries, as a browser would send it back."""
    page = client.get(url)
    assert page.status_code == 200
    return str(page.context["version_form"]["version"].value())


def _matter_form(matter: Matter, version: str, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": matter.code,
        "name_zh": matter.name_zh,
        "name_en": matter.name_en,
        "kind": matter.kind,
        "matter_type": matter.matter_type_id or "",
        "competent_department": matter.competent_department_id,
        "legal_basis": matter.legal_basis,
        "reason": "",
        "record-version": version,
    }
    values.update(changes)
    return values


@pytest.fixture
def justice_matter(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_zh="律师事务所设立审批")


def test_a_stale_matter_edit_is_refused_showing_who_changed_what(
    office_user: User, department_user: User, justice_matter: Matter
) -> None:
    office, department = Client(), Client()
    office.force_login(office_user)
    department.force_login(department_user)
    url = _english("matter_edit", pk=justice_matter.pk)
    office_version = _opened(office, url)
    department_version = _opened(department, url)

    first = department.post(
        url, _matter_form(justice_matter, department_version, name_zh="律师事务所设立许可")
    )
    assert first.status_code == 302
    before = database_state(Matter)

    second = office.post(
        url, _matter_form(justice_matter, office_version, legal_basis="《律师法》第十八条")
    )

    assert second.status_code == 200
    assert database_state(Matter) == before
    assert AuditEvent.objects.filter(action="matter.updated").count() == 1
    (error,) = second.context["form"].non_field_errors()
    assert error.startswith(f"{department_user.username} saved this record at ")
    assert "What changed: name (Chinese): “律师事务所设立审批” → “律师事务所设立许可”." in error
    assert "Your changes were not saved." in error
    # The page now carries the current version: saving again is a decision, and it goes through.
    current = str(second.context["version_form"]["version"].value())
    assert current != office_version
    again = office.post(
        url,
        _matter_form(
            justice_matter, current, name_zh="律师事务所设立许可", legal_basis="《律师法》第十八条"
        ),
    )
    assert again.status_code == 302
    justice_matter.refresh_from_db()
    assert (justice_matter.name_zh, justice_matter.legal_basis) == (
        "律师事务所设立许可",
        "《律师法》第十八条",
    )


def test_the_refusal_is_in_chinese_on_the_chinese_page(
    office_user: User, department_user: User, justice_matter: Matter
) -> None:
    office, department = Client(), Client()
    office.force_login(office_user)
    department.force_login(department_user)
    url = reverse("dashboards:matter_edit", kwargs={"pk": justice_matter.pk})
    office_version = _opened(office, url)
    department.post(
        url, _matter_form(justice_matter, _opened(department, url), name_zh="律师事务所设立许可")
    )

    second = office.post(url, _matter_form(justice_matter, office_version, name_en="Law firms"))

    (error,) = second.context["form"].non_field_errors()
    assert "您的修改未保存" in error


@pytest.fixture
def _in_quarter_2_entry() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC), tick=False):
        yield


def _report_form(world: World, version: str, received: str, completed: str) -> dict[str, str]:
    return {
        "record-version": version,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-grant_id": str(world.grant.pk),
        "lines-0-cases_received": received,
        "lines-0-cases_completed": completed,
        "lines-0-average_handling_days": "4.5",
        "lines-0-promised_limit_days": "10",
        "lines-0-problems": "",
        "lines-0-help_needed": "",
    }


@pytest.mark.usefixtures("_in_quarter_2_entry")
def test_a_stale_save_of_a_reports_lines_is_refused(
    pilot_area_user: User, justice: Department
) -> None:
    assert pilot_area_user.zone is not None
    world = build_world(zone=pilot_area_user.zone, department=justice)
    report = world.area_report(world.q2)
    url = _english("area_report_edit", pk=report.pk)
    one, two = Client(), Client()
    one.force_login(pilot_area_user)
    two.force_login(pilot_area_user)
    one_version, two_version = _opened(one, url), _opened(two, url)
    assert one.post(url, _report_form(world, one_version, "5", "4")).status_code == 302
    before = database_state(AreaReport, UsageLine)

    second = two.post(url, _report_form(world, two_version, "9", "9"))

    assert second.status_code == 200
    assert database_state(AreaReport, UsageLine) == before
    assert "usage lines changed" in second.context["error"]
    assert UsageLine.objects.get(report=report).cases_received == 5

"""The personas every test may act as (the root ``conftest.py`` gives each as a fixture), as plain
functions, so that a module-scoped fixture can build them once with the data it shares between
its tests (see ``devolve.core.testing.database.read_again``)."""

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.matters.models import Department
from devolve.matters.tests.factories import DepartmentFactory
from devolve.regions.tests.factories import ZoneFactory, prefecture


def justice() -> Department:
    return DepartmentFactory(
        code="justice", name_zh="四川省司法厅", name_en="Department of Justice"
    )


def finance() -> Department:
    return DepartmentFactory(
        code="finance", name_zh="四川省财政厅", name_en="Department of Finance"
    )


def office_user() -> User:
    return UserFactory(username="office", role=User.Role.OFFICE)


def department_user(justice: Department) -> User:
    return UserFactory(username="justice-officer", role=User.Role.DEPARTMENT, department=justice)


def other_department_user(finance: Department) -> User:
    return UserFactory(username="finance-officer", role=User.Role.DEPARTMENT, department=finance)


def prefecture_user() -> User:
    return UserFactory(
        username="chengdu-officer",
        role=User.Role.PREFECTURE,
        prefecture=prefecture("510100"),
        is_staff=False,
    )


def pilot_area_user() -> User:
    zone = ZoneFactory(slug="persona-zone")
    return UserFactory(
        username="zone-officer", role=User.Role.PILOT_AREA, zone=zone, is_staff=False
    )


def evaluator() -> User:
    return UserFactory(username="evaluator", role=User.Role.EVALUATOR, is_staff=False)


def auditor() -> User:
    return UserFactory(username="auditor", role=User.Role.AUDITOR)

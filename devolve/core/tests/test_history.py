"""Recent changes across models, newest first, with actor, reason and field-by-field changes.

Models come from the app registry: core sits below every domain app, so its tests do not import
them.
"""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.utils import translation

from devolve.core.history import ChangeRecord, FieldChange, list_recent_changes, mark_change

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T1, T2, T3, T4 = (datetime.datetime(2024, 1, day, 9, 30, tzinfo=SHANGHAI) for day in (1, 2, 3, 4))

Department = apps.get_model("matters", "Department")
Division = apps.get_model("regions", "Division")

FIRST_NAME, OFFICIAL_NAME = "Ecology", "Department of Ecology and Environment"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Labels, change types and "system" are translated; read them in English."""
    with translation.override("en"):
        yield


def _save(instance: Any, *, at: datetime.datetime, actor: Any, reason: str) -> None:
    with time_machine.travel(at, tick=False):
        mark_change(instance, actor=actor, reason=reason)
        instance.save()


@pytest.fixture
def story(office_user: Any) -> dict[str, Any]:
    """T1 the office adds a department; T2 renames it; T3 the system adds a county; T4 the
    office deletes the county."""
    department = Department(code="ecology", name_zh="生态环境厅", name_en=FIRST_NAME)
    _save(department, at=T1, actor=office_user, reason="added")
    department.name_en = OFFICIAL_NAME
    department.source = "机构改革方案"
    _save(department, at=T2, actor=office_user, reason="official name")
    county = Division(
        code="510104",
        level="county",
        name_zh="锦江区",
        name_en="Jinjiang",
        parent=Division.objects.get(code="510100"),
    )
    _save(county, at=T3, actor=None, reason="")
    county_id = county.pk
    with time_machine.travel(T4, tick=False):
        mark_change(county, actor=office_user, reason="merged")
        county.delete()
    return {"department": department, "county_id": county_id, "office": office_user}


def test_list_recent_changes_reads_newest_first_with_field_changes(story: dict[str, Any]) -> None:
    department, county_id = story["department"], story["county_id"]
    office = story["office"].get_username()

    changes = list_recent_changes(models_with_history=[Department, Division])

    assert changes == [
        ChangeRecord(
            changed_at=T4,
            actor=office,
            model=str(Division._meta.verbose_name),
            object_id=county_id,
            object_label="Jinjiang",
            change_type="deleted",
            reason="merged",
            changes=[],
        ),
        ChangeRecord(
            changed_at=T3,
            actor="system",
            model=str(Division._meta.verbose_name),
            object_id=county_id,
            object_label="Jinjiang",
            change_type="created",
            reason="",
            changes=[],
        ),
        ChangeRecord(
            changed_at=T2,
            actor=office,
            model=str(Department._meta.verbose_name),
            object_id=department.pk,
            object_label=OFFICIAL_NAME,
            change_type="changed",
            reason="official name",
            changes=[
                FieldChange(field="name_en", old=FIRST_NAME, new=OFFICIAL_NAME),
                FieldChange(field="source", old="", new="机构改革方案"),
            ],
        ),
        ChangeRecord(
            changed_at=T1,
            actor=office,
            model=str(Department._meta.verbose_name),
            object_id=department.pk,
            object_label=FIRST_NAME,
            change_type="created",
            reason="added",
            changes=[],
        ),
    ]


def test_list_recent_changes_keeps_only_the_newest(story: dict[str, Any]) -> None:
    changes = list_recent_changes(models_with_history=[Department, Division], limit=2)
    assert [(change.changed_at, change.change_type) for change in changes] == [
        (T4, "deleted"),
        (T3, "created"),
    ]


def test_list_recent_changes_of_one_object(story: dict[str, Any]) -> None:
    department = story["department"]
    changes = list_recent_changes(models_with_history=[Department], object_id=department.pk)
    assert [(change.changed_at, change.change_type, change.reason) for change in changes] == [
        (T2, "changed", "official name"),
        (T1, "created", "added"),
    ]


def test_list_recent_changes_of_a_model_without_changes(db: None) -> None:
    assert list_recent_changes(models_with_history=[Department, Division]) == []


def test_a_save_without_mark_change_is_attributed_to_the_system(db: None) -> None:
    with time_machine.travel(T1, tick=False):
        Department.objects.create(code="water", name_zh="水利厅", name_en="Water")
    (change,) = list_recent_changes(models_with_history=[Department])
    assert (change.changed_at, change.actor, change.reason) == (T1, "system", "")


def test_mark_change_ignores_an_unsaved_actor(db: None) -> None:
    User = apps.get_model("accounts", "User")
    department = Department(code="water", name_zh="水利厅", name_en="Water")
    mark_change(department, actor=User(username="ghost"), reason="seed")
    department.save()
    (change,) = list_recent_changes(models_with_history=[Department])
    assert (change.actor, change.reason) == ("system", "seed")


def test_list_recent_changes_makes_two_queries_per_model(
    story: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        changes = list_recent_changes(models_with_history=[Department, Division])
    assert len(changes) == 4

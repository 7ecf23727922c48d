"""``manage.py seed_demo``: the Sichuan demo loads completely, flags what was invented, and a second
run changes nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.demo import sichuan
from devolve.matters.models import Department, Matter
from devolve.regions.models import Batch, BatchMembership, Division, Zone

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [Batch, Zone, BatchMembership, Department, Matter, User]


def _counts() -> dict[str, int]:
    """Rows of every table the seed writes, history tables and audit events included."""
    counts = {model._meta.label: model.objects.count() for model in HISTORY_MODELS}
    counts.update(
        {f"{model._meta.label}.history": model.history.count() for model in HISTORY_MODELS}
    )
    counts["core.AuditEvent"] = AuditEvent.objects.count()
    return counts


def test_seed_demo_creates_the_sichuan_registry_catalogue_and_logins() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    assert Batch.objects.count() == 2
    assert Zone.objects.count() == 28
    assert BatchMembership.objects.count() == 18
    assert Department.objects.count() == 17
    assert Matter.objects.count() == 13
    assert User.objects.count() == len(sichuan.DEMO_USERS) == 8
    assert Zone.objects.count() == len(sichuan.ZONES)
    assert Department.objects.count() == len(sichuan.DEPARTMENTS)
    assert Matter.objects.count() == len(sichuan.MATTERS)


def test_seed_demo_writes_one_history_row_and_one_audit_event_per_record() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    for model in HISTORY_MODELS:
        history = model.history.all()
        assert history.count() == model.objects.count(), model._meta.label
        assert set(history.values_list("history_type", flat=True)) == {"+"}
    assert Counter(AuditEvent.objects.values_list("action", flat=True)) == {
        "batch.created": 2,
        "zone.registered": 28,
        "batch_membership.added": 18,
        "department.created": 17,
        "matter.created": 13,
        "user.created": 8,
    }
    assert not AuditEvent.objects.filter(actor__isnull=False).exists()


def test_seed_demo_gives_every_role_a_login_with_its_scope() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    users = {
        user.username: user
        for user in User.objects.select_related("department", "prefecture", "zone")
    }
    assert set(users) == {demo_user.username for demo_user in sichuan.DEMO_USERS}
    assert {user.role for user in users.values()} == set(User.Role.values)
    assert Counter(user.role for user in users.values()) == {
        User.Role.OFFICE: 2,  # four-eyes: one submits, the other approves and publishes
        User.Role.DEPARTMENT: 2,
        User.Role.PREFECTURE: 1,
        User.Role.PILOT_AREA: 1,
        User.Role.EVALUATOR: 1,
        User.Role.AUDITOR: 1,
    }
    scopes = {
        username: (
            user.department.code if user.department else None,
            user.prefecture.code if user.prefecture else None,
            user.zone.slug if user.zone else None,
        )
        for username, user in users.items()
    }
    assert scopes == {
        "office": (None, None, None),
        "office2": (None, None, None),
        "justice": ("justice", None, None),
        "finance": ("finance", None, None),
        "chengdu": (None, "510100", None),
        "tianfu": (None, None, "tianfu-new-area"),
        "evaluator": (None, None, None),
        "auditor": (None, None, None),
    }
    assert {name for name, user in users.items() if user.is_staff} == {
        "office",
        "office2",
        "justice",
        "finance",
        "auditor",
    }
    assert all(user.check_password(sichuan.DEMO_PASSWORD) for user in users.values())


def test_seed_demo_without_users_creates_no_logins() -> None:
    call_command("seed_demo", "--no-lists", "--no-users", stdout=StringIO())

    assert User.objects.count() == 0
    assert Zone.objects.count() == 28


def test_seed_demo_run_twice_creates_nothing_more() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())
    after_first = _counts()
    second_output = StringIO()

    call_command("seed_demo", "--no-lists", stdout=second_output)

    assert _counts() == after_first
    assert after_first["core.AuditEvent"] == 86
    report_lines = second_output.getvalue().splitlines()
    assert report_lines[:7] == [
        "batches: 0 created, 2 already there",
        "departments: 0 created, 17 already there",
        "matters: 0 created, 13 already there",
        "memberships: 0 created, 18 already there",
        "users: 0 created, 8 already there",
        "zones: 0 created, 28 already there",
        "",
    ]


def test_seed_demo_puts_each_pilot_area_in_the_batch_the_sources_name() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    expected = {(zone_fact.slug, zone_fact.batch) for zone_fact in sichuan.ZONES if zone_fact.batch}
    actual = set(BatchMembership.objects.values_list("zone__slug", "batch__number"))
    assert actual == expected
    assert Counter(number for _slug, number in actual) == {1: 9, 2: 9}
    for membership in BatchMembership.objects.select_related("batch"):
        assert membership.joined_on == membership.batch.starts_on
        assert membership.left_on is None
    non_pilots = {zone_fact.slug for zone_fact in sichuan.ZONES if zone_fact.batch is None}
    assert len(non_pilots) == 10
    assert not BatchMembership.objects.filter(zone__slug__in=non_pilots).exists()


def test_seed_demo_registers_each_zone_in_its_prefecture_with_its_kind_and_level() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    zones = {zone.slug: zone for zone in Zone.objects.select_related("prefecture")}
    for zone_fact in sichuan.ZONES:
        zone = zones[zone_fact.slug]
        assert (
            zone.name_zh,
            zone.name_en,
            zone.kind,
            zone.level,
            zone.prefecture.code,
            zone.established_on,
            zone.is_illustrative,
        ) == (
            zone_fact.name_zh,
            zone_fact.name_en,
            zone_fact.kind,
            zone_fact.level,
            zone_fact.prefecture_code,
            zone_fact.established_on,
            zone_fact.is_illustrative,
        ), zone_fact.slug
        assert zone.prefecture.level == Division.Level.PREFECTURE


def test_seed_demo_flags_invented_values_as_illustrative() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    first_batch = Batch.objects.get(number=1)
    assert first_batch.is_illustrative is True
    assert first_batch.approved_on is None
    assert first_batch.approving_meeting_zh == ""
    assert Batch.objects.get(number=2).is_illustrative is True
    assert BatchMembership.objects.filter(is_illustrative=False).count() == 0
    yaan = Zone.objects.get(slug="yaan-etdz")
    assert yaan.level == ""
    assert yaan.is_illustrative is False
    assert set(Zone.objects.filter(is_illustrative=True).values_list("slug", flat=True)) == {
        "panzhihua-high-tech-zone",
        "luzhou-high-tech-zone",
        "deyang-high-tech-zone",
        "neijiang-high-tech-zone",
    }
    assert set(Matter.objects.filter(is_illustrative=True).values_list("name_zh", flat=True)) == {
        matter_fact.name_zh for matter_fact in sichuan.MATTERS if matter_fact.is_illustrative
    }
    assert Matter.objects.filter(is_illustrative=True).count() == 5


def test_seed_demo_links_the_sub_item_to_its_main_item() -> None:
    call_command("seed_demo", "--no-lists", stdout=StringIO())

    sub_item = Matter.objects.get(name_zh="律师事务所分所设立审批")
    main_item = Matter.objects.get(name_zh="律师事务所及分所设立、变更、注销审批")
    assert sub_item.parent == main_item
    assert main_item.parent is None
    assert Matter.objects.filter(parent__isnull=False).count() == 1
    assert sub_item.competent_department.code == "justice"

"""``devolve facts``: the programme's shape printed from the database, as text or JSON."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devolve.core.actors import SYSTEM
from devolve.demo.testing import seeded_demo
from devolve.grants.services import publish_annual_list
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList
from devolve.matters.selectors import (
    get_department,
    get_matter_by_name,
    list_authorization_modes,
)
from devolve.portal.facts import annual_list_facts
from devolve.portal.tests.list_fixtures import build_correction, build_list_cycle
from devolve.regions.models import BatchMembership
from devolve.regions.selectors import get_batch, get_zone
from devolve.regions.services import end_membership

pytestmark = pytest.mark.django_db

# A day after both demo batches started (batch 2 starts on 2 Dec 2024); noon avoids any question of
# which calendar day it is in Asia/Shanghai.
TODAY = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)
DEVOLVE_SCRIPT = Path(sys.executable).with_name("devolve")


@pytest.fixture
def sichuan_demo(db: None) -> None:
    seeded_demo(with_users=False)


def _facts(*args: str) -> dict[str, Any]:
    buffer = StringIO()
    call_command("facts", "--json", *args, stdout=buffer)
    return json.loads(buffer.getvalue())


@time_machine.travel(TODAY, tick=False)
def test_facts_json_reports_the_sichuan_programme_shape(sichuan_demo: None) -> None:
    facts = _facts()

    assert facts["on"] == "2025-06-01"
    assert facts["batches"] == 2
    assert facts["pilot_areas"] == 18
    assert facts["pilot_areas_per_batch"] == {"1": 9, "2": 9}
    assert facts["prefectures_covered"] == 14
    assert facts["new_areas_included"] == "5/5"
    per_prefecture = facts["areas_per_prefecture"]
    assert {code: per_prefecture[code] for code in ("510100", "510700", "511500")} == {
        "510100": 3,
        "510700": 2,
        "511500": 2,
    }
    assert len(per_prefecture) == 14
    assert sum(per_prefecture.values()) == 18
    assert list(per_prefecture.values()) == [3, 2, 2] + [1] * 11
    assert facts["by_level"] == {"national": 9, "provincial": 8, "unconfirmed": 1}
    assert facts["by_kind"] == {
        "etdz": 6,
        "high_tech_zone": 6,
        "industrial_park": 1,
        "new_area": 5,
    }


def test_facts_json_on_a_date_in_2024_counts_only_the_first_batch(sichuan_demo: None) -> None:
    facts = _facts("--on", "2024-06-01")

    assert facts["on"] == "2024-06-01"
    assert facts["batches"] == 1
    assert facts["pilot_areas"] == 9
    assert facts["pilot_areas_per_batch"] == {"1": 9}
    assert facts["prefectures_covered"] == 8
    assert facts["areas_per_prefecture"]["510100"] == 2
    assert sum(facts["areas_per_prefecture"].values()) == 9
    assert facts["new_areas_included"] == "5/5"


def test_facts_before_the_reform_began_reports_no_pilot_areas(sichuan_demo: None) -> None:
    facts = _facts("--on", "2022-12-31")

    assert facts["batches"] == 0
    assert facts["pilot_areas"] == 0
    assert facts["prefectures_covered"] == 0
    assert facts["areas_per_prefecture"] == {}
    assert facts["new_areas_included"] == "0/5"


@time_machine.travel(TODAY, tick=False)
def test_facts_text_prints_one_line_per_figure(sichuan_demo: None) -> None:
    buffer = StringIO()

    call_command("facts", stdout=buffer)

    lines = buffer.getvalue().splitlines()
    assert lines[:4] == [
        "on: 2025-06-01",
        "batches: 2",
        "pilot_areas: 18",
        "pilot_areas_per_batch: {'1': 9, '2': 9}",
    ]
    assert "new_areas_included: 5/5" in lines


@pytest.mark.parametrize("value", ["x", "2024-13-01", "01/06/2024", "2024-06"])
def test_facts_with_a_malformed_on_date_raises_command_error(value: str) -> None:
    with pytest.raises(CommandError, match="--on expects a date as YYYY-MM-DD"):
        call_command("facts", "--json", "--on", value, stdout=StringIO())


def test_devolve_console_script_exits_non_zero_on_a_malformed_on_date() -> None:
    assert DEVOLVE_SCRIPT.exists(), f"{DEVOLVE_SCRIPT} is missing; run `make setup`"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    result = subprocess.run(  # noqa: S603 - fixed arguments, our own console script
        [str(DEVOLVE_SCRIPT), "facts", "--on", "x"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "--on expects a date as YYYY-MM-DD, not 'x'." in result.stderr
    assert result.stdout == ""


@time_machine.travel(TODAY, tick=False)
def test_facts_follow_the_registry_when_a_pilot_area_leaves(sichuan_demo: None) -> None:
    membership = BatchMembership.objects.get(zone__slug="yibin-high-tech-park", batch__number=2)
    before = _facts()

    end_membership(
        membership=membership,
        left_on=datetime.date(2025, 5, 1),
        ended_by=SYSTEM,
        reason="Withdrawn from the pilot (test).",
    )

    after = _facts()
    assert before["pilot_areas"] == 18
    assert after["pilot_areas"] == 17
    assert after["pilot_areas_per_batch"] == {"1": 9, "2": 8}
    assert after["areas_per_prefecture"]["511500"] == 1
    assert after["prefectures_covered"] == 14
    assert _facts("--on", "2025-04-30")["pilot_areas"] == 18


def _publish_small_list(*, year: int, published_on: datetime.date) -> AnnualList:
    """A 3-entry edition of batch 1 built from the demo catalogue: 2 powers and 1 support matter."""
    batch = get_batch(number=1)
    justice = get_department(code="justice")
    science = get_department(code="science-technology")
    finance = get_department(code="finance")
    modes = {mode.code: mode for mode in list_authorization_modes()}
    annual_list = list_services.create_annual_list(year=year, batch=batch, created_by=SYSTEM)
    for department, name_zh, mode, areas in (
        (justice, "律师事务所及分所设立、变更、注销审批", "delegate", ["tianfu-new-area"]),
        (science, "科技型中小企业评价（入库）确认", "entrust", ["tianfu-new-area", "deyang-etdz"]),
        (finance, "财税管理体制创新支持", "support", None),
    ):
        list_services.add_list_entry(
            annual_list=annual_list,
            matter=get_matter_by_name(department=department, name_zh=name_zh),
            mode=modes[mode],
            granting_department=department,
            receiving_areas=[get_zone(slug=slug) for slug in areas] if areas else None,
            added_by=SYSTEM,
        )
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=SYSTEM)
    list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=SYSTEM,
        approved_on=published_on,
        document_number=f"川改办〔{year}〕1号",
    )
    publish_annual_list(annual_list=annual_list, published_on=published_on, published_by=SYSTEM)
    return annual_list


def test_facts_json_counts_the_published_lists_and_their_grants(sichuan_demo: None) -> None:
    published = _publish_small_list(year=2024, published_on=datetime.date(2024, 3, 8))
    list_services.derive_annual_list(predecessor=published, year=2025, created_by=SYSTEM)

    facts = _facts("--on", "2024-06-01")

    assert facts["lists"] == {"2024/batch-1": {"entries": 3, "powers": 2, "support": 1}}
    # Delegation awaits its date, entrustment its agreement; support runs from publication.
    assert facts["grants"] == {
        "2024/batch-1": {"awaiting_agreement": 2, "awaiting_effect": 1, "effective": 9}
    }


def test_facts_leave_out_lists_published_after_the_day_asked(sichuan_demo: None) -> None:
    _publish_small_list(year=2024, published_on=datetime.date(2024, 3, 8))

    assert _facts("--on", "2024-03-07")["lists"] == {}
    assert _facts("--on", "2024-03-08")["lists"] == {
        "2024/batch-1": {"entries": 3, "powers": 2, "support": 1}
    }


def test_facts_without_lists_report_empty_blocks(sichuan_demo: None) -> None:
    facts = _facts("--on", "2025-06-01")

    assert (facts["lists"], facts["grants"]) == ({}, {})


def test_list_facts_do_not_query_per_edition() -> None:
    cycle = build_list_cycle()
    on = datetime.date(2030, 1, 1)
    with CaptureQueriesContext(connection) as two_editions:
        annual_list_facts(on=on)
    build_correction(cycle)
    with CaptureQueriesContext(connection) as three_editions:
        facts = annual_list_facts(on=on)

    assert list(facts["lists"]) == ["2023/batch-1", "2024/batch-1", "2024/batch-1/e2"]
    assert len(three_editions) == len(two_editions)

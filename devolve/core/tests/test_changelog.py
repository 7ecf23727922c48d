"""The change log: audit events and row history in one list, newest first, with actor, reason and
field-by-field changes; filtered in SQL; a page costs the same queries however long the log.

Models come from the app registry: core sits below every domain app, so its tests do not import
them.
"""

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.utils import translation

from devolve.core.actions import system_text
from devolve.core.changelog import (
    HISTORY_ACTIONS,
    Change,
    ChangeCriteria,
    ChangeLog,
    ChangePosition,
    FieldChange,
    _shown,
    changes_from,
    describe_changes,
    estimated_count,
    list_changes,
    list_events_for,
    models_with_history,
)
from devolve.core.events import record_event
from devolve.core.history import mark_change
from devolve.core.models import AuditEvent
from devolve.core.testing.plans import national_plans

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


TYPES = ("matters.Department", "regions.Division")


def _changes(**criteria: Any) -> list[Change]:
    return list(ChangeLog(ChangeCriteria(object_types=TYPES, **criteria)))


def test_the_log_reads_newest_first_with_field_changes(story: dict[str, Any]) -> None:
    department, county_id = story["department"], story["county_id"]
    office = story["office"].get_username()
    division = str(Division._meta.verbose_name).capitalize()
    department_type = str(Department._meta.verbose_name).capitalize()
    english_name, source = (
        str(Department._meta.get_field(name).verbose_name) for name in ("name_en", "source")
    )

    changes = _changes()

    assert [
        (c.changed_at, c.actor, c.object_type_label, c.object_id, c.object_label, c.action_label,
         c.reason, c.fields)
        for c in changes
    ] == [
        (T4, office, division, str(county_id), "Jinjiang", "record deleted", "merged", []),
        (T3, "system", division, str(county_id), "Jinjiang", "record created", "", []),
        (T2, office, department_type, str(department.pk), OFFICIAL_NAME, "record changed",
         "official name", [FieldChange(english_name, FIRST_NAME, OFFICIAL_NAME),
                           FieldChange(source, "—", "机构改革方案")]),
        (T1, office, department_type, str(department.pk), FIRST_NAME, "record created", "added",
         []),
    ]  # fmt: skip


def test_a_page_of_the_log_is_a_slice(story: dict[str, Any]) -> None:
    log = ChangeLog(ChangeCriteria(object_types=TYPES))
    assert len(log) == 4
    assert [(change.changed_at, change.action) for change in log[:2]] == [(T4, "-"), (T3, "+")]


def test_the_log_of_one_object(story: dict[str, Any]) -> None:
    department = story["department"]
    changes = _changes(object_type="matters.Department", object_id=str(department.pk))
    assert [(change.changed_at, change.action, change.reason) for change in changes] == [
        (T2, "~", "official name"),
        (T1, "+", "added"),
    ]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"action": "deleted"}, [T4]),
        ({"action": "created"}, [T3, T1]),
        ({"reason": "OFFICIAL"}, [T2]),
        ({"changed_from": datetime.date(2024, 1, 2), "changed_to": datetime.date(2024, 1, 3)},
         [T3, T2]),
        ({"object_type": "regions.Division"}, [T4, T3]),
        ({"object_id": "not-a-number"}, []),
        ({"action": "department.renamed"}, []),
    ],
)  # fmt: skip
def test_the_log_filters_in_sql(
    story: dict[str, Any], criteria: dict[str, Any], expected: list[datetime.datetime]
) -> None:
    assert [change.changed_at for change in _changes(**criteria)] == expected


def test_the_log_filters_by_actor(story: dict[str, Any]) -> None:
    changes = _changes(actor=story["office"].pk)
    assert [change.changed_at for change in changes] == [T4, T2, T1]


def test_audit_events_and_history_interleave(story: dict[str, Any]) -> None:
    department = story["department"]
    with time_machine.travel(T2 + datetime.timedelta(hours=1), tick=False):
        event = record_event(
            actor=story["office"], action="department.renamed", target=department, reason="why"
        )

    changes = _changes()
    assert [(change.source, change.changed_at) for change in changes][2:4] == [
        ("event", event.occurred_at),
        ("history", T2),
    ]
    assert changes[2].object_label == str(department)
    assert _changes(action="department.renamed")[0].reason == "why"


def test_a_model_without_changes_gives_an_empty_log(db: None) -> None:
    assert _changes() == []


def test_a_save_without_mark_change_is_attributed_to_the_system(db: None) -> None:
    with time_machine.travel(T1, tick=False):
        Department.objects.create(code="water", name_zh="水利厅", name_en="Water")
    (change,) = _changes()
    assert (change.changed_at, change.actor, change.reason) == (T1, "system", "")


def test_mark_change_ignores_an_unsaved_actor(db: None) -> None:
    User = apps.get_model("accounts", "User")
    department = Department(code="water", name_zh="水利厅", name_en="Water")
    mark_change(department, actor=User(username="ghost"), reason="seed")
    department.save()
    (change,) = _changes()
    assert (change.actor, change.reason) == ("system", "seed")


@pytest.mark.parametrize("versions", [1, 2, 8])
def test_a_page_costs_the_same_queries_however_long_the_log(
    story: dict[str, Any],
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
    versions: int,
) -> None:
    """Thirty departments, each saved ``versions`` times: a page of 25 changes reads the same
    queries, and each record's one earlier version (not every version of its object)."""
    departments = [
        Department.objects.create(code=f"extra-{number}", name_zh=f"厅{number}", name_en="x")
        for number in range(30)
    ]
    for version in range(1, versions):
        for department in departments:
            department.name_en = f"x{version}"
            department.save()
    history = Department.history.model
    read: list[int] = []
    original_init = history.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        read.append(1)

    # One to count, one for the page, per model on the page one for its records and, when some
    # are changes, one for their earlier versions (no actor on these rows); one for the made-up
    # records of the department model, the only one with such a flag.
    monkeypatch.setattr(history, "__init__", counted)
    with django_assert_num_queries(4 if versions == 1 else 5):
        log = ChangeLog(ChangeCriteria(object_types=TYPES))
        assert len(log) == 30 * versions + 4
        page = log[:25]
    assert len(page) == 25
    assert len(read) <= 2 * 25
    if versions > 1:
        before, after = ("x" if versions == 2 else f"x{versions - 2}"), f"x{versions - 1}"
        assert {(change.fields[0].old, change.fields[0].new) for change in page} == {
            (before, after)
        }
    assert describe_changes([]) == []


def test_the_events_of_some_records_oldest_first(story: dict[str, Any]) -> None:
    department = story["department"]
    county = Division.objects.get(code="510100")
    with time_machine.travel(T1, tick=False):
        first = record_event(actor=story["office"], action="a.first", target=department)
    with time_machine.travel(T2, tick=False):
        second = record_event(actor=None, action="a.second", target=county)
        record_event(actor=None, action="a.other", target=Division.objects.get(code="510000"))

    assert list_events_for([county, department]) == [first, second]
    assert list_events_for([]) == []


def test_a_table_page_reads_only_that_page(
    story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table pages the log through slices; reading it whole (iterating) is for downloads."""
    from devolve.core.tables import ChangeTable

    expected = _changes()
    log = ChangeLog(ChangeCriteria(object_types=TYPES))
    monkeypatch.setattr(ChangeLog, "__iter__", _refuse_iteration)
    table = ChangeTable(log)
    table.paginate(page=1, per_page=2)

    assert [row.record for row in table.page.object_list] == expected[:2]
    assert table.page.paginator.count == len(expected) > 2


def _refuse_iteration(self: ChangeLog) -> Any:
    raise AssertionError("the whole change log was read")


def test_values_read_as_names_not_codes_ids_or_booleans(office_user: Any) -> None:
    """A boolean reads yes or no, a choice its label (issue 13.6)."""
    department = Department(code="ecology", name_zh="生态环境厅", name_en=FIRST_NAME)
    _save(department, at=T1, actor=office_user, reason="added")
    department.is_illustrative = True
    _save(department, at=T2, actor=office_user, reason="marked")

    marked = _changes(object_type="matters.Department")[0]

    illustrative = str(Department._meta.get_field("is_illustrative").verbose_name)
    assert marked.fields == [FieldChange(illustrative, "No", "Yes")]
    assert _shown("county", Division._meta.get_field("level")) == str(
        dict(Division._meta.get_field("level").flatchoices)["county"]
    )
    assert _shown(Division.objects.get(code="510100")) == str(Division.objects.get(code="510100"))


Batch = apps.get_model("regions", "Batch")
CROWDED_TYPES = (*TYPES, Batch._meta.label)


@pytest.fixture
def crowded(db: None) -> ChangeCriteria:
    """Changes of three tables and audit events, most written at one of two moments (as a bulk
    write dates its rows), so that times tie within a table and across tables."""
    with time_machine.travel(T1, tick=False):
        departments = [
            Department.objects.create(code=f"d{number}", name_zh=f"厅{number}", name_en="x")
            for number in range(7)
        ]
        batches = [
            Batch.objects.create(number=number, starts_on=datetime.date(2024, 1, number))
            for number in range(1, 5)
        ]
        for department in departments[:3]:
            record_event(actor=None, action="department.checked", target=department)
    with time_machine.travel(T2, tick=False):
        for department in departments[2:]:
            department.name_en = "y"
            department.save()
        for batch in batches[:2]:
            record_event(actor=None, action="batch.checked", target=batch)
            batch.delete()
    return ChangeCriteria(object_types=CROWDED_TYPES)


def _walk(criteria: ChangeCriteria, *, size: int, newest_first: bool = True) -> list[Any]:
    """Every change, read ``size`` at a time, each page after the last change of the one
    before."""
    log, walked, position = ChangeLog(criteria), [], None
    while rows := log.page_after(position, limit=size, newest_first=newest_first):
        assert len(rows) <= size
        walked += [ChangePosition.of(row) for row in rows]
        position = walked[-1]
    return walked


@pytest.mark.parametrize("size", [1, 3, 50])
def test_pages_by_key_read_the_log_once_in_its_order(crowded: ChangeCriteria, size: int) -> None:
    """Read a page at a time after the last change of the page before, forwards or back, the
    log comes whole, in its order, each change once, though most changes share one of two
    times, within a table and across tables."""
    whole = [ChangePosition.of(row) for row in list_changes(crowded)]

    forwards = _walk(crowded, size=size)
    backwards = _walk(crowded, size=size, newest_first=False)

    assert len(whole) == 7 + 5 + 4 + 2 + 3 + 2 == len(set(whole))
    assert len({position.changed_at for position in whole}) == 2
    assert forwards == whole
    assert backwards == whole[::-1]


def test_a_page_by_key_continues_from_a_position_between_changes(
    crowded: ChangeCriteria,
) -> None:
    """A page may start at any time (a client's own bookmark): it holds the changes at that
    time in the parts after the position's, then the earlier ones."""
    whole = [ChangePosition.of(row) for row in list_changes(crowded)]
    department_part = 1 + [model._meta.label for model in models_with_history()].index(
        Department._meta.label
    )
    between = ChangePosition(T2, department_part, 0)

    page = [ChangePosition.of(row) for row in changes_from(crowded, after=between, limit=100)]

    assert page == [
        position
        for position in whole
        if (position.changed_at, position.part) < (T2, department_part)
    ]
    assert page[0].changed_at == T2
    assert AuditEvent.objects.exists()


def test_a_slice_of_the_log_matches_its_order(crowded: ChangeCriteria) -> None:
    whole = [ChangePosition.of(row) for row in list_changes(crowded)]

    assert [ChangePosition.of(row) for row in changes_from(crowded, offset=4, limit=9)] == whole[
        4:13
    ]
    assert [(change.changed_at, change.record_id) for change in ChangeLog(crowded)[4:13]] == [
        (position.changed_at, position.record_id) for position in whole[4:13]
    ]


def _change_log_tables() -> list[str]:
    return [AuditEvent._meta.db_table] + [
        model.history.model._meta.db_table for model in models_with_history()
    ]


NATIONAL_HISTORY_ROWS = 2_000_000


def _national_plan(sql: str, parameters: Any) -> tuple[str, set[str]]:
    """The plan of ``sql`` with every table of the log that holds rows as large as a national
    set's history (``national_plans``: rows the test tables lack would make reading a whole
    table cheap); and those tables."""
    (plan,), holding = national_plans(
        [(sql, parameters)],
        rows=dict.fromkeys(_change_log_tables(), NATIONAL_HISTORY_ROWS),
    )
    return plan, holding


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    "criteria",
    [
        {},
        {"changed_from": datetime.date(2024, 1, 1), "changed_to": datetime.date(2024, 1, 2)},
        {"object_type": "matters.Department"},
    ],
)
@pytest.mark.parametrize("deep", [False, True])
def test_a_page_reads_each_table_from_its_index_in_the_logs_order(
    crowded: ChangeCriteria, criteria: dict[str, Any], deep: bool
) -> None:
    """With every table of the log that holds rows as large as on a national set, a page (the
    first, or one after a position deep in the log; unfiltered, by date or by type) reads each
    table backwards along its index on (time, id), from where the page starts, and stops after
    a page's rows: no such table is read whole or sorted, only the union of at most a page from
    each table. An index on the time alone would sort every row that shares a time; a condition
    on the date of the time (``__date``) would read every row."""
    after = ChangePosition(T2, 3, 1_000) if deep else None
    rows = changes_from(ChangeCriteria(**criteria), after=after, limit=51)
    sql, parameters = rows.query.sql_with_params()

    plan, holding = _national_plan(sql, parameters)

    lines = [line.strip().removeprefix("->").strip() for line in plan.splitlines()]
    scans = {
        line.split(" on ")[1].split()[0]: line
        for line in lines
        if " Scan " in line and " on " in line and not line.startswith("Subquery Scan")
    }
    expected = set(_change_log_tables())
    if "object_type" in criteria:
        expected = {AuditEvent._meta.db_table, Department.history.model._meta.db_table}
    assert set(scans) == expected, plan
    assert {AuditEvent._meta.db_table, Department.history.model._meta.db_table} <= holding
    for table in holding & expected:
        index = "audit_event_order_idx" if table == AuditEvent._meta.db_table else "_history_"
        used = scans[table].removeprefix("Index Scan Backward using ").split(" on ")[0]
        assert scans[table].startswith("Index Scan Backward using "), plan
        assert index in used, plan
        assert used.endswith("_idx"), plan
    # Each part sorts (a table without rows) or reads in order, and then stops; the parts'
    # pages are merged or sorted once.
    part_sorts = {
        key.removeprefix("Sort Key: ").split(".")[0]
        for line, key in itertools.pairwise(lines)
        if line.startswith("Sort  (") and "(" not in key
    }
    assert not part_sorts & holding, plan
    assert sum(line.startswith("Limit ") for line in lines) == len(scans) + 1, plan
    if deep or criteria.get("changed_to"):
        for table in holding & expected:
            condition = lines[lines.index(scans[table]) + 1]
            assert condition.startswith("Index Cond:"), plan
            from_a_date = "changed_from" in criteria
            assert ("_date >= " in condition or "_at >= " in condition) is from_a_date, plan


def _scans(plan: str) -> tuple[list[str], dict[str, str]]:
    """The plan's lines, and each table's scan line by table."""
    lines = [line.strip().removeprefix("->").strip() for line in plan.splitlines()]
    scans = {
        line.split(" on ")[1].split()[0]: line
        for line in lines
        if " Scan " in line and " on " in line and not line.startswith("Subquery Scan")
    }
    return lines, scans


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    ("criteria", "column"),
    [({"action": "deleted"}, "history_type"), ({"actor": 1}, "history_user_id")],
)
@pytest.mark.parametrize("deep", [False, True])
def test_a_filtered_page_reads_each_history_table_from_the_filters_index(
    crowded: ChangeCriteria, criteria: dict[str, Any], column: str, deep: bool
) -> None:
    """Filtered by a kind of change or an actor, a page reads each history table backwards
    along its index on (the filter's column, time, id) from where the page starts, the filter
    a condition of the index: it stops after a page's matching rows, however rarely the filter
    matches. Along the index on (time, id) alone it would read, newest first, every row of a
    table in which the filter matches fewer than a page's rows (5 s for ``deleted`` on the
    national set, ADR 0073)."""
    after = ChangePosition(T2, 3, 1_000) if deep else None
    rows = changes_from(ChangeCriteria(**criteria), after=after, limit=51)
    sql, parameters = rows.query.sql_with_params()

    plan, holding = _national_plan(sql, parameters)

    lines, scans = _scans(plan)
    history = set(_change_log_tables()) - {AuditEvent._meta.db_table}
    assert history <= set(scans), plan
    rare = _rarely_matching(holding & history, column, criteria)
    # The batches' history is a third deletions here (two of six rows), which the statistics
    # carry to the national row count: the planner rightly reads it along (time, id) with the
    # filter. On a national set deletions are rare, as in every other table here.
    assert Department.history.model._meta.db_table in rare
    for table in rare:
        assert scans[table].startswith("Index Scan Backward using "), plan
        condition = lines[lines.index(scans[table]) + 1]
        assert condition.startswith("Index Cond:"), plan
        assert f"{column} = " in condition.replace(")::text", ""), plan  # varchar as text
        assert ("_date <= " in condition or "_date < " in condition) is deep, plan
    assert sum(line.startswith("Limit ") for line in lines) == len(scans) + 1, plan


def _rarely_matching(tables: set[str], column: str, criteria: dict[str, Any]) -> set[str]:
    """The tables among ``tables`` in which the filter matches fewer than one row in a hundred."""
    value = HISTORY_ACTIONS[criteria["action"]] if "action" in criteria else criteria["actor"]
    rare = set()
    with connection.cursor() as cursor:
        for table in tables:
            name, field = connection.ops.quote_name(table), connection.ops.quote_name(column)
            cursor.execute(
                f"SELECT count(*) FILTER (WHERE {field} = %s), count(*) FROM {name}",  # noqa: S608
                [value],
            )
            matching, total = cursor.fetchone()
            if matching * 100 < total:
                rare.add(table)
    return rare


def test_the_log_is_counted_exactly_unless_an_estimate_is_asked_for(db: None) -> None:
    exact = list_changes(ChangeCriteria()).count()

    counted = ChangeLog(ChangeCriteria())
    bounded = ChangeLog(ChangeCriteria(), estimate_above=10**9)

    assert (len(counted), counted.is_estimate) == (exact, False)
    assert (len(bounded), bounded.is_estimate) == (exact, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_log_longer_than_the_limit_is_counted_by_the_planners_estimate(db: None) -> None:
    log = ChangeLog(ChangeCriteria(), estimate_above=0)

    assert len(log) == estimated_count(list_changes(ChangeCriteria()))
    assert log.is_estimate is True


def test_only_postgresql_estimates(db: None) -> None:
    rows = list_changes(ChangeCriteria())

    assert (estimated_count(rows) is None) is (connection.vendor != "postgresql")


def test_a_record_made_up_for_the_demo_is_flagged_in_the_log(db: None) -> None:
    batch = apps.get_model("regions", "Batch")
    invented = batch(number=7, starts_on=datetime.date(2024, 12, 2), is_illustrative=True)
    real = batch(number=8, starts_on=datetime.date(2025, 1, 1))
    for record in (invented, real):
        _save(record, at=T1, actor=None, reason="added")
    department = Department(code="ecology", name_zh="生态环境厅", name_en=FIRST_NAME)
    _save(department, at=T2, actor=None, reason="added")
    record_event(actor=None, action="batch.checked", target=invented, reason="checked")
    types = [batch._meta.label, Department._meta.label]

    changes = ChangeLog(ChangeCriteria(object_types=types))

    assert {
        (change.object_type, change.object_id, change.source): change.is_invented
        for change in changes
    } == {
        (batch._meta.label, str(invented.pk), "history"): True,
        (batch._meta.label, str(real.pk), "history"): False,
        (Department._meta.label, str(department.pk), "history"): False,
        (batch._meta.label, str(invented.pk), "event"): True,
    }


def test_an_event_names_its_target_in_the_readers_language_as_named_that_day(db: None) -> None:
    """Recorded from an English page, an event still names its target in Chinese to a Chinese
    reader, and keeps the name it had when a later rename changes the record."""
    department = Department.objects.create(code="ecology", name_zh="生态环境厅", name_en=FIRST_NAME)
    event = record_event(actor=None, action="department.created", target=department)  # English
    department.name_zh, department.name_en = "生态环境厅（新）", OFFICIAL_NAME
    department.save()

    with translation.override("zh-hans"):
        label = _changes(action="department.created")[0].object_label
        assert (event.target_text, label) == ("生态环境厅", "生态环境厅")
    label = _changes(action="department.created")[0].object_label
    assert (event.target_text, label) == (FIRST_NAME, FIRST_NAME)


def test_an_event_recorded_before_both_names_were_kept_shows_its_one_name(db: None) -> None:
    department = Department.objects.create(code="ecology", name_zh="生态环境厅", name_en=FIRST_NAME)
    event = record_event(actor=None, action="department.created", target=department)
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditEvent.objects.filter(pk=event.pk).update(target_label="生态环境厅", target_label_en="")
    event.refresh_from_db()
    label = _changes(action="department.created")[0].object_label
    assert (event.target_text, label) == ("生态环境厅", "生态环境厅")


@pytest.fixture
def reasons(office_user: Any) -> dict[str, datetime.datetime]:
    """T1 the system enters figures (a stored sentence); T2 someone types a reason; T3 an event
    carries a stored sentence; T4 a record is saved without a reason."""
    department = Department(code="ecology", name_zh="生态环境厅", name_en=FIRST_NAME)
    _save(department, at=T1, actor=None, reason=system_text("reporting.figures_entered"))
    department.name_en = OFFICIAL_NAME
    _save(department, at=T2, actor=office_user, reason="按机构改革方案更名 (renamed)")
    with time_machine.travel(T3, tick=False):
        record_event(
            actor=None,
            action="department.checked",
            target=department,
            reason=system_text("reporting.cycles_generated"),
        )
    department.source = "机构改革方案"
    _save(department, at=T4, actor=None, reason="")
    return {"stored": T1, "typed": T2, "event": T3, "none": T4}


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("FIGURES entered", ["stored"]),  # the sentence's English words, case aside
        ("已填写", ["stored"]),  # its Chinese words
        ("reporting.figures", ["stored"]),  # its code
        ("cycles set up", ["event"]),  # an event's stored sentence
        ("机构改革", ["typed"]),  # typed text, as typed
        ("RENAMED", ["typed"]),
        ("reporting", ["event", "stored"]),  # both codes start so
        # The stored form's JSON is not text a reader sees: it matches nothing.
        ("params", []),
        ('{"code"', []),
        ('figures_entered"', []),
        ("%", []),  # a wildcard of LIKE is a character like any other
    ],
)
def test_the_reason_filter_matches_the_words_a_reader_sees(
    reasons: dict[str, datetime.datetime], words: str, expected: list[str]
) -> None:
    times = {moment: name for name, moment in reasons.items()}

    changes = _changes(reason=words)

    assert sorted(times[change.changed_at] for change in changes) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    ("words", "indexes"),
    [
        # A sentence the system writes: its code's index, and the typed reasons' index.
        ("figures entered", ("hist_reason_", "_typed_reason")),
        # Words no sentence has: only the typed reasons' index.
        ("改名的理由", ("_typed_reason",)),
    ],
)
def test_the_reason_filter_reads_each_history_table_from_its_reason_indexes(
    crowded: ChangeCriteria, words: str, indexes: tuple[str, ...]
) -> None:
    """Filtered by a reason's words, a page reads each history table that holds rows as large
    as a national set's through the index of its reasons' codes and the trigram index of its
    typed reasons (ADR 0080): along the index on (time, id) alone it would read every row of a
    table in which no reason reads so (7.3 s on the national set, ADR 0078)."""
    rows = changes_from(ChangeCriteria(reason=words), limit=51)
    sql, parameters = rows.query.sql_with_params()

    plan, holding = _national_plan(sql, parameters)

    lines, scans = _scans(plan)
    history = holding - {AuditEvent._meta.db_table}
    assert Department.history.model._meta.db_table in history
    for table in history:
        assert scans[table].startswith("Bitmap Heap Scan on "), plan
        start = lines.index(scans[table])
        used = [
            line.removeprefix("Bitmap Index Scan on ").split()[0]
            for line in lines[start : start + 8]
            if line.startswith("Bitmap Index Scan on ")
        ]
        assert sorted(index for index in indexes for name in used if index in name) == sorted(
            indexes
        ), plan

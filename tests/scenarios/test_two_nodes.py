"""Two app nodes over one PostgreSQL database (docs/operations/scaling.md): two gunicorn servers
on two ports, each with its own data directory and its own local-memory cache, the same secret
key and one shared uploads directory, a task worker as a third process, the daily commands
started on both nodes at once, and a replica database on one node.

PostgreSQL only: SQLite serves one node (its file takes no advisory lock and no second host).
"""

import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import resolve, reverse
from django.utils import timezone, translation
from openpyxl import Workbook  # type: ignore[import-untyped]

from devolve.core.models import AuditEvent
from devolve.grants.models import Grant
from devolve.matters.models import ListEntry
from tests.scenarios.nodes import (
    WAIT_SECONDS,
    Browser,
    Node,
    Process,
    connect,
    database_url,
    devolve,
    node_database,
    writing_to,
)
from tests.scenarios.two_nodes_data import (
    ON_BOTH,
    ONLY_ON_THE_PRIMARY,
    Seeded,
    seed,
    seed_after_the_copy,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two app nodes need PostgreSQL: SQLite serves one node (docs/operations/scaling.md)",
    ),
    # Builds the migrated template the nodes' database is cloned from; the test's own
    # transaction is not used.
    pytest.mark.django_db,
]

HEADER = ["序号", "事项名称", "事项编码", "事项类型", "主管部门/实施部门", "授权方式", "承接主体"]
ROWS = [
    [1, "律师事务所设立审批", "511A0000090001", "行政许可", "四川省司法厅", "下放", "东区"],
    [2, "新设支持事项", "", "", "四川省司法厅", "支持事项", "全部试点区域"],
]


def _url(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in ROWS:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _environment(*, database: str, data: Path, media: Path) -> dict[str, str]:
    """A node's environment: what differs between nodes is only the data directory."""
    data.mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "DJANGO_", "DEVOLVE_", "PYTEST_", "COV_"))
    }
    return {
        **environment,
        # The test settings (fast hashing, plain static files, mail kept in memory); what makes
        # several nodes one deployment comes from the environment, as in production.
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_SECRET_KEY": "two-nodes-one-secret-key-shared-by-every-node-0123456789",
        "DATABASE_URL": database_url(database),
        "DEVOLVE_DATA_DIR": str(data),
        "DEVOLVE_MEDIA_ROOT": str(media),
        "DEVOLVE_TASKS_IMMEDIATE": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


@dataclass
class Cluster:
    a: Node
    b: Node
    database: str
    logs: Path
    seeded: Seeded


@pytest.fixture(scope="module")
def cluster(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """Node A and node B serving and a task worker running over a database of their own, seeded
    with ``two_nodes_data``. Node B reads anonymous requests from a replica: a copy of the
    database taken after seeding, so it lacks what is written later (a replica lagging)."""
    logs = tmp_path_factory.mktemp("two-nodes")
    media = logs / "shared-media"
    processes: list[Process] = []
    with node_database(request.config) as database:
        with writing_to(database, django_db_blocker):
            seeded = seed()
        with node_database(request.config, copy_of=database) as replica:
            with writing_to(database, django_db_blocker):
                seed_after_the_copy()
            node_a = Node(
                "node-a", _environment(database=database, data=logs / "node-a", media=media)
            )
            node_b = Node(
                "node-b",
                {
                    **_environment(database=database, data=logs / "node-b", media=media),
                    "DATABASE_REPLICA_URL": database_url(replica),
                },
            )
            try:
                processes.extend(node.serve(logs) for node in (node_a, node_b))
                worker = _environment(database=database, data=logs / "worker", media=media)
                processes.append(
                    Process.start(
                        "worker",
                        devolve("db_worker", "--interval", "0.1", "--no-startup-delay"),
                        environment=worker,
                        logs=logs,
                    )
                )
                for node in (node_a, node_b):
                    node.wait_until_serving()
                yield Cluster(a=node_a, b=node_b, database=database, logs=logs, seeded=seeded)
            finally:
                for process in reversed(processes):
                    process.stop()


def _first_to_end(processes: list[Process]) -> Process:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.popen.poll() is not None:
                return process
        time.sleep(0.05)
    raise AssertionError("neither run ended: " + " / ".join(p.output() for p in processes))


def _signed_in(node: Node, seeded: Seeded) -> Browser:
    browser = Browser()
    browser.get(node, _url("accounts:login"))
    signed_in = browser.post(
        node,
        _url("accounts:login"),
        fields={"username": seeded.username, "password": seeded.password},
    )
    assert signed_in.status == 302, signed_in.text
    return browser


def test_two_nodes_serve_one_deployment(cluster: Cluster) -> None:
    node_a, node_b, seeded = cluster.a, cluster.b, cluster.seeded
    # Signed in on A, the same session is signed in on B: one secret key, sessions in the
    # database.
    browser = _signed_in(node_a, seeded)
    home = _url("dashboards:dashboard_home")
    assert browser.get(node_b, home).status == 200
    assert Browser().get(node_b, home).status == 302  # without the session: to the sign-in page

    # A workbook uploaded on A is checked by the worker (a third process reading the shared
    # uploads directory) and its dry run read on B.
    uploaded = browser.post(
        node_a,
        _url("dashboards:list_import_create", pk=seeded.draft),
        files={"workbook": ("2024.xlsx", _workbook())},
    )
    assert uploaded.status == 302, uploaded.text
    detail = uploaded.headers["Location"]
    checked = browser.poll(node_b, detail, until='data-testid="list-import-apply"')
    assert 'data-count="add">2 (' in checked.text, checked.text

    # Applied from B, by the worker; A's next request shows the entries.
    with translation.override("en"):
        import_id = resolve(detail).kwargs["pk"]
    apply = _url("dashboards:list_import_apply", pk=import_id)
    applied = browser.post(node_b, apply, fields={"reason": ""})
    assert applied.status == 302, applied.text
    assert 'id="import-applied"' in browser.poll(node_a, detail, until='id="import-applied"').text
    with connect(cluster.database) as database:
        entries = database.execute(
            f"SELECT sequence FROM {ListEntry._meta.db_table}"  # noqa: S608 — a model's table
            " WHERE annual_list_id = %s ORDER BY sequence",
            [seeded.draft],
        ).fetchall()
    assert entries == [(1,), (2,)]
    # The workbook is in the one uploads directory; the data directories stay empty (the secret
    # key comes from the environment: no node generated one of its own).
    assert [path.name for path in (cluster.logs / "shared-media").rglob("*.xlsx")] == ["2024.xlsx"]
    for data in ("node-a", "node-b", "worker"):
        assert list((cluster.logs / data).iterdir()) == []


def test_a_write_on_one_node_is_seen_by_the_next_request_on_the_other(cluster: Cluster) -> None:
    """The office overview's zero-use flags read the runs the service accepting a report stores
    (ADR 0066), nothing a node keeps: a report accepted on A is seen by B's next request."""
    node_a, node_b, seeded = cluster.a, cluster.b, cluster.seeded
    browser = _signed_in(node_a, seeded)
    overview = _url("dashboards:office_overview")
    assert 'id="flagged-count">0<' in browser.get(node_b, overview).text
    assert 'id="flagged-count">0<' in browser.get(node_a, overview).text

    accepted = browser.post(
        node_a, _url("dashboards:area_report_accept", pk=seeded.reviewed_report)
    )

    assert accepted.status == 302, accepted.text
    assert 'id="flagged-count">1<' in browser.get(node_b, overview).text


def test_anonymous_reads_come_from_the_replica_of_the_node_that_has_one(cluster: Cluster) -> None:
    """Node B's replica lacks the zone written after it was copied: B's anonymous page does not
    show it, B's page for a signed-in user (who must read what they write) and A's do."""
    node_a, node_b = cluster.a, cluster.b
    added = _url("portal:zone_detail", slug=ONLY_ON_THE_PRIMARY)
    anonymous = Browser()

    assert anonymous.get(node_b, _url("portal:zone_detail", slug=ON_BOTH)).status == 200
    assert anonymous.get(node_b, added).status == 404
    assert anonymous.get(node_a, added).status == 200
    assert _signed_in(node_b, cluster.seeded).get(node_b, added).status == 200


def test_a_daily_command_started_on_both_nodes_runs_on_one(cluster: Cluster) -> None:
    """Both nodes' cron start ``activate_grants`` at once: one takes the advisory lock and
    activates every due grant once; the other says so and does nothing."""
    node_a, node_b, seeded = cluster.a, cluster.b, cluster.seeded
    due = seeded.due_grants
    with connect(cluster.database) as holder:
        # A row lock on one due grant stretches whichever run takes the advisory lock (as a
        # national batch of grants would), so the two runs overlap whatever their start-up times.
        holder.execute(
            f"SELECT id FROM {Grant._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
            [due[0]],
        )
        runs = [node.command("activate_grants", logs=cluster.logs) for node in (node_a, node_b)]
        stopped = _first_to_end(runs)
        assert stopped.wait() == "activate_grants is running on another node; nothing done\n"
        running = next(run for run in runs if run is not stopped)
        assert running.popen.poll() is None
        holder.rollback()
        today = timezone.localdate().isoformat()
        assert running.wait() == f"{len(due)} grant(s) took effect on or before {today}\n"
    with connect(cluster.database) as database:
        statuses = database.execute(
            f"SELECT status, count(*) FROM {Grant._meta.db_table}"  # noqa: S608 — a model's table
            " WHERE id = ANY(%s) GROUP BY status",
            [due],
        ).fetchall()
        events = database.execute(
            f"SELECT count(*) FROM {AuditEvent._meta.db_table}"  # noqa: S608 — a model's table
            " WHERE action = 'grant.effective'"
        ).fetchone()
    assert statuses == [(Grant.Status.EFFECTIVE.value, len(due))]
    assert events == (len(due),)

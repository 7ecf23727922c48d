"""Daily commands run on one node at a time: a PostgreSQL advisory lock, none on SQLite."""

import pytest
from django.db import connection, connections

from devolve.core.commands import _lock_key, one_node_at_a_time

pytestmark = pytest.mark.django_db


def test_a_job_no_other_session_holds_runs() -> None:
    with one_node_at_a_time("nightly-job") as mine:
        assert mine is True
    with one_node_at_a_time("nightly-job") as again:
        assert again is True  # released when the job ended


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory locks")
def test_a_job_another_node_is_running_does_not_run() -> None:
    # A second session on the same database as the test's.
    wrapper = connections["default"]
    other_node = type(wrapper)(dict(wrapper.settings_dict), alias="other-node")
    try:
        with other_node.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key("nightly-job")])
        with one_node_at_a_time("nightly-job") as mine:
            assert mine is False
        with one_node_at_a_time("another-job") as other_job:
            assert other_job is True
    finally:
        with other_node.cursor() as cursor:  # the other node's job ends
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key("nightly-job")])
        other_node.close()

    with one_node_at_a_time("nightly-job") as after:
        assert after is True

"""``core.testing.queries``: a data version read again right after itself is one read."""

from types import SimpleNamespace

from devolve.core.testing.queries import counted, query_count

VERSION = "SELECT … pg_snapshot_xip(pg_current_snapshot()) …"
PAGE = 'SELECT "grants_grant"."id" FROM "grants_grant"'


def test_a_version_read_again_counts_once() -> None:
    assert counted([VERSION]) == 1
    assert counted([VERSION, VERSION]) == 1
    assert counted([VERSION, VERSION, PAGE]) == 2


def test_other_repeats_count_each_time() -> None:
    assert counted([PAGE, PAGE]) == 2
    # Two reads of the version apart are two reads.
    assert counted([VERSION, PAGE, VERSION]) == 3
    assert counted([]) == 0


def test_a_capture_is_counted_the_same_way() -> None:
    capture = SimpleNamespace(captured_queries=[{"sql": VERSION}, {"sql": VERSION}, {"sql": PAGE}])

    assert query_count(capture) == 2

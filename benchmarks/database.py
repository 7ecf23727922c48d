"""The throwaway database the Django benchmarks run on: SQLite in a temporary directory,
migrated and seeded with the demo registry and catalogue."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def server_cpu_seconds() -> float:
    """CPU time of the default connection's PostgreSQL backend process, when it runs on this
    machine (read from /proc); 0 elsewhere and on SQLite, whose work is in this process already."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vacuum_after_rollback() -> None:
    """On PostgreSQL, vacuum the database after a benchmark rolled its writes back: the rows it
    wrote stay behind as dead tuples until then, at the high end of every primary key, and
    whatever runs next pays for stepping over them (the data version's newest-row reads after
    the publishing benchmark: 0.49 ms of server CPU a read instead of 0.11, and the API's
    throughput 0.35x the bare view's instead of 0.59x). The database is then left as it was."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def set_up_as_an_app_node() -> None:
    """Set Django up on the database ``DATABASE_URL`` names (test settings unless others are
    set), with the test client's environment, and ready it as an app node is before its first
    request (``core.serving.ready_to_serve``, as ``config/wsgi.py`` does)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    from devolve.core.serving import ready_to_serve

    setup_test_environment()
    ready_to_serve()


def scratch_directory() -> str:
    """A data directory of this benchmark run's own, removed when the run ends."""
    path = tempfile.mkdtemp(prefix="devolve-bench-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def throwaway_seeded_database() -> Path:
    """Set Django up on a fresh SQLite database with the demo seeded; the data directory."""
    data_dir = scratch_directory()
    os.environ["DEVOLVE_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from devolve.demo.seed import seed

    setup_test_environment()
    call_command("migrate", verbosity=0)
    seed(with_users=False)
    return Path(data_dir)

"""Benchmarks of the pages and queries the public hits most.

Baseline: the sign-in page through the same test client (a plain form page: roughly the cost
of the request cycle itself). Each benchmark prints its median time and its ratio to that
baseline, so a slow machine slows both and the ratio stays comparable. Runs on a throwaway
SQLite database.
"""

import os
import statistics
import tempfile
import time
from collections.abc import Callable


def median_seconds(action: Callable[[], object], *, repeat: int) -> float:
    action()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="devolve-bench-")
    os.environ["DEVOLVE_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from devolve.demo.seed import seed
    from devolve.regions.selectors import get_programme_shape

    setup_test_environment()
    call_command("migrate", verbosity=0)
    seed(with_users=False)
    client = Client()
    baseline = median_seconds(lambda: client.get("/accounts/login/"), repeat=50)
    cases: dict[str, Callable[[], object]] = {
        "overview page": lambda: client.get("/en/"),
        "pilot area list": lambda: client.get("/en/pilot-areas/?batch=2"),
        "pilot areas API": lambda: client.get("/api/v1/pilot-areas/"),
        "programme shape": lambda: get_programme_shape(on=timezone.localdate()),
    }
    print(f"{'baseline (sign-in page)':<28} {baseline * 1000:8.2f} ms   1.00x")  # noqa: T201
    for name, action in cases.items():
        seconds = median_seconds(action, repeat=50)
        print(f"{name:<28} {seconds * 1000:8.2f} ms {seconds / baseline:6.2f}x")  # noqa: T201


if __name__ == "__main__":
    main()

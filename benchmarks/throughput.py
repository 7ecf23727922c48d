"""API throughput against a bare Django view returning the same bytes (issue 19: at least 0.5x).

Starts gunicorn (2 synchronous workers, as ``make serve``, or the workers
``DEVOLVE_THROUGHPUT_GUNICORN`` names) on the database ``DATABASE_URL``
names, saves the grants API's first page, then 16 client threads request the bare view
(``benchmarks/throughput_urls.py``, the same middleware), then ``/api/v1/grants/`` (answered
from the stored page once stored, ADR 0057) and then the same page with a query string new on
every request (read afresh each time) for ``SECONDS`` each, keeping their connections. Prints
requests per second, the ratio to the bare view, the workers' CPU time per request and its ratio,
and the load average. The clients run in this process and share the machine's cores with the
workers, so both sides are measured alike.

The rate limits are production's (120 anonymous requests a minute a caller): the server sits
behind one proxy (``DEVOLVE_PROXY_COUNT=1``, as a deployment behind a reverse proxy), and each
request names a caller of its own in ``X-Forwarded-For`` (every request, the bare view's too),
so that the API is measured as many callers each under its rate use it, the throttle reading and
writing a caller's short history. Before, every client shared one address and the limits were
lifted: the one caller's history then held every request of the last minute (10,000 and more
timestamps a worker, unpickled and pickled on every request), a cost no production caller has.

``DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.throughput``
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.database import scratch_directory

CLIENTS = 16
# Issue 19 asks for 30 s a run; DEVOLVE_THROUGHPUT_SECONDS shortens it (a quick check, tests).
SECONDS = int(os.environ.get("DEVOLVE_THROUGHPUT_SECONDS", "30"))
TARGET = 0.5
# The server's workers, as gunicorn's arguments: ``make serve``'s two synchronous workers unless
# DEVOLVE_THROUGHPUT_GUNICORN names others (e.g. "-w 3", "-w 2 -k gthread --threads 4"), so that
# worker classes and counts are compared by the same measurement (docs/operations/scaling.md).
WORKERS = os.environ.get("DEVOLVE_THROUGHPUT_GUNICORN", "-w 2").split()


def _free_port() -> int:
    """A port no one listens on now: two runs on one machine (other checkouts, other sessions)
    must not measure each other's server, as a fixed port let them."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _workers_cpu_seconds(master: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for child in children:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _hammer(port: int, path: str, *, fresh: bool = False) -> tuple[float, int]:
    """Requests per second to ``path`` and the errors; ``fresh``: each request with a query
    string of its own, so that no page is answered from a stored one (ADR 0057)."""
    counts = [0] * CLIENTS
    errors = [0]
    stop = time.monotonic() + SECONDS

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = 0
        while time.monotonic() < stop:
            asked = f"{path}?fresh={number}-{counts[number]}-{errors[0]}" if fresh else path
            sent += 1
            try:
                connection.request("GET", asked, headers={"X-Forwarded-For": _caller(number, sent)})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            if response.status == 200:
                counts[number] += 1
            else:
                errors[0] += 1

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / SECONDS, errors[0]


def _caller(client: int, request: int) -> str:
    """The address a client's ``request``-th request comes from: 65,536 callers a client, taken
    in turn, so that none comes near the anonymous rate however fast the server answers."""
    return f"10.{client}.{request // 256 % 256}.{request % 256}"


def _wait_for_workers(port: int, page: bytes) -> None:
    """Until both new workers answer the bare view with the saved page and the API: on a loaded
    machine they take more than a few seconds to start, and a run that began before would
    measure their start-up."""
    time.sleep(2)
    deadline = time.monotonic() + 180
    answered = 0
    while answered < 20 and time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/bench/bare/" if answered % 2 else "/api/v1/grants/")
            body = connection.getresponse().read()
        except OSError:
            time.sleep(0.5)
            continue
        answered = answered + 1 if answered % 2 == 0 or body == page else 0


def main() -> None:
    work = Path(scratch_directory())
    body = work / "body.json"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.throughput_settings",
        "DEVOLVE_DATA_DIR": str(work),
        "DEVOLVE_BENCH_BODY": str(body),
        # Production's rates, each request from a caller of its own (``_caller``), named by
        # the one proxy in front of the server.
        "DEVOLVE_PROXY_COUNT": "1",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789"
        ),
    }
    body.write_bytes(b"{}")
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 — our gunicorn on our own code
        [str(gunicorn), "config.wsgi", *WORKERS, "-b", f"127.0.0.1:{port}"],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(60):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", "/api/v1/grants/")
                page = connection.getresponse().read()
                break
            except OSError:
                time.sleep(1)
        body.write_bytes(page)
        server.send_signal(1)  # HUP: new workers read the saved page
        _wait_for_workers(port, page)
        before = _workers_cpu_seconds(server.pid)
        bare, bare_errors = _hammer(port, "/bench/bare/")
        middle = _workers_cpu_seconds(server.pid)
        api, api_errors = _hammer(port, "/api/v1/grants/")
        after = _workers_cpu_seconds(server.pid)
        fresh, fresh_errors = _hammer(port, "/api/v1/grants/", fresh=True)
        last = _workers_cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait()
    print(  # noqa: T201
        f"throughput, gunicorn {' '.join(WORKERS)}, {CLIENTS} clients, {SECONDS} s each, "
        f"{len(page):,} bytes (load average {os.getloadavg()[0]:.1f}; baseline: a bare view)"
    )
    bare_cpu = (middle - before) / max(bare * SECONDS, 1) * 1000
    for name, rate, errors, cpu in (
        ("bare view (baseline)", bare, bare_errors, middle - before),
        ("grants API, first page", api, api_errors, after - middle),
        ("grants API, each page new", fresh, fresh_errors, last - after),
    ):
        per_request = cpu / max(rate * SECONDS, 1) * 1000
        print(  # noqa: T201
            f"{name:<28} {rate:8.1f} req/s {rate / bare:6.3f}x  "
            f"worker CPU {per_request:5.1f} ms a request "
            f"({bare_cpu / max(per_request, 1e-9):5.3f}x the bare view's), {errors} errors"
        )
    verdict = "ok" if api / bare >= TARGET else "UNDER TARGET"
    print(f"{'':<28} target >= {TARGET}x (first page): {verdict}")  # noqa: T201


if __name__ == "__main__":
    main()

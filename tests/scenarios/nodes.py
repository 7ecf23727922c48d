"""App nodes as separate processes for the two-node test: a database of their own cloned from the
migrated test template, processes started in their own process groups and stopped with them, and
a browser that keeps one set of cookies whichever node it asks (as behind a load balancer).
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from devolve.core.testing.template_database import file_lock, migration_fingerprint

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Generous for a loaded 2-core machine; each wait ends as soon as its condition holds.
START_SECONDS = 60.0
WAIT_SECONDS = 60.0


# The database ------------------------------------------------------------------------------------


def _server_parameters() -> dict[str, Any]:
    database = settings.DATABASES["default"]
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": int(database["PORT"] or 5432),
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
    }


def connect(dbname: str, **options: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(dbname=dbname, **_server_parameters(), **options)


def database_url(dbname: str) -> str:
    parameters = _server_parameters()
    password = f":{parameters['password']}" if parameters["password"] else ""
    # A Unix socket's directory is the host, percent-encoded (postgres://u@%2Fvar%2Frun%2F…/db).
    host = quote(parameters["host"], safe="")
    return f"postgres://{parameters['user']}{password}@{host}:{parameters['port']}/{dbname}"


def _template_name(maintenance: psycopg.Connection[Any]) -> str:
    """The migrated template the test databases of this run are cloned from
    (``devolve.core.testing.template_database``)."""
    fingerprint = migration_fingerprint("postgresql")
    row = maintenance.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname LIMIT 1",
        [f"test\\_%\\_template\\_{fingerprint}"],
    ).fetchone()
    if row is None:
        raise RuntimeError(f"no migrated template database for fingerprint {fingerprint}")
    return str(row[0])


@contextlib.contextmanager
def node_database(config: pytest.Config, *, copy_of: str | None = None) -> Iterator[str]:
    """A database of its own, for processes outside the test's transaction: a copy of the
    migrated test template, or of the database ``copy_of`` (on which no session may be).

    Dropped afterwards with every session still on it, in a thread the end of the test run
    waits for: dropping removes every file of the database, which can take seconds on a busy
    disk, and nothing needs to wait for it but the end of the run."""
    name = f"test_nodes_{uuid.uuid4().hex[:12]}"
    with connect("postgres", autocommit=True) as maintenance:
        if copy_of is not None:
            maintenance.execute(f'CREATE DATABASE "{name}" TEMPLATE "{copy_of}"')
        else:
            template = _template_name(maintenance)
            # The lock the template plugin holds while it builds, replaces or clones the
            # template: CREATE DATABASE … TEMPLATE fails while another session is on it.
            with file_lock(f"postgresql-{template}"):
                maintenance.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield name
    finally:
        dropping = threading.Thread(target=_drop, args=[name], name=f"drop {name}")
        dropping.start()
        config.add_cleanup(dropping.join)


def _drop(name: str) -> None:
    with connect("postgres", autocommit=True) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def writing_to(name: str, django_db_blocker: Any) -> Iterator[None]:
    """Point this process's default connection at the database ``name`` meanwhile (outside any
    test transaction: what is written there is committed), so the factories can seed it."""
    default = connections[DEFAULT_DB_ALIAS]
    original = default.settings_dict["NAME"]
    with django_db_blocker.unblock():
        default.close()
        default.settings_dict["NAME"] = name
        try:
            yield
        finally:
            default.close()
            default.settings_dict["NAME"] = original


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """A process started in a group of its own, so stopping it stops its children (gunicorn's
    workers) too."""

    name: str
    popen: subprocess.Popen[str]
    log: Path

    @classmethod
    def start(
        cls, name: str, arguments: list[str], *, environment: Mapping[str, str], logs: Path
    ) -> "Process":
        log = logs / f"{name}.log"
        with log.open("w") as output:
            popen = subprocess.Popen(  # noqa: S603 — our own programs, fixed arguments
                arguments,
                cwd=ROOT,
                env=dict(environment),
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        return cls(name=name, popen=popen, log=log)

    def output(self) -> str:
        return self.log.read_text()

    def wait(self, timeout: float = WAIT_SECONDS) -> str:
        """Wait for the process to end; its output. Fails unless it ended with status 0."""
        status = self.popen.wait(timeout=timeout)
        if status != 0:
            raise AssertionError(f"{self.name} ended with {status}:\n{self.output()}")
        return self.output()

    def stop(self) -> None:
        """Kill the process and its group: nothing a test process holds needs a clean stop."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


def devolve(command: str, *arguments: str) -> list[str]:
    """A ``devolve`` command line without Django's system checks: the suite runs them once, and
    they cost each process about two seconds of CPU."""
    return [str(BIN / "devolve"), command, "--skip-checks", *arguments]


@dataclass
class Node:
    """One app node: its own data directory and environment, gunicorn on its own port."""

    name: str
    environment: dict[str, str]
    port: int = 0
    server: Process | None = None

    def serve(self, logs: Path) -> Process:
        self.port = free_port()
        self.server = Process.start(
            self.name,
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            environment=self.environment,
            logs=logs,
        )
        return self.server

    def command(self, name: str, *arguments: str, logs: Path) -> Process:
        """``devolve <name>`` as cron would start it on this node."""
        return Process.start(
            f"{self.name}-{name}",
            devolve(name, *arguments),
            environment=self.environment,
            logs=logs,
        )

    def wait_until_serving(self) -> None:
        assert self.server is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.server.popen.poll() is not None:
                raise AssertionError(f"{self.name} stopped:\n{self.server.output()}")
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/accounts/login/")
                if connection.getresponse().status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not answer:\n{self.server.output()}")


# HTTP --------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Browser:
    """One person's browser: the same cookies sent to whichever node answers."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        node: Node,
        method: str,
        path: str,
        *,
        fields: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> Response:
        headers: dict[str, str] = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body: bytes | None = None
        if method == "POST":
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(fields or {})}
            body, headers["Content-Type"] = _multipart(form, files or {})
        connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=WAIT_SECONDS)
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return Response(
            status=answer.status,
            headers=dict(answer.getheaders()),
            text=answer.read().decode(),
        )

    def get(self, node: Node, path: str) -> Response:
        return self.request(node, "GET", path)

    def post(self, node: Node, path: str, **arguments: Any) -> Response:
        return self.request(node, "POST", path, **arguments)

    def poll(self, node: Node, path: str, *, until: str) -> Response:
        """GET ``path`` until the page contains ``until``."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            page = self.get(node, path)
            if until in page.text or time.monotonic() > deadline:
                return page
            time.sleep(0.1)


def _multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for key, value in fields.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    for key, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"

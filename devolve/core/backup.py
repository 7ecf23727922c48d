"""Backing up and restoring the whole database: PostgreSQL with ``pg_dump``/``pg_restore``
(custom format), the embedded SQLite file with SQLite's online backup, which copies a consistent
snapshot while the site keeps serving. ``dumpdata``/``loaddata`` are not a backup: they lose
history rows' order, fail on constraints and take hours on a national data set.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(RuntimeError):
    pass


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"No backup for the {vendor} database.")
    return vendor


def _postgres_arguments(alias: str) -> tuple[list[str], dict[str, str]]:
    settings = connections[alias].settings_dict
    arguments = ["--dbname", str(settings["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            arguments += [option, str(settings[key])]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is missing: install the PostgreSQL client tools.")
    return found


def backup_database(destination: Path, *, alias: str = "default") -> Path:
    """Write a backup of the database to ``destination`` and return it."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if _engine(alias) == "postgresql":
        arguments, environment = _postgres_arguments(alias)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(destination)]
        subprocess.run([*command, *arguments], check=True, env=environment)  # noqa: S603
        return destination
    connection = connections[alias]
    connection.ensure_connection()
    with sqlite3.connect(destination) as target:
        connection.connection.backup(target)
    return destination


def restore_database(source: Path, *, alias: str = "default") -> None:
    """Replace the database's content with the backup at ``source``. Stop the app servers and
    workers first: requests during a restore would see half of it."""
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    if _engine(alias) == "postgresql":
        connections[alias].close()
        arguments, environment = _postgres_arguments(alias)
        command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
        subprocess.run([*command, *arguments, str(source)], check=True, env=environment)  # noqa: S603
        return
    connection = connections[alias]
    connection.ensure_connection()
    with sqlite3.connect(source) as backup:
        backup.backup(connection.connection)

"""Typed access to the environment. Settings read variables only through these helpers."""

import os
import secrets
from pathlib import Path


class MissingEnvironmentVariable(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise MissingEnvironmentVariable(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return int(value)


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def persistent_secret_key(path: Path) -> str:
    """Return the key stored at ``path``, generating it on first use.

    A fresh clone must run without anyone inventing a secret, and the key must survive restarts
    (sessions would end otherwise), so it lives in the data directory, which git ignores.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(key)
    return key

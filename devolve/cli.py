"""The `devolve` console script: Django's management commands with the settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else ["devolve", *sys.argv[1:]])
    return 0

"""Removes an account's authenticator (a lost or replaced phone), so it signs in with the
password alone until its owner sets up a new one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.accounts import selectors, services
from devolve.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Remove the two-step verification of an account whose authenticator is lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="recorded in the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        user = selectors.get_user_by_username(username=options["username"])
        if user is None:
            raise CommandError(f"No account {options['username']!r}.")
        services.remove_second_factor(user=user, removed_by=SYSTEM, reason=options["reason"])
        self.stdout.write(f"Two-step verification removed from {user.username}.")

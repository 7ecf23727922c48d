"""Revokes an API token by the first characters of its secret (as the admin lists it), or every
live token of an account."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.accounts import selectors, services
from devolve.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Revoke an API token (by its prefix) or every token of an account (--user)."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("prefix", nargs="?", help="the token's first characters")
        target.add_argument("--user", help="revoke every live token of this account")
        parser.add_argument("--reason", required=True, help="recorded in the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["user"]:
            user = selectors.get_user_by_username(username=options["user"])
            if user is None:
                raise CommandError(f"[unknown_user] No account {options['user']!r}.")
            tokens = list(selectors.list_api_tokens().filter(user=user, revoked_at__isnull=True))
        else:
            token = selectors.get_api_token_by_prefix(prefix=options["prefix"])
            if token is None:
                raise CommandError(
                    f"[unknown_token] No single token starts with {options['prefix']!r}."
                )
            tokens = [token]
        for token in tokens:
            services.revoke_api_token(token=token, revoked_by=SYSTEM, reason=options["reason"])
            self.stdout.write(f"Revoked {token.label} ({token.name}) of {token.user.username}.")

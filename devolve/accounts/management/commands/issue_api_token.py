"""Issues an API token for a script acting as one account and prints its secret, the only time
it is ever shown (only its hash is stored)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.accounts import selectors, services
from devolve.core.actors import SYSTEM
from devolve.core.commands import run_service


class Command(BaseCommand):
    help = "Issue an API token for an account; the secret is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument(
            "--days",
            type=int,
            default=services.API_TOKEN_DEFAULT_DAYS,
            help=f"how long it works (default {services.API_TOKEN_DEFAULT_DAYS}, "
            f"at most {services.API_TOKEN_MAX_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = selectors.get_user_by_username(username=options["username"])
        if user is None:
            raise CommandError(f"[unknown_user] No account {options['username']!r}.")
        token, secret = run_service(
            services.issue_api_token,
            user=user,
            name=options["name"],
            days=options["days"],
            issued_by=SYSTEM,
        )
        self.stderr.write(
            f"Token {token.label} for {user.username}, until {token.expires_at:%Y-%m-%d %H:%M} "
            "UTC. Keep the secret below; it cannot be shown again."
        )
        self.stdout.write(secret)

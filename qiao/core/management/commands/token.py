from django.core.management.base import BaseCommand, CommandError

from qiao.core import tokens
from qiao.core.context import acting
from qiao.core.models import ApiToken, User

DEFAULT_NAME = "API token"  # also the name of the tokens carried over from before keys were hashed


class Command(BaseCommand):
    help = (
        "Print a new API token of a user. Use it as: Authorization: Token <token>. Keys are stored hashed, "
        "so an existing key cannot be shown again: every run creates a token (named with --name)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Revoke the user's tokens of the same name, then create a new one."
        )
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"What uses the token (default: {DEFAULT_NAME!r}).")
        parser.add_argument("--read-only", action="store_true", help="The token may only read (GET).")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="The token expires after DAYS days.")

    def handle(self, *args, username, rotate=False, name=DEFAULT_NAME, read_only=False, expires=None, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise CommandError("--name must have 1 to 100 characters.")
        if expires is not None and not 1 <= expires <= tokens.MAX_DAYS:
            raise CommandError(f"--expires must be a number of days from 1 to {tokens.MAX_DAYS}.")
        with acting(source="command"):
            if rotate:
                for old in ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True):
                    tokens.revoke(old)
            _token, key = tokens.issue(user, name, read_only=read_only, days=expires)
        self.stdout.write(key)

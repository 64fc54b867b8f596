"""qiao 2fa status|reset USERNAME: two-factor authentication from the command line, for an administrator
who lost their phone and their recovery codes (nobody is left to reset it from the user page)."""

from django.core.management.base import BaseCommand, CommandError

from qiao.core.context import acting
from qiao.core.models import User
from qiao.security import twofactor


class Command(BaseCommand):
    help = "Show or reset a user's two-factor authentication: qiao 2fa status USERNAME, qiao 2fa reset USERNAME."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "reset"])
        parser.add_argument("username")

    def handle(self, *args, action, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        if action == "status":
            state = "on" if twofactor.has_two_factor(user) else "off"
            required = "required" if twofactor.is_required(user) else "optional"
            left = twofactor.recovery_codes_left(user)
            self.stdout.write(f"{username}: two-factor {state} ({required}), {left} recovery codes left")
            return
        with acting(source="command"):
            twofactor.reset(user)
        self.stdout.write(f"Two-factor authentication of {username} is reset: they set it up at their next sign-in.")

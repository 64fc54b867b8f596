from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from qiao.core.models import User


class Command(BaseCommand):
    help = "Print the API token of a user (created when missing). Use it as: Authorization: Token <token>"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace the existing token with a new one.")

    def handle(self, *args, username, rotate=False, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

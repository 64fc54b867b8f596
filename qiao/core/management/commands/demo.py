from django.core.management.base import BaseCommand, CommandError

from qiao.core.demo import load
from qiao.core.models import Unit
from qiao.people.models import Person


class Command(BaseCommand):
    help = "Load the demo: a centre with three bases and a Hong Kong workstation, users, people, organisations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database already has units or people.",
        )

    def handle(self, *args, if_empty=False, **options):
        if Unit.objects.exists() or Person.all_objects.exists():
            if if_empty:
                self.stdout.write("The database already has data; demo not loaded.")
                return
            raise CommandError("The database already has data. The demo loads only into an empty database.")
        counts = load.load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded: {units} units, {users} users, {organizations} organisations, {people} people, "
                "{participations} participations in activities, {profiles} talent profiles, {demands} demands, "
                "{matches} matches, {policies} policies, {projects} investment projects, {cases} ledger cases with "
                "{tasks} tasks, {services} service records. "
                "Every demo password is {password}.".format(password=load.PASSWORD, **counts)
            )
        )

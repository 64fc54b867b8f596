import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from qiao.core.demo import synth


class Command(BaseCommand):
    help = (
        "Add synthetic people, organisations, activities, talent profiles and demands, investment projects, "
        "service-ledger cases with tasks and actions, and service records for benchmarks (bulk inserts, no "
        "change history). Creates a centre with ten bases when the database has no units."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=0)
        parser.add_argument("--organizations", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--incoming",
            metavar="FILE.xlsx",
            help="Also write a delegation list of existing and new people, with FILE.truth.csv.",
        )
        parser.add_argument("--rows", type=int, default=1000, help="Rows in the --incoming file.")
        parser.add_argument("--activities", type=int, default=0, help="Add activities with participations.")
        parser.add_argument("--participations", type=int, default=0, help="About this many in all (--activities).")
        parser.add_argument("--mean-batch", type=float, default=0, help="Or this many per activity on average.")
        parser.add_argument("--truth", metavar="FILE.json", help="Write the first-timer ground truth (--activities).")
        parser.add_argument("--profiles", type=int, default=0, help="Add talent profiles for people who have none.")
        parser.add_argument("--demands", type=int, default=0, help="Add open demands from existing organisations.")
        parser.add_argument(
            "--eval",
            metavar="FILE.json",
            help="Write the graded evaluation set of this run's demands and profiles (--profiles and --demands).",
        )
        parser.add_argument("--projects", type=int, default=0, help="Add investment projects with their stages.")
        parser.add_argument("--cases", type=int, default=0, help="Add service-ledger cases (问题台账).")
        parser.add_argument("--tasks", type=int, help="Tasks of the --cases in all (default: 5 per case).")
        parser.add_argument("--actions", type=int, help="Timeline actions of the --cases in all (default: 2 per case).")
        parser.add_argument("--services", type=int, default=0, help="Add service records.")
        parser.add_argument("--interactions", type=int, default=0, help="Add contact-log interactions (联络记录).")
        parser.add_argument(
            "--key-contacts", type=int, help="Key contacts with a cadence (default: one per 20 --interactions)."
        )
        parser.add_argument("--agreements", type=int, default=0, help="Add cooperation agreements with commitments.")
        parser.add_argument("--carriers", type=int, default=0, help="Add carrier platforms (incubators, bases …).")
        parser.add_argument(
            "--residencies", type=int, help="Teams and enterprises hosted by the --carriers (default: 15 per carrier)."
        )
        parser.add_argument("--proposals", type=int, default=0, help="Add proposals (建言献策) and public roles.")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="The day projects, cases and services are dated up to (YYYY-MM-DD; default: today).",
        )

    def handle(self, *args, people, organizations, seed, batch, **options):
        started = time.monotonic()
        relation_counts = ("interactions", "key_contacts", "agreements", "carriers", "residencies", "proposals")
        for name in ("projects", "cases", "tasks", "actions", "services", *relation_counts):
            if (options[name] or 0) < 0:
                raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
        for name, needs in (("tasks", "cases"), ("actions", "cases"), ("residencies", "carriers")):
            if options[name] is not None and not options[needs]:
                raise CommandError(f"--{name} needs --{needs}.")

        def progress(message):
            if options["verbosity"] > 0:
                self.stdout.write(message)

        if organizations:
            synth.organizations(organizations, seed=seed + 1, batch=batch, progress=progress)
        if people:
            synth.people(people, seed=seed, batch=batch, progress=progress)
        if options["activities"]:
            from qiao.core.demo import synth_activities

            result = synth_activities.generate(
                options["activities"],
                participations=options["participations"] or None,
                mean_size=options["mean_batch"] or None,
                seed=seed,
                progress=progress,
            )
            if options["truth"]:
                synth_activities.write_truth(result, options["truth"])
                self.stdout.write(f"wrote {options['truth']}")
        if options["profiles"] or options["demands"]:
            from qiao.core.demo import synth_matching

            if options["eval"] and not (options["profiles"] and options["demands"]):
                raise CommandError("--eval needs --profiles and --demands in the same run (the labels come from them).")
            result = synth_matching.Result()
            if options["profiles"]:
                synth_matching.profiles(options["profiles"], seed=seed, batch=batch, progress=progress, truth=result)
            made = []
            if options["demands"]:
                made = synth_matching.demands(options["demands"], seed=seed, truth=result, progress=progress)
            if options["eval"]:
                synth_matching.write_evaluation(synth_matching.evaluation(result, made), options["eval"])
                self.stdout.write(f"wrote {options['eval']}")
        if options["projects"] or options["cases"] or options["services"]:
            from qiao.core.demo import synth_projects

            dated = {"seed": seed, "today": options["today"], "progress": progress}
            if options["projects"]:
                synth_projects.projects(options["projects"], **dated)
            if options["cases"]:
                synth_projects.cases(options["cases"], tasks=options["tasks"], actions=options["actions"], **dated)
            if options["services"]:
                synth_projects.services(options["services"], **dated)
        if any(options[name] for name in ("interactions", "agreements", "carriers", "proposals")):
            from qiao.core.demo import synth_relations

            dated = {"seed": seed, "today": options["today"], "progress": progress}
            if options["interactions"]:
                synth_relations.interactions(options["interactions"], key_contacts=options["key_contacts"], **dated)
            if options["agreements"]:
                synth_relations.agreements(options["agreements"], **dated)
            if options["carriers"]:
                synth_relations.carriers(options["carriers"], residencies=options["residencies"], **dated)
            if options["proposals"]:
                synth_relations.proposals(options["proposals"], **dated)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, so the planner uses the key index at once
        if options["incoming"]:
            from qiao.core.demo import incoming as incoming_rows

            truth = incoming_rows.write(incoming_rows.generate(options["rows"], seed=seed), options["incoming"])
            self.stdout.write(f"wrote {options['incoming']} and {truth}")
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")

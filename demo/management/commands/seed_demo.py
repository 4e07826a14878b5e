import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from demo import acceptance as acceptance_demo
from demo import base as demo
from demo import go_live as go_live_demo
from demo import issues as issues_demo
from demo import scale
from demo import training as training_demo
from demo import workspace as workspace_demo
from notifications.services import notification_emails_skip
from projects.models import Project

# Each app's part of the demo, in dependency order; each step is idempotent and takes `demo`.
STEPS = [
    # steps: planning
    demo.seed_planning,
    # steps: training
    training_demo.seed,
    # steps: issues
    issues_demo.seed,
    # steps: acceptance
    acceptance_demo.seed,
    # steps: workspace
    workspace_demo.seed,
    # steps: readiness
    go_live_demo.seed,
]

# A rollout this many times scale-1 already takes tens of minutes to write.
MAX_SIZE = 16


class Command(BaseCommand):
    help = "Create the demo rollout with people in every role (idempotent). Logins use the password erpteam-demo."

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["en", "zh-hans"], default="en", help="Language of the demo data.")
        parser.add_argument("--if-empty", action="store_true", help="Only seed when there is no project yet.")
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also add N large synthetic rollouts (scale-1, scale-2…: 40 modules, 5,000 people, 50,000 issues "
            "each); every run adds N more with the next free codes.",
        )
        parser.add_argument(
            "--size",
            type=int,
            default=None,
            metavar="F",
            help="Make each synthetic rollout F times that size (--size 4: one project of 160 modules, 20,000 "
            "people, 200,000 issues); without --scale, adds one.",
        )

    def handle(self, *args, lang, if_empty, **options):
        if options["size"] is not None and not 1 <= options["size"] <= MAX_SIZE:
            raise CommandError(f"--size must be between 1 and {MAX_SIZE}.")
        if if_empty and Project.objects.exists():
            self.stdout.write("The database already has projects; demo not seeded.")
            return
        started = timezone.now()
        with translation.override(lang), transaction.atomic():
            team = demo.seed_team(lang=lang)
            for step in STEPS:
                step(demo=team)
            # The demo's notifications are its history: they show in the app and are mailed to nobody,
            # neither in process nor by a worker after commit.
            notification_emails_skip(since=started)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {team.project.name}. Log in as consultant, techconsultant, keyuser, ituser, "
                f"enduser, manager or admin with the password {demo.DEMO_PASSWORD}."
            )
        )
        count = options["scale"] or (1 if options["size"] else 0)
        if count:
            started = time.monotonic()
            size = scale.SCALE_1.times(options["size"] or 1)
            with translation.override(lang):
                projects = scale.seed(count=count, size=size, lang=lang, progress=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {', '.join(p.code for p in projects)} in {time.monotonic() - started:.0f} s; "
                    f"their lead consultants are {', '.join(f'{p.code}.consultant' for p in projects)}."
                )
            )

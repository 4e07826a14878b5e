from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from acceptance import demo as acceptance_demo
from issues import demo as issues_demo
from projects import demo
from projects.models import Project
from training import demo as training_demo

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
    # steps: readiness
]


class Command(BaseCommand):
    help = "Create the demo rollout with people in every role (idempotent). Logins use the password erpteam-demo."

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["en", "zh-hans"], default="en", help="Language of the demo data.")
        parser.add_argument("--if-empty", action="store_true", help="Only seed when there is no project yet.")

    def handle(self, *args, lang, if_empty, **options):
        if if_empty and Project.objects.exists():
            self.stdout.write("The database already has projects; demo not seeded.")
            return
        # The demo's notifications are its history: they show in the app and are not mailed to anyone.
        quiet_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        with translation.override(lang), quiet_mail, transaction.atomic():
            team = demo.seed_team(lang=lang)
            for step in STEPS:
                step(demo=team)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {team.project.name}. Log in as consultant, techconsultant, keyuser, ituser, "
                f"enduser, manager or admin with the password {demo.DEMO_PASSWORD}."
            )
        )

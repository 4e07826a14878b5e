from django.core.management.base import BaseCommand, CommandError

from projects.models import Project
from readiness import services


class Command(BaseCommand):
    help = (
        "Take today's readiness snapshot of every project not closed (or of one project), and with "
        "--backfill DAYS reconstruct the missing days before it from the dates of the evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backfill", type=int, default=0, metavar="DAYS", help="Days before today to fill in.")
        parser.add_argument("--project", metavar="CODE", help="Only this project (its code).")

    def handle(self, *args, backfill: int, project: str | None, **options):
        if backfill < 0:
            raise CommandError("--backfill takes a number of days, 0 or more.")
        projects = Project.objects.exclude(phase=Project.Phase.CLOSED).order_by("code")
        if project:
            projects = Project.objects.filter(code=project)
            if not projects.exists():
                raise CommandError(f"No project has the code {project!r}.")
        for item in projects:
            today = services.readiness_snapshot_take(project=item)
            filled = services.readiness_backfill(project=item, days=backfill) if backfill else 0
            self.stdout.write(f"{item.code}: {today} module snapshots today, {filled} reconstructed.")

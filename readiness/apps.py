from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = _("Readiness")

    def ready(self) -> None:
        from projects.models import Project
        from projects.services import GO_LIVE_GATES
        from readiness import summary
        from readiness.services import go_live_gate_check, snapshot_refresh_on_thresholds_saved

        # Projects sit below readiness: the go / no-go decision gates going live through this hook.
        if go_live_gate_check not in GO_LIVE_GATES:
            GO_LIVE_GATES.append(go_live_gate_check)
        # New thresholds re-rate today's snapshot. A snapshot is a derived record, not a domain rule
        # (DESIGN keeps rules out of signals): the receiver only asks for it again after commit.
        post_save.connect(snapshot_refresh_on_thresholds_saved, sender=Project, dispatch_uid="readiness-thresholds")
        summary.connect()

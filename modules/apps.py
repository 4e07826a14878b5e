from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = _("Business modules")

    def ready(self):
        from modules import selectors  # noqa: F401  (registers the project overview's modules)
        from modules.services import project_deliverables_seed
        from projects.signals import project_created

        project_created.connect(project_deliverables_seed, dispatch_uid="modules.project_deliverables_seed")

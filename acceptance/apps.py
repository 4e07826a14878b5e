from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = _("Acceptance testing")

    def ready(self):
        from acceptance import selectors  # noqa: F401 (registers its panels)

"""The cards other areas add to a module's page (`module_panels.register`, see erpteam.panels): each is
called with `module=` and `membership=`."""

from erpteam.panels import Panels

module_panels = Panels()

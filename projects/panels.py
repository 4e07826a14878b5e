"""The parts other areas add to a project's overview (`project_panels.register`, see erpteam.panels): each
is called with `project=` and `today=`."""

from erpteam.panels import Panels

project_panels = Panels()

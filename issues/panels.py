"""What other areas add to an issue's description (`issue_panels.register`, see erpteam.panels): each is
called with `issue=` and `membership=`."""

from erpteam.panels import Panels

issue_panels = Panels()

"""The readiness criteria whose evidence the issues app owns (see erpteam.readiness_registry): `f` is a
module's figures, `t` the project's thresholds, `links` where the evidence is shown."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from erpteam.readiness_registry import Check, Level, Reason, criterion


@criterion(key="blockers", label=_("Blocking and S1–S2 issues"), order=60, risk=10)
def check_blockers(f, t, links) -> Check:
    url = links.issues(f.module_id, status="open", sort="severity")
    if f.open_blockers <= t.blockers_max:
        return Check("blockers", Level.OK, str(f.open_blockers), url)
    reasons = []
    if f.open_blocking_go_live:
        text = ngettext(
            "%(n)d open issue blocks go-live.", "%(n)d open issues block go-live.", f.open_blocking_go_live
        ) % {"n": f.open_blocking_go_live}
        reasons.append(Reason(text, links.issues(f.module_id, view="blocking")))
    if f.open_s1_s2:
        text = ngettext("%(n)d open S1–S2 issue.", "%(n)d open S1–S2 issues.", f.open_s1_s2) % {"n": f.open_s1_s2}
        reasons.append(Reason(text, url))
    return Check("blockers", Level.FAILING, str(f.open_blockers), url, tuple(reasons))


@criterion(key="overdue", label=_("Overdue issues"), order=70, risk=60)
def check_overdue(f, t, links) -> Check:
    url = links.issues(f.module_id, view="overdue")
    if f.overdue <= t.overdue_ready:
        return Check("overdue", Level.OK, str(f.overdue), url)
    level = Level.WARNING if f.overdue <= t.overdue_at_risk else Level.FAILING
    text = ngettext(
        "%(n)d open issue is past its SLA due time.", "%(n)d open issues are past their SLA due time.", f.overdue
    ) % {"n": f.overdue}
    return Check("overdue", level, str(f.overdue), url, (Reason(text, url),))

"""The readiness criteria whose evidence the acceptance app owns (see erpteam.readiness_registry): `f` is a
module's figures, `t` the project's thresholds, `links` where the evidence is shown."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from acceptance.models import Result
from erpteam.readiness_registry import Check, Level, Reason, criterion
from issues.models import Issue


@criterion(key="acceptance", label=_("Acceptance tests passed"), order=50, risk=20)
def check_acceptance(f, t, links) -> Check:
    url = links.acceptance(f.module_id)
    if f.uat_planned == 0:
        if links.uat_cycle_id is None:
            text = _("No user acceptance test (UAT) cycle is planned yet.")
        else:
            text = _("None of the module's scenarios is planned in the UAT cycle.")
        return Check("acceptance", Level.FAILING, "—", url, (Reason(str(text), url),))
    rate = f.uat_pass_rate
    rate_ok = f.uat_passed * 100 >= t.acceptance_ready * f.uat_planned
    if f.uat_passed * 100 < t.acceptance_at_risk * f.uat_planned:
        level = Level.FAILING
    else:
        level = Level.OK if rate_ok and f.uat_signed_off else Level.WARNING
    reasons = []
    if not rate_ok:
        text = _("UAT pass rate %(rate)s %% (%(passed)d of %(planned)d scenarios passed), below %(ready)d %%.") % {
            "rate": f"{rate:g}",
            "passed": f.uat_passed,
            "planned": f.uat_planned,
            "ready": t.acceptance_ready,
        }
        reasons.append(Reason(text, url))
    if f.uat_failed:
        text = ngettext(
            "%(n)d scenario failed or is blocked.", "%(n)d scenarios failed or are blocked.", f.uat_failed
        ) % {"n": f.uat_failed}
        reasons.append(Reason(text, links.acceptance(f.module_id, state=Result.FAILED)))
    if f.uat_open_defects:
        text = ngettext(
            "%(n)d defect from the UAT is still open.", "%(n)d defects from the UAT are still open.", f.uat_open_defects
        ) % {"n": f.uat_open_defects}
        reasons.append(Reason(text, links.issues(f.module_id, category=Issue.Category.DEFECT, status="open")))
    if not f.uat_signed_off:
        reasons.append(Reason(str(_("The module's Key User has not signed off the UAT.")), url))
    return Check("acceptance", level, f"{rate:g} %", url, tuple(reasons) if level != Level.OK else ())

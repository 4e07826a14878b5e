"""The readiness criteria whose evidence the modules app owns, Key Users and deliverables (see
erpteam.readiness_registry): `f` is a module's figures, `t` the project's thresholds, `links` where
the evidence is shown."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from erpteam.readiness_registry import Check, Level, Reason, criterion, level_of


@criterion(key="key_users", label=_("Key User coverage"), order=10, risk=70)
def check_key_users(f, t, links) -> Check:
    url = links.module(f.module_id, "key-users")
    if f.key_users == 0:
        level, reasons = Level.FAILING, [_("No active Key User owns the module.")]
    elif f.key_users == 1:
        level, reasons = Level.WARNING, [_("Only one Key User: a backup Key User is recommended.")]
    else:
        level, reasons = Level.OK, []
    return Check("key_users", level, str(f.key_users), url, tuple(Reason(str(r), url) for r in reasons))


@criterion(key="deliverables", label=_("Deliverables signed off"), order=40, risk=50)
def check_deliverables(f, t, links) -> Check:
    url = links.module(f.module_id, "deliverables")
    level = level_of(f.deliverables_signed_off, f.deliverables, t.deliverables_ready, t.deliverables_at_risk)
    missing = f.deliverables - f.deliverables_signed_off
    reasons = ()
    if level != Level.OK:
        text = ngettext(
            "%(n)d of %(total)d deliverables is not signed off.",
            "%(n)d of %(total)d deliverables are not signed off.",
            missing,
        ) % {"n": missing, "total": f.deliverables}
        reasons = (Reason(text, url),)
    value = f"{f.deliverables_signed_off} / {f.deliverables}"
    return Check("deliverables", level, value, url, reasons)

"""The readiness criteria whose evidence the training app owns (see erpteam.readiness_registry): `f` is a
module's figures, `t` the project's thresholds, `links` where the evidence is shown."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from erpteam.readiness_registry import Check, Level, Reason, criterion, level_of, percent_text


@criterion(key="certified", label=_("Key Users certified"), order=20, risk=40)
def check_certified(f, t, links) -> Check:
    url = links.training()
    level = level_of(f.key_users_certified, f.key_users, t.certified_ready, t.certified_at_risk)
    missing = f.key_users - f.key_users_certified
    reasons = ()
    if level != Level.OK:
        text = ngettext(
            "%(n)d of %(total)d Key Users is not certified by train-the-trainer yet.",
            "%(n)d of %(total)d Key Users are not certified by train-the-trainer yet.",
            missing,
        ) % {"n": missing, "total": f.key_users}
        reasons = (Reason(text, url),)
    return Check("certified", level, f"{f.key_users_certified} / {f.key_users}", url, reasons)


@criterion(key="training", label=_("End users trained"), order=30, risk=30)
def check_training(f, t, links) -> Check:
    if f.end_users == 0:
        url = links.module(f.module_id, "end-users")
        reason = Reason(str(_("No end user is assigned to the module: nobody is trained for it.")), url)
        return Check("training", Level.WARNING, "0 / 0", url, (reason,))
    url = links.training()
    level = level_of(f.end_users_trained, f.end_users, t.training_ready, t.training_at_risk)
    missing = f.end_users - f.end_users_trained
    reasons = ()
    if level != Level.OK:
        text = ngettext(
            "%(n)d of %(total)d end users is not trained yet (%(ready)d %% needed).",
            "%(n)d of %(total)d end users are not trained yet (%(ready)d %% needed).",
            missing,
        ) % {"n": missing, "total": f.end_users, "ready": t.training_ready}
        reasons = (Reason(text, url),)
    return Check("training", level, percent_text(f.end_users_trained, f.end_users), url, reasons)

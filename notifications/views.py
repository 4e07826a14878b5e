from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import services
from notifications.forms import SettingsForm
from notifications.models import Notification, NotificationPreference
from notifications.selectors import notifications_for
from people.services import user_preferences_update


@require_GET
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@require_GET
def notification_open(request, pk: int):
    """Mark the notification read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(target)


@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications marked as read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def my_settings(request):
    user = request.user
    no_email = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    initial = {
        "language": user.language,
        "time_zone": user.time_zone,
        "email_kinds": [kind for kind in Notification.Kind.values if kind not in no_email],
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user_preferences_update(
            user=user, language=form.cleaned_data["language"], time_zone=form.cleaned_data["time_zone"]
        )
        services.preferences_set(user=user, email_kinds=form.cleaned_data["email_kinds"])
        messages.success(request, _("Your settings were saved."))
        return redirect("my_settings")
    return render(request, "notifications/settings.html", {"form": form})

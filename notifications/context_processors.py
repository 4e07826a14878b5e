from notifications.selectors import unread_count


def unread_notifications(request):
    """The unread count on the navigation: one query per page, evaluated only when rendered."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(user=request.user)}

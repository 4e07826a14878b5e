from django.conf import settings
from django.shortcuts import render

FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class RequestSizeLimitMiddleware:
    """Refuses a request body above `REQUEST_MAX_BYTES` before anything reads it. Each upload has its
    own, smaller limit (5 MB screenshots, 50 MB training materials…), checked once the file has arrived;
    this keeps a far larger one from being written to disk on the way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit = settings.REQUEST_MAX_BYTES // (1024 * 1024)
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)


class BadInputMiddleware:
    """Refuses with a 400 a request whose path, query string or form fields hold a NUL character: no page
    takes one, and the database refuses to store it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *request.GET.keys(), *(v for _k, vs in request.GET.lists() for v in vs)]
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            values += [*request.POST.keys(), *(v for _k, vs in request.POST.lists() for v in vs)]
        if any("\x00" in value for value in values):
            return render(request, "400.html", status=400)
        return self.get_response(request)

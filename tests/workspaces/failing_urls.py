"""The app's URLs plus one page that fails, to see the 500 page."""

from django.urls import path

from erpteam.urls import urlpatterns as app_urlpatterns


def broken(request):
    raise RuntimeError("A bug on our side")


urlpatterns = [path("broken/", broken), *app_urlpatterns]

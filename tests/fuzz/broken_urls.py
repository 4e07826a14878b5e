"""Two broken pages the fuzz tests must catch (see test_fuzzer.py): one writes although it shows the form
again, the other fails on input it does not expect."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from erpteam.urls import urlpatterns as app_urlpatterns
from projects.models import Project


@csrf_exempt
@login_not_required
def writes_although_it_refuses(request):
    Project.objects.update(name="changed")
    return HttpResponse("<form method='post'>This field is required.</form>")


@csrf_exempt
@login_not_required
def fails_on_unexpected_input(request):
    return HttpResponse(f"{int(request.POST.get('capacity', '0')) + 1} places")


urlpatterns = [
    path("writes/", writes_although_it_refuses),
    path("fails/", fails_on_unexpected_input),
    *app_urlpatterns,  # the error pages link to them
]

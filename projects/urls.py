from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("new/", views.ProjectCreateView.as_view(), name="create"),
    path("<int:project_id>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:project_id>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("<int:project_id>/phase/", views.PhaseChangeView.as_view(), name="phase_change"),
]

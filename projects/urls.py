from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("new/", views.ProjectCreateView.as_view(), name="create"),
    path("<int:project_id>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:project_id>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("<int:project_id>/phase/", views.PhaseChangeView.as_view(), name="phase_change"),
    path("<int:project_id>/readiness/", views.readiness.ReadinessDashboardView.as_view(), name="readiness"),
    path(
        "<int:project_id>/readiness/module/<int:module_id>/",
        views.readiness.ReadinessModuleView.as_view(),
        name="readiness_module",
    ),
    path("<int:project_id>/readiness/report/", views.readiness.ReadinessReportView.as_view(), name="readiness_report"),
    path("<int:project_id>/readiness/export/", views.readiness.ReadinessExportView.as_view(), name="readiness_export"),
    path(
        "<int:project_id>/readiness/thresholds/",
        views.readiness.ReadinessThresholdsView.as_view(),
        name="readiness_thresholds",
    ),
    path("<int:project_id>/decisions/", views.readiness.DecisionListView.as_view(), name="decision_list"),
    path("<int:project_id>/decisions/new/", views.readiness.DecisionCreateView.as_view(), name="decision_create"),
    path(
        "<int:project_id>/decisions/<int:decision_id>/",
        views.readiness.DecisionDetailView.as_view(),
        name="decision_detail",
    ),
]

"""The readiness pages of a project, under its address (/p/<id>/readiness/, /p/<id>/decisions/)."""

from django.urls import path

from readiness import views

app_name = "readiness"

urlpatterns = [
    path("<int:project_id>/readiness/", views.ReadinessDashboardView.as_view(), name="dashboard"),
    path(
        "<int:project_id>/readiness/module/<int:module_id>/",
        views.ReadinessModuleView.as_view(),
        name="module",
    ),
    path("<int:project_id>/readiness/report/", views.ReadinessReportView.as_view(), name="report"),
    path("<int:project_id>/readiness/export/", views.ReadinessExportView.as_view(), name="export"),
    path(
        "<int:project_id>/readiness/thresholds/",
        views.ReadinessThresholdsView.as_view(),
        name="thresholds",
    ),
    path("<int:project_id>/decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("<int:project_id>/decisions/new/", views.DecisionCreateView.as_view(), name="decision_create"),
    path(
        "<int:project_id>/decisions/<int:decision_id>/",
        views.DecisionDetailView.as_view(),
        name="decision_detail",
    ),
]

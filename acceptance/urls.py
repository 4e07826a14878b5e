from django.urls import path

from acceptance import views

app_name = "acceptance"

urlpatterns = [
    path("", views.CycleListView.as_view(), name="cycle_list"),
    path("cycles/new/", views.CycleCreateView.as_view(), name="cycle_create"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.CycleUpdateView.as_view(), name="cycle_update"),
    path("cycles/<int:pk>/delete/", views.CycleDeleteView.as_view(), name="cycle_delete"),
    path("cycles/<int:pk>/export/", views.CycleExportView.as_view(), name="cycle_export"),
    path("cycles/<int:pk>/runs/new/", views.RunCreateView.as_view(), name="run_create"),
    path("cycles/<int:pk>/modules/<int:module_pk>/sign-off/", views.SignOffView.as_view(), name="sign_off"),
    path(
        "cycles/<int:pk>/modules/<int:module_pk>/sign-off/withdraw/",
        views.SignOffWithdrawView.as_view(),
        name="sign_off_withdraw",
    ),
    path(
        "cycles/<int:pk>/modules/<int:module_pk>/exception/withdraw/",
        views.ExceptionWithdrawView.as_view(),
        name="exception_withdraw",
    ),
    path(
        "cycles/<int:pk>/modules/<int:module_pk>/exception/",
        views.ExceptionCreateView.as_view(),
        name="exception_create",
    ),
    path("scenarios/", views.ScenarioListView.as_view(), name="scenario_list"),
    path("scenarios/new/", views.ScenarioCreateView.as_view(), name="scenario_create"),
    path("scenarios/import/", views.ScenarioImportView.as_view(), name="scenario_import"),
    path("scenarios/export/", views.ScenarioExportView.as_view(), name="scenario_export"),
    path("scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", views.ScenarioUpdateView.as_view(), name="scenario_update"),
    path("scenarios/<int:pk>/delete/", views.ScenarioDeleteView.as_view(), name="scenario_delete"),
    path("runs/", views.MyRunsView.as_view(), name="run_list"),
    path("runs/<int:run_pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:run_pk>/finish/", views.RunFinishView.as_view(), name="run_finish"),
    path("runs/<int:run_pk>/steps/<int:pk>/", views.StepRecordView.as_view(), name="step_record"),
    path("runs/<int:run_pk>/steps/<int:pk>/defect/", views.DefectRaiseView.as_view(), name="defect_raise"),
    path("runs/<int:run_pk>/steps/<int:pk>/screenshot/", views.StepScreenshotView.as_view(), name="step_screenshot"),
]

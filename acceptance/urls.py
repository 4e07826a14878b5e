from django.urls import path

from acceptance.views import cycles, runs, scenarios, signoff

app_name = "acceptance"

urlpatterns = [
    path("", cycles.CycleListView.as_view(), name="cycle_list"),
    path("cycles/new/", cycles.CycleCreateView.as_view(), name="cycle_create"),
    path("cycles/<int:pk>/", cycles.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/edit/", cycles.CycleUpdateView.as_view(), name="cycle_update"),
    path("cycles/<int:pk>/delete/", cycles.CycleDeleteView.as_view(), name="cycle_delete"),
    path("cycles/<int:pk>/export/", cycles.CycleExportView.as_view(), name="cycle_export"),
    path("cycles/<int:pk>/runs/new/", runs.RunCreateView.as_view(), name="run_create"),
    path("cycles/<int:pk>/modules/<int:module_pk>/sign-off/", signoff.SignOffView.as_view(), name="sign_off"),
    path(
        "cycles/<int:pk>/modules/<int:module_pk>/sign-off/withdraw/",
        signoff.SignOffWithdrawView.as_view(),
        name="sign_off_withdraw",
    ),
    path(
        "cycles/<int:pk>/modules/<int:module_pk>/exception/withdraw/",
        signoff.ExceptionWithdrawView.as_view(),
        name="exception_withdraw",
    ),
    path(
        "cycles/<int:pk>/modules/<int:module_pk>/exception/",
        signoff.ExceptionCreateView.as_view(),
        name="exception_create",
    ),
    path("scenarios/", scenarios.ScenarioListView.as_view(), name="scenario_list"),
    path("scenarios/new/", scenarios.ScenarioCreateView.as_view(), name="scenario_create"),
    path("scenarios/import/", scenarios.ScenarioImportView.as_view(), name="scenario_import"),
    path("scenarios/export/", scenarios.ScenarioExportView.as_view(), name="scenario_export"),
    path("scenarios/<int:pk>/", scenarios.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", scenarios.ScenarioUpdateView.as_view(), name="scenario_update"),
    path("scenarios/<int:pk>/delete/", scenarios.ScenarioDeleteView.as_view(), name="scenario_delete"),
    path("runs/", runs.MyRunsView.as_view(), name="run_list"),
    path("runs/<int:run_pk>/", runs.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:run_pk>/finish/", runs.RunFinishView.as_view(), name="run_finish"),
    path("runs/<int:run_pk>/steps/<int:pk>/", runs.StepRecordView.as_view(), name="step_record"),
    path("runs/<int:run_pk>/steps/<int:pk>/defect/", runs.DefectRaiseView.as_view(), name="defect_raise"),
    path("runs/<int:run_pk>/steps/<int:pk>/screenshot/", runs.StepScreenshotView.as_view(), name="step_screenshot"),
]

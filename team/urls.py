from django.urls import path

from team import views

app_name = "people"

urlpatterns = [
    path("", views.RosterView.as_view(), name="list"),
    path("add/", views.PersonAddView.as_view(), name="create"),
    path("lookup/", views.MemberLookupView.as_view(), name="lookup"),
    path("export/", views.RosterExportView.as_view(), name="export"),
    path("<int:membership_id>/edit/", views.MembershipUpdateView.as_view(), name="update"),
    path("<int:membership_id>/deactivate/", views.MembershipDeactivateView.as_view(), name="deactivate"),
    path("<int:membership_id>/reactivate/", views.MembershipActivateView.as_view(), name="activate"),
    path("<int:membership_id>/password-link/", views.PasswordLinkView.as_view(), name="password_link"),
    path("import/", views.RosterImportView.as_view(), name="import"),
    path("import/template/", views.RosterTemplateView.as_view(), name="import_template"),
    path("import/<int:import_id>/", views.RosterImportDetailView.as_view(), name="import_detail"),
    path("import/<int:import_id>/confirm/", views.RosterImportConfirmView.as_view(), name="import_confirm"),
]

from django.urls import path

from modules import views

app_name = "modules"

urlpatterns = [
    path("", views.ModuleListView.as_view(), name="list"),
    path("new/", views.ModuleCreateView.as_view(), name="create"),
    path("key-users/export/", views.KeyUserMatrixExportView.as_view(), name="matrix_export"),
    path("deliverables/", views.DeliverableTypeListView.as_view(), name="deliverable_types"),
    path("deliverables/<int:type_id>/", views.DeliverableTypeUpdateView.as_view(), name="deliverable_type_update"),
    path("<int:module_id>/", views.ModuleDetailView.as_view(), name="detail"),
    path("<int:module_id>/edit/", views.ModuleUpdateView.as_view(), name="update"),
    path("<int:module_id>/scope/", views.ModuleScopeView.as_view(), name="scope"),
    path("<int:module_id>/delete/", views.ModuleDeleteView.as_view(), name="delete"),
    path("<int:module_id>/key-users/add/", views.KeyUserAddView.as_view(), name="key_user_add"),
    path(
        "<int:module_id>/key-users/<int:assignment_id>/primary/",
        views.KeyUserPrimaryView.as_view(),
        name="key_user_primary",
    ),
    path(
        "<int:module_id>/key-users/<int:assignment_id>/remove/",
        views.KeyUserRemoveView.as_view(),
        name="key_user_remove",
    ),
    path("<int:module_id>/end-users/add/", views.EndUsersAddView.as_view(), name="end_user_add"),
    path(
        "<int:module_id>/end-users/<int:end_user_id>/remove/",
        views.EndUserRemoveView.as_view(),
        name="end_user_remove",
    ),
    path(
        "<int:module_id>/deliverables/<int:deliverable_id>/",
        views.DeliverableUpdateView.as_view(),
        name="deliverable_update",
    ),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from erpteam.views import health
from notifications.views import my_settings
from people import accounts
from readiness.views import portfolio
from workspaces.views import home

# Uploaded files are served only by views that check who may see them (never straight from MEDIA_ROOT).
urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password/reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/setlang/", accounts.language_set, name="set_language"),
    path("health/", health, name="health"),
    path("notifications/", include("notifications.urls")),
    path("settings/", my_settings, name="my_settings"),
    path("search/", include("search.urls")),
    path("portfolio/", portfolio, name="portfolio"),
    path("admin/", admin.site.urls),
    path("p/", include("projects.urls")),
    path("p/", include("readiness.urls")),
    path("p/<int:project_id>/team/", include("team.urls")),
    path("p/<int:project_id>/modules/", include("modules.urls")),
    path("p/<int:project_id>/training/", include("training.urls")),
    path("p/<int:project_id>/issues/", include("issues.urls")),
    path("p/<int:project_id>/acceptance/", include("acceptance.urls")),
    path("p/<int:project_id>/audit/", include("audit.urls")),
]
handler500 = "erpteam.views.server_error"

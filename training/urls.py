from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="list"),
    path("completion/", views.CompletionView.as_view(), name="completion"),
    path("mine/", views.MyTrainingView.as_view(), name="mine"),
    path("go-live-access/", views.GoLiveAccessView.as_view(), name="go_live_access"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="feed"),
    path("calendar/reset/", views.CalendarFeedResetView.as_view(), name="feed_reset"),
    path("new/", views.SessionCreateView.as_view(), name="create"),
    path("<int:session_id>/", views.SessionDetailView.as_view(), name="detail"),
    path("<int:session_id>/edit/", views.SessionUpdateView.as_view(), name="update"),
    path("<int:session_id>/cancel/", views.SessionCancelView.as_view(), name="cancel"),
    path("<int:session_id>/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "<int:session_id>/invite-not-yet-trained/",
        views.InviteNotYetTrainedView.as_view(),
        name="invite_not_yet_trained",
    ),
    path(
        "<int:session_id>/attendees/<int:attendance_id>/remove/",
        views.AttendeeRemoveView.as_view(),
        name="attendee_remove",
    ),
    path("<int:session_id>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("<int:session_id>/sign-in-sheet/", views.SignInSheetView.as_view(), name="sign_in_sheet"),
    path("<int:session_id>/calendar.ics", views.SessionCalendarView.as_view(), name="session_ics"),
    path("<int:session_id>/materials/", views.MaterialsView.as_view(), name="materials"),
]

from django.urls import path

from issues import views

app_name = "issues"

urlpatterns = [
    path("", views.IssueListView.as_view(), name="list"),
    path("export/", views.IssueExportView.as_view(), name="export"),
    path("new/", views.IssueCreateView.as_view(), name="create"),
    path("sla/", views.SlaPolicyView.as_view(), name="sla"),
    path("<int:issue_id>/", views.IssueDetailView.as_view(), name="detail"),
    path("<int:issue_id>/edit/", views.IssueUpdateView.as_view(), name="update"),
    path("<int:issue_id>/transition/", views.IssueTransitionView.as_view(), name="transition"),
    path("<int:issue_id>/assign/", views.IssueAssignView.as_view(), name="assign"),
    path("<int:issue_id>/escalate/", views.IssueEscalateView.as_view(), name="escalate"),
    path("<int:issue_id>/comments/", views.CommentCreateView.as_view(), name="comment"),
    path("<int:issue_id>/attachments/", views.AttachmentCreateView.as_view(), name="attachment_add"),
    path(
        "<int:issue_id>/attachments/<int:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path("<int:issue_id>/options/", views.SolutionOptionCreateView.as_view(), name="option_create"),
    path(
        "<int:issue_id>/options/<int:option_id>/recommend/",
        views.SolutionOptionRecommendView.as_view(),
        name="option_recommend",
    ),
    path("<int:issue_id>/decide/", views.IssueDecideView.as_view(), name="decide"),
]

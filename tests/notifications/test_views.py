import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification, NotificationPreference
from people.models import Membership
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def notify(team, user, n: int, url: str = "/"):
    return services.notify(
        recipients=[user],
        kind=Notification.Kind.ESCALATED,
        event_key=f"event-{n}",
        subject=f"Issue {n} escalated to you",
        url=url,
        project=team.project,
    )


def test_the_list_shows_only_my_notifications(team):
    notify(team, team.user(Role.APP_CONSULTANT), 1)
    notify(team, team.user(Role.KEY_USER), 2)
    page = team.client_for(Role.APP_CONSULTANT).get(reverse("notifications:list")).content.decode()
    assert "Issue 1 escalated to you" in page
    assert "Issue 2 escalated" not in page


def test_the_unread_count_shows_on_the_navigation(team):
    notify(team, team.user(Role.APP_CONSULTANT), 1)
    notify(team, team.user(Role.APP_CONSULTANT), 2)
    response = team.client_for(Role.APP_CONSULTANT).get(reverse("home"))
    assert '<span class="badge rounded-pill text-bg-danger">2<' in response.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(team):
    (notification,) = notify(team, team.user(Role.APP_CONSULTANT), 1, url=f"/p/{team.project.pk}/")
    response = team.client_for(Role.APP_CONSULTANT).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == f"/p/{team.project.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(team):
    (notification,) = notify(team, team.user(Role.APP_CONSULTANT), 1, url="https://evil.example.com/")
    response = team.client_for(Role.APP_CONSULTANT).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404(team):
    (notification,) = notify(team, team.user(Role.KEY_USER), 1)
    client = team.client_for(Role.APP_CONSULTANT)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(team):
    notify(team, team.user(Role.APP_CONSULTANT), 1)
    notify(team, team.user(Role.KEY_USER), 2)
    team.client_for(Role.APP_CONSULTANT).post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=team.user(Role.APP_CONSULTANT), read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=team.user(Role.KEY_USER), read_at__isnull=True).exists()


def test_settings_save_language_time_zone_and_email_choices(team):
    client = team.client_for(Role.KEY_USER)
    response = client.post(
        reverse("my_settings"),
        {"language": "zh-hans", "time_zone": "Europe/Berlin", "email_kinds": ["assigned", "decision"]},
    )
    assert response.status_code == 302
    user = team.user(Role.KEY_USER)
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("zh-hans", "Europe/Berlin")
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    assert off == set(Notification.Kind.values) - {"assigned", "decision"}


def test_an_unknown_time_zone_is_refused_and_nothing_changes(team):
    response = team.client_for(Role.KEY_USER).post(reverse("my_settings"), {"language": "", "time_zone": "Mars/Base"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user = team.user(Role.KEY_USER)
    user.refresh_from_db()
    assert user.time_zone == ""


def test_the_list_runs_the_same_queries_for_3_and_60_notifications(team):
    user = team.user(Role.APP_CONSULTANT)
    client = team.client_for(Role.APP_CONSULTANT)
    for n in range(3):
        notify(team, user, n)
    small = queries_for(client, reverse("notifications:list"))
    for n in range(3, 60):
        notify(team, user, n)
    assert queries_for(client, reverse("notifications:list")) == small

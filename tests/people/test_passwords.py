"""A person's password: changed on their settings page, or chosen through an emailed link, whether they
forgot it or never had one (the team added them, and a consultant invites them from the roster)."""

import re
import smtplib
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from people.models import Membership, User
from people.services import person_add

pytestmark = pytest.mark.django_db

Role = Membership.Role
NEW = "Tangerine-Forklift-42"


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+", message.body)
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def choose_password(client: Client, link: str, password: str):
    """Open the emailed link (Django moves the token into the session and redirects) and set a password."""
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_a_person_who_forgot_their_password_chooses_a_new_one_by_the_emailed_link(team, password):
    user = team.user(Role.KEY_USER)
    client = Client()
    response = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert response.url == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Reset your erpteam password"
    assert f"Your username: {user.username}" in message.body

    link = link_in(message)
    assert choose_password(client, link, NEW).url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not user.check_password(password)
    assert Client().login(username=user.username, password=NEW)
    assert not client.get(link, follow=True).context["validlink"]  # the link works once


def test_someone_added_without_a_password_sets_their_first_one_from_the_log_in_page(team):
    member = person_add(project=team.project, role=Role.END_USER, username="chen.mei", email="chen.mei@example.com")
    assert not member.user.has_usable_password()
    client = Client()
    client.post(reverse("password_reset"), {"email": "chen.mei@example.com"})
    (message,) = mail.outbox
    assert message.subject == "Set your erpteam password"
    assert "Choose your password on this page, then log in" in message.body
    choose_password(client, link_in(message), NEW)
    assert Client().login(username="chen.mei", password=NEW)


def test_the_reset_page_says_the_same_for_an_unknown_address_and_sends_nothing(team):
    team.user(Role.IT_USER).is_active = False
    team.user(Role.IT_USER).save()
    for email in ["nobody@example.com", team.user(Role.IT_USER).email]:
        response = Client().post(reverse("password_reset"), {"email": email}, follow=True)
        assert "If an account has this address" in response.content.decode()
    assert mail.outbox == []


def test_asking_again_within_minutes_sends_no_second_email(team):
    email = team.user(Role.KEY_USER).email
    for _attempt in range(3):
        assert Client().post(reverse("password_reset"), {"email": email}).url == reverse("password_reset_done")
    assert len(mail.outbox) == 1


def test_a_weak_password_is_refused_on_the_link_page_and_the_old_one_stays(team, password):
    user = team.user(Role.MANAGER)
    client = Client()
    client.post(reverse("password_reset"), {"email": user.email})
    response = choose_password(client, link_in(mail.outbox[0]), "12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_mail_server_failure_is_logged_and_the_reset_page_reveals_nothing(team, caplog):
    with mock.patch("people.services.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("down")):
        response = Client().post(reverse("password_reset"), {"email": team.user(Role.MANAGER).email})
    assert response.url == reverse("password_reset_done")
    assert "could not be sent" in caplog.text
    Client().post(reverse("password_reset"), {"email": team.user(Role.MANAGER).email})
    assert len(mail.outbox) == 1  # asking again at once works, once the mail server is back


def test_a_consultant_invites_a_new_member_in_the_member_s_language(team):
    member = person_add(project=team.project, role=Role.KEY_USER, username="li.wei", email="li.wei@example.com")
    User.objects.filter(pk=member.user.pk).update(language="zh-hans")
    consultant = team.client_for(Role.APP_CONSULTANT)
    url = reverse("people:password_link", args=[team.project.pk, member.pk])
    assert "Invite" in consultant.get(url).content.decode()

    response = consultant.post(url, follow=True)
    assert "The email to" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["li.wei@example.com"]
    assert team.project.name in message.subject
    assert "erpteam" in message.subject
    assert "邀请" in message.subject  # in Chinese, as the member reads erpteam
    assert team.user(Role.APP_CONSULTANT).display_name in message.body
    choose_password(Client(), link_in(message), NEW)
    assert Client().login(username="li.wei", password=NEW)


def test_an_invitation_to_a_member_without_an_email_address_is_refused_on_the_page(team):
    member = person_add(project=team.project, role=Role.END_USER, username="wang.hong")
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("people:password_link", args=[team.project.pk, member.pk])
    )
    assert response.status_code == 200
    assert "has no email address" in response.content.decode()
    assert mail.outbox == []


def test_an_invitation_the_mail_server_refuses_says_so(team):
    member = team.members[Role.END_USER]
    with mock.patch("people.services.EmailMessage.send", side_effect=OSError("connection refused")):
        response = team.client_for(Role.APP_CONSULTANT).post(
            reverse("people:password_link", args=[team.project.pk, member.pk])
        )
    assert response.status_code == 200
    assert "could not be sent; try again later" in response.content.decode()


def test_a_person_changes_their_password_and_stays_logged_in(team, password):
    user = team.user(Role.END_USER)
    client = team.client_for(Role.END_USER)
    wrong = client.post(
        reverse("password_change"), {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW}
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(password)

    response = client.post(
        reverse("password_change"), {"old_password": password, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("my_settings")
    assert "Your password was changed." in response.content.decode()
    assert client.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_the_log_in_and_settings_pages_lead_to_the_password_pages(team):
    assert reverse("password_reset") in Client().get(reverse("login")).content.decode()
    assert reverse("password_change") in team.client_for(Role.MANAGER).get(reverse("my_settings")).content.decode()
    roster = team.client_for(Role.APP_CONSULTANT).get(reverse("people:list", args=[team.project.pk]))
    link = reverse("people:password_link", args=[team.project.pk, team.members[Role.KEY_USER].pk])
    assert link in roster.content.decode()

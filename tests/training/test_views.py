"""Training pages: scheduling within one's rights, inviting, taking attendance, completion, a person's own
training, the calendar feed, materials and the go-live access list."""

import datetime
import io

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from modules.services import key_user_assign, module_end_user_add
from people.models import Membership
from tests.factories import MembershipFactory, module_make
from tests.training.conftest import at, end_user_make, held, session_make
from training import selectors, services
from training.models import MATERIAL_MAX_BYTES, Attendance, TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
Kind = TrainingSession.Kind
S = Attendance.Status


def url(name, team, *args, **query):
    address = reverse(f"training:{name}", args=[team.project.pk, *args])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def session_form(team, **overrides):
    start = at(3)
    return {
        "module": team.module.pk,
        "kind": Kind.END_USER,
        "title": "Posting vendor invoices",
        "trainer": team.members[Role.KEY_USER].pk,
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Room 301",
        "capacity": 12,
        **overrides,
    }


# --- scheduling -----------------------------------------------------------------------------------------


def test_a_key_user_schedules_an_end_user_session_for_their_module(team):
    response = team.client_for(Role.KEY_USER).post(url("create", team), session_form(team))
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", team, session.pk)
    assert (session.module, session.kind, session.capacity) == (team.module, Kind.END_USER, 12)
    assert session.created_by == team.user(Role.KEY_USER)


def test_a_key_user_cannot_schedule_for_a_module_they_do_not_own(team):
    others = module_make(project=team.project, code="wm", name="Warehouse")
    response = team.client_for(Role.KEY_USER).post(url("create", team), session_form(team, module=others.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_key_user_cannot_schedule_a_train_the_trainer_session(team):
    response = team.client_for(Role.KEY_USER).post(url("create", team), session_form(team, kind=Kind.TRAIN_THE_TRAINER))
    assert response.status_code == 200
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("name", ["update", "invite", "cancel", "invite_not_yet_trained"])
def test_a_key_user_cannot_manage_sessions_of_a_module_they_do_not_own(team, name):
    other_key_user = MembershipFactory(project=team.project, role=Role.KEY_USER)
    others = module_make(project=team.project, code="wm", key_users=[other_key_user])
    session = session_make(team, module=others, trainer=other_key_user)
    client = team.client_for(Role.KEY_USER)
    response = client.get(url(name, team, session.pk)) if name in ("update", "invite") else None
    if response is not None:
        assert response.status_code == 403
    assert client.post(url(name, team, session.pk)).status_code == 403
    assert TrainingSession.objects.get().status == TrainingSession.Status.PLANNED


def test_a_key_user_cannot_change_a_train_the_trainer_session_of_their_module(team):
    session = session_make(team, kind=Kind.TRAIN_THE_TRAINER)
    assert team.client_for(Role.KEY_USER).get(url("update", team, session.pk)).status_code == 403


def test_a_consultant_schedules_a_train_the_trainer_session(team):
    form = session_form(team, kind=Kind.TRAIN_THE_TRAINER, trainer=team.members[Role.APP_CONSULTANT].pk)
    response = team.client_for(Role.APP_CONSULTANT).post(url("create", team), form)
    assert response.status_code == 302
    assert TrainingSession.objects.get().kind == Kind.TRAIN_THE_TRAINER


def test_a_refused_session_keeps_what_was_typed(team):
    form = session_form(team, kind=Kind.TRAIN_THE_TRAINER, title="Finance design walkthrough")
    response = team.client_for(Role.APP_CONSULTANT).post(url("create", team), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "given by a consultant" in page
    assert 'value="Finance design walkthrough"' in page


def test_a_session_needs_a_place_or_a_link(team):
    response = team.client_for(Role.KEY_USER).post(url("create", team), session_form(team, place=""))
    assert "Give a place or an online link" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_double_booked_trainer_is_warned(team):
    session_make(team, start=at(3), title="Closing the month")
    response = team.client_for(Role.KEY_USER).post(url("create", team), session_form(team), follow=True)
    assert "Double-booked" in response.content.decode()
    assert "Closing the month" in response.content.decode()


def test_changing_a_session_keeps_it_with_its_module(team):
    session = session_make(team)
    form = session_form(team, title="Vendor invoices, part 2")
    del form["module"]
    response = team.client_for(Role.KEY_USER).post(url("update", team, session.pk), form)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Vendor invoices, part 2"


def test_cancelling_a_session_from_its_page(team):
    session = session_make(team)
    response = team.client_for(Role.KEY_USER).post(url("cancel", team, session.pk), follow=True)
    assert "Session cancelled" in response.content.decode()
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.CANCELLED


# --- materials ------------------------------------------------------------------------------------------


def test_uploaded_materials_are_downloaded_as_an_attachment_with_their_own_type(team):
    pdf = SimpleUploadedFile("ap-handbook.pdf", b"%PDF-1.4 handbook", content_type="text/html")
    response = team.client_for(Role.KEY_USER).post(url("create", team), {**session_form(team), "materials_file": pdf})
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    download = team.client_for(Role.MANAGER).get(url("materials", team, session.pk))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="ap-handbook.pdf"')
    assert b"".join(download.streaming_content) == b"%PDF-1.4 handbook"


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("slides.html", 10, "not allowed"),
        ("slides.svg", 10, "not allowed"),
        ("video.mp4", MATERIAL_MAX_BYTES + 1, "larger than 50 MB"),
    ],
)
def test_materials_of_the_wrong_type_or_size_are_refused(team, name, size, message):
    upload = SimpleUploadedFile(name, b"x" * size)
    response = team.client_for(Role.KEY_USER).post(
        url("create", team), {**session_form(team), "materials_file": upload}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_session_without_an_uploaded_file_has_no_materials_download(team):
    session = session_make(team)
    assert team.client_for(Role.KEY_USER).get(url("materials", team, session.pk)).status_code == 404


# --- invitations ----------------------------------------------------------------------------------------


def test_inviting_beyond_capacity_is_refused_unless_overridden(team):
    session = session_make(team, capacity=1)
    people = [end_user_make(team), end_user_make(team)]
    client = team.client_for(Role.KEY_USER)
    response = client.post(url("invite", team, session.pk), {"people": [p.pk for p in people]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 place, 0 of them taken" in page
    assert f'value="{people[0].pk}" id="person-{people[0].pk}" checked' in page  # the ticks stay
    assert not session.attendances.exists()

    response = client.post(
        url("invite", team, session.pk), {"people": [p.pk for p in people], "override_capacity": "on"}
    )
    assert response.status_code == 302
    assert session.attendances.count() == 2


def test_the_invite_page_shows_who_is_already_trained(team):
    trained, waiting = end_user_make(team, username="trained"), end_user_make(team, username="waiting")
    held(session_make(team, start=at(-3)), {trained: S.PRESENT})
    session = session_make(team)
    page = team.client_for(Role.KEY_USER).get(url("invite", team, session.pk)).content.decode()
    assert "Already trained" in page
    assert "Not trained" in page
    assert waiting.user.display_name in page


def test_inviting_all_end_users_not_yet_trained(team):
    trained, first, second = end_user_make(team), end_user_make(team), end_user_make(team)
    end_user_make(team, module_make(project=team.project, code="wm"))  # works elsewhere
    held(session_make(team, start=at(-3)), {trained: S.PRESENT})
    session = session_make(team)
    page = team.client_for(Role.KEY_USER).get(url("detail", team, session.pk)).content.decode()
    assert "2 end users of this module are not trained yet" in page

    response = team.client_for(Role.KEY_USER).post(url("invite_not_yet_trained", team, session.pk), follow=True)

    assert "2 people invited" in response.content.decode()
    assert set(session.attendances.values_list("membership_id", flat=True)) == {first.pk, second.pk}


def test_inviting_all_not_yet_trained_respects_the_capacity(team):
    for _ in range(3):
        end_user_make(team)
    session = session_make(team, capacity=2)
    client = team.client_for(Role.KEY_USER)
    response = client.post(url("invite_not_yet_trained", team, session.pk), follow=True)
    assert "2 places, 0 of them taken" in response.content.decode()
    assert not session.attendances.exists()
    client.post(url("invite_not_yet_trained", team, session.pk), {"override_capacity": "on"})
    assert session.attendances.count() == 3


def test_taking_someone_off_the_list(team):
    session = session_make(team)
    (attendance,) = services.attendees_invite(session=session, memberships=[end_user_make(team)])
    response = team.client_for(Role.KEY_USER).post(url("attendee_remove", team, session.pk, attendance.pk))
    assert response.status_code == 302
    assert not session.attendances.exists()


# --- attendance -----------------------------------------------------------------------------------------


@pytest.fixture
def today_session(team):
    session = session_make(team, start=at(0, 0, 5), hours=23, has_assessment=True)
    people = [end_user_make(team, username=f"attendee{n}") for n in range(3)]
    services.attendees_invite(session=session, memberships=people)
    return session


def test_the_trainer_records_the_whole_session_on_one_page(team, today_session):
    client = team.client_for(Role.KEY_USER)
    page = client.get(url("attendance", team, today_session.pk)).content.decode()
    assert page.count('type="radio"') == 3 * (4 + 2)
    assert "All present" in page
    a, b, c = today_session.attendances.order_by("membership__user__username")
    response = client.post(
        url("attendance", team, today_session.pk),
        {
            f"status_{a.pk}": "present",
            f"passed_{a.pk}": "passed",
            f"status_{b.pk}": "late",
            f"passed_{b.pk}": "failed",
            f"status_{c.pk}": "absent",
        },
    )
    assert response.status_code == 302
    assert dict(today_session.attendances.values_list("pk", "status")) == {
        a.pk: S.PRESENT,
        b.pk: S.LATE,
        c.pk: S.ABSENT,
    }
    today_session.refresh_from_db()
    assert today_session.status == TrainingSession.Status.HELD
    assert selectors.trained_end_user_ids(module=team.module) == {a.membership_id}


def test_all_present_marks_everyone_left_blank_present(team, today_session):
    a, b, c = today_session.attendances.order_by("membership__user__username")
    team.client_for(Role.APP_CONSULTANT).post(
        url("attendance", team, today_session.pk), {f"status_{c.pk}": "excused", "all_present": "1"}
    )
    assert dict(today_session.attendances.values_list("pk", "status")) == {
        a.pk: S.PRESENT,
        b.pk: S.PRESENT,
        c.pk: S.EXCUSED,
    }


def test_an_empty_attendance_form_asks_for_a_status(team, today_session):
    response = team.client_for(Role.KEY_USER).post(url("attendance", team, today_session.pk), {})
    assert response.status_code == 200
    assert "Mark at least one person" in response.content.decode()


def test_a_key_user_of_the_module_who_is_not_the_trainer_may_not_take_attendance(team, today_session):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    key_user_assign(module=team.module, membership=backup)
    client = Client()
    client.force_login(backup.user)
    assert client.get(url("attendance", team, today_session.pk)).status_code == 403


def test_the_attendance_page_waits_for_the_session(team):
    session = session_make(team, start=at(5))
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    page = team.client_for(Role.KEY_USER).get(url("attendance", team, session.pk)).content.decode()
    assert "Attendance opens an hour before" in page
    assert 'type="radio"' not in page


def test_the_sign_in_sheet_lists_the_people_expected(team, today_session):
    excused = today_session.attendances.order_by("membership__user__username").last()
    services.attendance_record(session=today_session, marks={excused.pk: (S.EXCUSED, None)})
    page = team.client_for(Role.MANAGER).get(url("sign_in_sheet", team, today_session.pk)).content.decode()
    assert "Signature" in page
    assert "@page" not in page  # print rules live in the stylesheet
    names = [a.membership.user.display_name for a in today_session.attendances.select_related("membership__user")]
    assert sum(name in page for name in names) == 2


def test_recording_attendance_moves_the_module_completion(team):
    """The demo's story: a Key User runs an end-user session and the module's figure changes."""
    people = [end_user_make(team) for _ in range(4)]
    session = session_make(team, start=at(0, 0, 5), hours=23)
    services.attendees_invite(session=session, memberships=people)
    client = team.client_for(Role.KEY_USER)
    before = client.get(url("completion", team)).context["modules"][0].end_users
    attendances = session.attendances.all()
    client.post(url("attendance", team, session.pk), {f"status_{a.pk}": "present" for a in attendances[:3]})
    after = client.get(url("completion", team)).context["modules"][0].end_users
    assert (before.done, before.required) == (0, 4)
    assert (after.done, after.required) == (3, 4)


# --- what end users see -----------------------------------------------------------------------------------


def test_end_users_see_only_the_sessions_they_are_invited_to(team):
    mine = session_make(team, title="Mine")
    session_make(team, title="Someone else's", start=at(4))
    services.attendees_invite(session=mine, memberships=[team.members[Role.END_USER]])
    client = team.client_for(Role.END_USER)
    page = client.get(url("list", team)).content.decode()
    assert "Mine" in page
    assert "Someone else&#x27;s" not in page


def test_an_end_user_gets_404_for_a_session_they_are_not_invited_to(team):
    session = session_make(team)
    client = team.client_for(Role.END_USER)
    for name in ("detail", "session_ics", "materials"):
        assert client.get(url(name, team, session.pk)).status_code == 404


def test_an_end_user_sees_their_own_status_but_not_the_other_attendees(team):
    session = session_make(team)
    other = end_user_make(team, username="colleague")
    services.attendees_invite(session=session, memberships=[team.members[Role.END_USER], other])
    page = team.client_for(Role.END_USER).get(url("detail", team, session.pk)).content.decode()
    assert "You are on the list" in page
    assert other.user.display_name not in page


def test_my_training_shows_an_end_user_their_modules_and_sessions(team):
    me = team.members[Role.END_USER]
    module_end_user_add(module=team.module, membership=me)
    upcoming = session_make(team, title="Vendor invoices")
    services.attendees_invite(session=upcoming, memberships=[me])
    response = team.client_for(Role.END_USER).get(url("mine", team))
    page = response.content.decode()
    assert "Not trained yet" in page
    assert "Vendor invoices" in page
    assert url("session_ics", team, upcoming.pk) in page
    assert response.context["feed_url"].startswith("http://testserver/p/")


@pytest.mark.parametrize("role", [Role.END_USER])
def test_end_users_do_not_see_project_wide_training(team, role):
    client = team.client_for(role)
    assert client.get(url("completion", team)).status_code == 403
    assert client.get(url("go_live_access", team)).status_code == 403


# --- the calendar feed ----------------------------------------------------------------------------------


def test_the_calendar_feed_works_without_logging_in(team):
    me = team.members[Role.END_USER]
    session = session_make(team, title="Vendor invoices")
    cancelled = session_make(team, title="Old slot", start=at(4))
    excused = session_make(team, title="Excused", start=at(5))
    for s in (session, cancelled, excused):
        services.attendees_invite(session=s, memberships=[me])
    services.session_cancel(session=cancelled)
    excused.attendances.update(status=S.EXCUSED)
    token = services.calendar_feed_token_get(user=me.user).token

    response = Client().get(url("feed", team, token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert events == {"Vendor invoices": "CONFIRMED", "Old slot": "CANCELLED"}


def test_a_wrong_or_replaced_calendar_link_is_a_404(team):
    me = team.user(Role.END_USER)
    old = services.calendar_feed_token_get(user=me).token
    assert Client().get(url("feed", team, "not-the-secret")).status_code == 404
    team.client_for(Role.END_USER).post(url("feed_reset", team))
    assert Client().get(url("feed", team, old)).status_code == 404


def test_a_calendar_link_shows_nothing_of_a_project_its_owner_is_not_in(team):
    token = services.calendar_feed_token_get(user=team.outsider).token
    assert Client().get(url("feed", team, token)).status_code == 404


def test_a_session_downloads_as_an_ics_file(team):
    session = session_make(team, title="Vendor invoices")
    response = team.client_for(Role.MANAGER).get(url("session_ics", team, session.pk))
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == session.start_at
    assert response["Content-Disposition"].startswith("attachment;")


# --- go-live access -------------------------------------------------------------------------------------


@pytest.fixture
def access_list(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse")
    ready = end_user_make(team, team.module, username="ready", department="Finance")
    missing = end_user_make(team, team.module, warehouse, username="missing", department="Stores")
    held(session_make(team, start=at(-2)), {ready: S.PRESENT, missing: S.PRESENT})
    return ready, missing


def test_it_users_see_who_may_get_an_account(team, access_list):
    ready, _missing = access_list
    response = team.client_for(Role.IT_USER).get(url("go_live_access", team, status="ready"))
    people = list(response.context["people"])
    assert people == [ready]


def test_the_go_live_access_list_exports_as_csv_with_what_is_missing(team, access_list):
    response = team.client_for(Role.IT_USER).get(url("go_live_access", team, export="csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Name,Username,Email,Department,Ready for go-live,Modules,Training missing")
    rows = {line.split(",")[1]: line for line in lines[1:]}
    assert rows["ready"].endswith(",yes,Finance,")
    assert rows["missing"].endswith(',no,"Finance, Warehouse",Warehouse')


def test_the_go_live_access_list_exports_as_xlsx_following_the_filter(team, access_list):
    response = team.client_for(Role.MANAGER).get(url("go_live_access", team, export="xlsx", department="Stores"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "missing"


def test_key_users_do_not_get_the_go_live_access_list(team):
    assert team.client_for(Role.KEY_USER).get(url("go_live_access", team)).status_code == 403


def test_inviting_people_booked_elsewhere_warns_once_with_their_names(team):
    people = [end_user_make(team, username=f"busy{n}") for n in range(7)]
    elsewhere = session_make(team, start=at(3), title="Closing the month", trainer=team.members[Role.APP_CONSULTANT])
    services.attendees_invite(session=elsewhere, memberships=people)
    session = session_make(team, start=at(3, 10))
    response = team.client_for(Role.KEY_USER).post(
        url("invite", team, session.pk), {"people": [p.pk for p in people]}, follow=True
    )
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("Double-booked at this time:")
    assert "(also in “Closing the month”)" in warnings[0]
    assert warnings[0].endswith("and 2 more.")

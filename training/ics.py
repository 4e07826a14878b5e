"""iCalendar (RFC 5545) for training sessions: invitations and cancellations sent by email (iTIP
METHOD:REQUEST / METHOD:CANCEL, RFC 5546) and a person's subscribed calendar feed (METHOD:PUBLISH).

Times are written in UTC (`…Z`), which every calendar app converts to its own time zone; no VTIMEZONE
is needed. One UID per session and a SEQUENCE raised on every change let calendars update the event
they already hold instead of adding a second one.
"""

import datetime
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from people.models import Membership
from training.models import TrainingSession

MIMETYPE = "text/calendar"
PRODID = "-//erpteam//Training sessions//EN"


def session_uid(session: TrainingSession) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "erpteam.local"
    return f"training-session-{session.pk}@{host}"


def session_url(session: TrainingSession) -> str:
    return reverse("training:detail", args=[session.module.project_id, session.pk])


def _address(membership: Membership | None, *, role: str | None = None) -> vCalAddress:
    if membership is not None and membership.user.email:
        email, name = membership.user.email, membership.user.display_name
    else:
        # The site's sender stands in for a trainer without an address: ORGANIZER is required.
        email, name = parseaddr(settings.DEFAULT_FROM_EMAIL)[1], "erpteam"
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    if role:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "FALSE"
    return address


def _description(session: TrainingSession) -> str:
    lines = [f"{session.module.name} · {session.get_kind_display()}"]
    if session.trainer:
        lines.append(str(session.trainer.user.display_name))
    if session.online_link:
        lines.append(session.online_link)
    if session.materials_link:
        lines.append(session.materials_link)
    if session.description:
        lines.extend(["", session.description])
    lines.extend(["", settings.SITE_URL + session_url(session)])
    return "\n".join(lines)


def _event(session: TrainingSession, *, attendee: Membership | None, now: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", now)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.start_at.astimezone(datetime.UTC))
    event.add("dtend", session.end_at.astimezone(datetime.UTC))
    event.add("summary", session.title)
    event.add("description", _description(session))
    location = session.place or session.online_link
    if location:
        event.add("location", location)
    event.add("url", settings.SITE_URL + session_url(session))
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("organizer", _address(session.trainer))
    if attendee is not None:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT"))
    return event


def _calendar(method: str, events: Iterable[Event], **extra: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for name, value in extra.items():
        calendar.add(name, value)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def invitation(session: TrainingSession, *, attendee: Membership) -> tuple[str, str, str]:
    """The email attachment that puts the session in the attendee's calendar (or updates it, or, for a
    cancelled session, removes it): (filename, content, mimetype) as `notify` takes it."""
    now = timezone.now()
    method = "CANCEL" if session.is_cancelled else "REQUEST"
    content = _calendar(method, [_event(session, attendee=attendee, now=now)])
    return ("invite.ics", content.decode(), MIMETYPE)


def withdrawal(session: TrainingSession, *, attendee: Membership) -> tuple[str, str, str]:
    """The attachment telling one person's calendar that they no longer attend the session."""
    event = _event(session, attendee=attendee, now=timezone.now())
    event["status"] = "CANCELLED"
    return ("cancel.ics", _calendar("CANCEL", [event]).decode(), MIMETYPE)


def single(session: TrainingSession, *, attendee: Membership | None = None) -> bytes:
    """One session as a file to open in a calendar app."""
    return _calendar("PUBLISH", [_event(session, attendee=attendee, now=timezone.now())])


def feed(sessions: Iterable[TrainingSession], *, name: str) -> bytes:
    """A person's subscribed calendar: every session they attend or teach."""
    now = timezone.now()
    return _calendar(
        "PUBLISH",
        [_event(session, attendee=None, now=now) for session in sessions],
        **{"x-wr-calname": name, "x-published-ttl": "PT1H"},
    )

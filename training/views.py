"""Training pages: sessions (list, page, schedule, change, cancel, invite), attendance and the sign-in
sheet, completion, a person's own training with their calendar feed, and the go-live access list.
Views parse input and call one service or selector."""

import datetime
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django.views.generic import FormView, ListView, TemplateView, View

from erpteam.permissions import Action, Scope, owns_module, scope_of
from erpteam.views import ProjectMixin
from people.models import Membership
from training import ics, selectors, services
from training.exports import go_live_access_export
from training.filters import GoLiveAccessFilter, SessionFilter
from training.forms import AttendanceForm, InviteForm, InviteNotYetTrainedForm, SessionForm, may_schedule
from training.models import MATERIAL_CONTENT_TYPES, Attendance, CalendarFeedToken, TrainingSession

FEED_HISTORY_DAYS = 180
DOUBLE_BOOKINGS_NAMED = 5


class TrainingMixin(ProjectMixin):
    action = Action.TRAINING_VIEW
    training_page = "sessions"  # the active pill of the training pages' navigation

    @cached_property
    def sees_all(self) -> bool:
        """Whether the member sees the whole project's training (end users see only their own)."""
        return scope_of(self.membership, Action.TRAINING_VIEW) == Scope.ALL

    def require_sees_all(self) -> None:
        if not self.sees_all:
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section="training", training_page=self.training_page, sees_all=self.sees_all, **kwargs
        )

    def query_without_page(self) -> str:
        """The list's query string for pagination and export links."""
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return query.urlencode()

    def session_url(self, session: TrainingSession) -> str:
        return reverse("training:detail", args=[self.project.pk, session.pk])

    def warn_double_bookings(self, session: TrainingSession, membership_ids) -> None:
        """One warning naming the people (the first few) booked elsewhere at the session's time."""
        conflicts = selectors.booking_conflicts(
            project_id=self.project.pk,
            start_at=session.start_at,
            end_at=session.end_at,
            membership_ids=membership_ids,
            exclude_pk=session.pk,
        )
        if not conflicts:
            return
        people = Membership.objects.filter(pk__in=conflicts).select_related("user").order_by("user__last_name")
        shown = [
            _("%(person)s (also in “%(session)s”)")
            % {"person": m.user.display_name, "session": conflicts[m.pk][0].title}
            for m in people[:DOUBLE_BOOKINGS_NAMED]
        ]
        if len(conflicts) > DOUBLE_BOOKINGS_NAMED:
            shown.append(_("and %(n)s more") % {"n": len(conflicts) - DOUBLE_BOOKINGS_NAMED})
        messages.warning(self.request, _("Double-booked at this time: %(people)s.") % {"people": ", ".join(shown)})


class SessionMixin(TrainingMixin):
    """A view of one session the member may see: another project's session, or for an end user one
    they are not invited to, is a 404."""

    @cached_property
    def session(self) -> TrainingSession:
        return get_object_or_404(
            selectors.sessions_visible(membership=self.membership).select_related("module__project", "trainer__user"),
            pk=self.kwargs["session_id"],
        )

    @property
    def may_schedule(self) -> bool:
        return may_schedule(self.membership, kind=self.session.kind, module_id=self.session.module_id)

    def require_schedule(self) -> None:
        if not self.may_schedule:
            raise PermissionDenied

    @property
    def may_record(self) -> bool:
        """The session's trainer records attendance, or a consultant."""
        scope = scope_of(self.membership, Action.ATTENDANCE_RECORD)
        if scope == Scope.ALL:
            return True
        return (
            scope == Scope.OWN_MODULES
            and self.session.trainer_id == self.membership.pk
            and owns_module(self.membership, self.session.module_id)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, **kwargs)


# --- Sessions -----------------------------------------------------------------------------------------


class SessionListView(TrainingMixin, ListView):
    template_name = "training/session_list.html"
    paginate_by = 25
    context_object_name = "sessions"

    def get_queryset(self):
        now = timezone.now()
        upcoming = Case(When(end_at__gte=now, then=Value(0)), default=Value(1), output_field=IntegerField())
        sessions = selectors.session_list(membership=self.membership).order_by(
            upcoming, Case(When(end_at__gte=now, then=F("start_at"))), "-start_at", "pk"
        )
        self.filter = SessionFilter(self.request.GET or None, queryset=sessions, project=self.project)
        return self.filter.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filter, query=self.query_without_page(), **kwargs)


class SessionDetailView(SessionMixin, TemplateView):
    template_name = "training/session_detail.html"

    @cached_property
    def session(self) -> TrainingSession:
        try:
            return selectors.session_detail(membership=self.membership, pk=self.kwargs["session_id"])
        except TrainingSession.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        session = self.session
        context = super().get_context_data(**kwargs)
        may_schedule = self.may_schedule
        conflicts = selectors.session_conflicts(session) if self.sees_all else {}
        my_attendance = next((a for a in session.attendance_list if a.membership_id == self.membership.pk), None)
        context.update(
            session=session,
            attendances=session.attendance_list if self.sees_all else [],
            my_attendance=my_attendance,
            counts=selectors.session_counts(session),
            conflicts=conflicts,
            trainer_conflicts=conflicts.get(session.trainer_id, []),
            may_schedule=may_schedule and not session.is_cancelled,
            may_record=self.may_record and not session.is_cancelled,
            not_yet_completed=(
                selectors.not_yet_completed(session=session).count() if may_schedule and not session.is_cancelled else 0
            ),
        )
        return context


class SessionFormMixin:
    template_name = "training/session_form.html"
    form_class = SessionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "membership": self.membership}

    def saved(self, session: TrainingSession, message: str):
        messages.success(self.request, message)
        if session.trainer_id and session.status == TrainingSession.Status.PLANNED:
            self.warn_double_bookings(session, [session.trainer_id])
        return redirect(self.session_url(session))


class SessionCreateView(SessionFormMixin, TrainingMixin, FormView):
    action = Action.TRAINING_SCHEDULE

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.fields["module"].queryset.exists():
            raise PermissionDenied  # a Key User without a module has nothing to schedule for
        return form

    def get_initial(self):
        """Links from a module's page preselect the module (and, for a refresher, the kind)."""
        initial = {}
        module = self.request.GET.get("module", "")
        if module.isdigit():
            initial["module"] = int(module)
        if self.request.GET.get("kind") in TrainingSession.Kind.values:
            initial["kind"] = self.request.GET["kind"]
        return initial

    def form_valid(self, form):
        try:
            session = services.session_create(
                module=form.cleaned_data["module"], created_by=self.request.user, **form.session_fields
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return self.saved(session, _("Session scheduled. Now invite the people who should attend."))


class SessionUpdateView(SessionFormMixin, SessionMixin, FormView):
    def get_form_kwargs(self):
        self.require_schedule()
        if self.session.is_cancelled:
            raise PermissionDenied
        return {**super().get_form_kwargs(), "instance": self.session}

    def form_valid(self, form):
        try:
            session = services.session_update(session=self.session, **form.session_fields)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return self.saved(session, _("Session updated."))


class SessionActionView(SessionMixin, View):
    """A POST-only action on one session by someone who may schedule it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_schedule()
        try:
            message = self.act()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if message:
                messages.success(request, message)
        return redirect(self.session_url(self.session))


class SessionCancelView(SessionActionView):
    def act(self) -> str:
        services.session_cancel(session=self.session)
        return _("Session cancelled; the people invited were told.")


class InviteNotYetTrainedView(SessionActionView):
    def act(self) -> str:
        form = InviteNotYetTrainedForm(self.request.POST)
        override_capacity = form.is_valid() and form.cleaned_data["override_capacity"]
        people = list(selectors.not_yet_completed(session=self.session))
        if not people:
            messages.info(self.request, _("Everyone in this module is already trained or invited."))
            return ""
        created = services.attendees_invite(
            session=self.session, memberships=people, override_capacity=override_capacity
        )
        self.warn_double_bookings(self.session, [a.membership_id for a in created])
        return ngettext("%(n)s person invited.", "%(n)s people invited.", len(created)) % {"n": len(created)}


class AttendeeRemoveView(SessionActionView):
    def act(self) -> str:
        attendance = get_object_or_404(
            Attendance.objects.select_related("membership__user"), session=self.session, pk=self.kwargs["attendance_id"]
        )
        services.attendee_remove(attendance=attendance)
        return _("%(person)s was taken off the list.") % {"person": attendance.membership.user.display_name}


class InviteView(SessionMixin, FormView):
    template_name = "training/invite.html"
    form_class = InviteForm

    @cached_property
    def candidates(self):
        return selectors.invite_candidates(session=self.session)

    def get_form_kwargs(self):
        self.require_schedule()
        if self.session.is_cancelled:
            raise PermissionDenied
        return {**super().get_form_kwargs(), "candidates": self.candidates}

    def get_context_data(self, **kwargs):
        show_all = self.request.GET.get("all") == "1"
        people = self.candidates if show_all else self.candidates.filter(works_in_module=True)
        form = kwargs.get("form")
        chosen = {str(pk) for pk in (form["people"].value() or [])} if form is not None else set()
        return super().get_context_data(
            people=list(people), show_all=show_all, chosen=chosen, counts=self.place_counts(), **kwargs
        )

    def place_counts(self) -> dict[str, int]:
        taken = self.session.attendances.exclude(status=Attendance.Status.EXCUSED).count()
        return {"taken": taken, "free": max(self.session.capacity - taken, 0)}

    def form_valid(self, form):
        try:
            created = services.attendees_invite(
                session=self.session,
                memberships=form.cleaned_data["people"],
                override_capacity=form.cleaned_data["override_capacity"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, ngettext("%(n)s person invited.", "%(n)s people invited.", len(created)) % {"n": len(created)}
        )
        self.warn_double_bookings(self.session, [a.membership_id for a in created])
        return redirect(self.session_url(self.session))


class AttendanceView(SessionMixin, FormView):
    """The whole session's attendance on one page, made for a tablet in the training room."""

    template_name = "training/attendance.html"
    form_class = AttendanceForm

    def get_form_kwargs(self):
        if not self.may_record:
            raise PermissionDenied
        if self.session.is_cancelled:
            raise PermissionDenied
        attendances = list(self.session.attendances.select_related("membership__user"))
        return {**super().get_form_kwargs(), "session": self.session, "attendances": attendances}

    def get_context_data(self, **kwargs):
        opens_at = self.session.start_at - services.ATTENDANCE_OPENS_BEFORE
        return super().get_context_data(open=opens_at <= timezone.now(), may_schedule=self.may_schedule, **kwargs)

    def form_valid(self, form):
        try:
            services.attendance_record(session=self.session, marks=form.marks)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Attendance saved."))
        return redirect(self.session_url(self.session))


class SignInSheetView(SessionMixin, TemplateView):
    """A printable list to sign at the door."""

    template_name = "training/sign_in_sheet.html"

    def get_context_data(self, **kwargs):
        self.require_sees_all()
        attendances = list(
            self.session.attendances.exclude(status=Attendance.Status.EXCUSED)
            .select_related("membership__user")
            .order_by("membership__user__last_name", "membership__user__first_name", "membership__user__username")
        )
        return super().get_context_data(attendances=attendances, blank_rows=range(5), **kwargs)


class SessionCalendarView(SessionMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        content = ics.single(self.session)
        response = HttpResponse(content, content_type=f"{ics.MIMETYPE}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="training-{self.session.pk}.ics"'
        return response


class MaterialsView(SessionMixin, View):
    """The uploaded materials, always as a download with a content type of our own choosing."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        if not self.session.materials_file:
            raise Http404
        name = self.session.materials_name
        content_type = MATERIAL_CONTENT_TYPES.get(PurePath(name).suffix.lower().lstrip("."))
        if content_type is None:
            raise Http404
        return FileResponse(
            self.session.materials_file.open("rb"), as_attachment=True, filename=name, content_type=content_type
        )


# --- Completion, my training, go-live access --------------------------------------------------------


class CompletionView(TrainingMixin, TemplateView):
    template_name = "training/completion.html"
    training_page = "completion"

    def get_context_data(self, **kwargs):
        self.require_sees_all()
        modules = selectors.module_training_completion(project=self.project, with_people=True)
        return super().get_context_data(
            modules=modules,
            total=selectors.project_completion(modules),
            departments=selectors.department_training_completion(project=self.project),
            **kwargs,
        )


class MyTrainingView(TrainingMixin, TemplateView):
    template_name = "training/mine.html"
    training_page = "mine"

    def get_context_data(self, **kwargs):
        token = services.calendar_feed_token_get(user=self.request.user)
        feed_url = self.request.build_absolute_uri(reverse("training:feed", args=[self.project.pk, token.token]))
        mine = selectors.my_training(membership=self.membership)
        now = timezone.now()
        return super().get_context_data(
            mine=mine,
            upcoming=[a for a in reversed(mine.attendances) if a.session.end_at >= now],
            past=[a for a in mine.attendances if a.session.end_at < now],
            teaching_upcoming=[s for s in reversed(mine.teaching) if s.end_at >= now],
            teaching_past=[s for s in mine.teaching if s.end_at < now],
            feed_url=feed_url,
            webcal_url="webcal://" + feed_url.split("://", 1)[-1],
            **kwargs,
        )


class CalendarFeedResetView(TrainingMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.calendar_feed_token_reset(user=request.user)
        messages.success(request, _("Your calendar link was replaced; the old one no longer works."))
        return redirect("training:mine", project_id=self.project.pk)


@method_decorator([login_not_required, require_GET], name="dispatch")
class CalendarFeedView(View):
    """A person's sessions as a calendar to subscribe to. Calendar apps cannot log in: the secret in the
    link is the key (404 for a wrong one, or when the person is no longer an active member)."""

    def get(self, request, project_id: int, token: str):
        feed_token = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
        if feed_token is None:
            raise Http404
        membership = (
            Membership.objects.active()
            .select_related("project", "user")
            .filter(user=feed_token.user, project_id=project_id)
            .first()
        )
        if membership is None:
            raise Http404
        since = timezone.now() - datetime.timedelta(days=FEED_HISTORY_DAYS)
        sessions = selectors.feed_sessions(membership=membership, since=since)
        # Calendar apps send no language: the feed speaks the one its owner chose.
        with translation.override(feed_token.user.language or translation.get_language()):
            name = _("Training · %(project)s") % {"project": membership.project.name}
            response = HttpResponse(ics.feed(sessions, name=name), content_type=f"{ics.MIMETYPE}; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="training.ics"'
        response["Cache-Control"] = "private, max-age=900"
        return response


class GoLiveAccessView(TrainingMixin, ListView):
    """End users who may get an account at go-live (trained for all their modules), and those who may
    not yet, with what they miss. IT users export it to create the accounts."""

    template_name = "training/go_live_access.html"
    training_page = "access"
    paginate_by = 50
    context_object_name = "people"

    def get_queryset(self):
        departments = (
            Membership.objects.filter(project=self.project, role=Membership.Role.END_USER)
            .exclude(department="")
            .values_list("department", flat=True)
            .distinct()
            .order_by("department")
        )
        self.filter = GoLiveAccessFilter(
            self.request.GET or None,
            queryset=selectors.go_live_access(project=self.project),
            project=self.project,
            departments=list(departments),
        )
        return self.filter.qs

    def get(self, request, *args, **kwargs):
        self.require(Action.GO_LIVE_ACCESS_VIEW)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def export(self, file_format: str):
        return go_live_access_export(project=self.project, people=self.get_queryset()).response(file_format=file_format)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filter, query=self.query_without_page(), **kwargs)

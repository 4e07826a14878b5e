from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from erpteam.permissions import Action
from erpteam.views import ConfirmView, ProjectFormView, ProjectMixin
from modules.forms import KEY_USER_RULE
from people import services as people_services
from people.fields import member_label, member_text
from people.models import Membership, RosterImport
from people.selectors import members_found, role_counts
from team import services
from team.exports import roster_export, roster_template
from team.filters import RosterFilter
from team.forms import MembershipForm, PersonAddForm, RosterImportForm
from team.roster import services as roster_services
from team.roster.apply import roster_import_progress
from team.roster.parse import COLUMNS as ROSTER_COLUMNS
from team.selectors import recent_imports, roster

PAGE_SIZE = 25
LOOKUP_LIMIT = 20
SHOWN_CHANGES = 200


class TeamPageMixin:
    section = "team"

    def get_cancel_url(self) -> str:
        return reverse("people:list", args=[self.project.pk])

    get_success_url = get_cancel_url

    def get_breadcrumbs(self):
        return [(_("Team"), self.get_cancel_url())]


class RosterView(ProjectMixin, TemplateView):
    action = Action.TEAM_VIEW
    template_name = "people/list.html"

    def get_context_data(self, **kwargs):
        filterset = RosterFilter(self.request.GET or None, queryset=roster(project=self.project), project=self.project)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            section="team",
            filter=filterset,
            page=page,
            query=query.urlencode(),
            roles=role_counts(project=self.project),
            **kwargs,
        )


class PersonAddView(TeamPageMixin, ProjectFormView):
    action = Action.TEAM_MANAGE
    form_class = PersonAddForm
    page_title = gettext_lazy("Add a person to the team")
    intro = gettext_lazy(
        "Add someone who already has an account, or a new person: they get an account without a password yet. "
        "With an email address, invite them from the team list to choose one."
    )
    submit_label = gettext_lazy("Add to the team")

    def perform(self, form):
        data = form.cleaned_data
        person = {} if data.get("user") else form.new_person()
        return people_services.person_add(
            project=self.project, role=data["role"], department=data["department"], user=data.get("user"), **person
        )

    def get_success_message(self):
        return _("%(person)s joined the team as %(role)s.") % {
            "person": self.result.user.display_name,
            "role": self.result.get_role_display(),
        }


class MemberMixin(TeamPageMixin):
    def get_member(self) -> Membership:
        if not hasattr(self, "member"):
            self.member = get_object_or_404(
                Membership.objects.select_related("user"), project=self.project, pk=self.kwargs["membership_id"]
            )
        return self.member

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.get_member(), **kwargs)


class MembershipUpdateView(MemberMixin, ProjectFormView):
    action = Action.TEAM_MANAGE
    form_class = MembershipForm
    success_message = gettext_lazy("Saved.")

    @property
    def page_title(self):
        return _("Role and department of %(person)s") % {"person": self.get_member().user.display_name}

    intro = KEY_USER_RULE

    def get_form_kwargs(self):
        # A copy: the form must not change the member shown in the page header if the service refuses.
        member = Membership.objects.get(pk=self.get_member().pk)
        return {**super().get_form_kwargs(), "instance": member}

    def perform(self, form):
        return services.membership_update(membership=self.get_member(), **form.cleaned_data)


class MembershipDeactivateView(MemberMixin, ConfirmView):
    action = Action.TEAM_MANAGE
    submit_label = gettext_lazy("Deactivate")

    @property
    def page_title(self):
        return _("Deactivate %(person)s?") % {"person": self.get_member().user.display_name}

    @property
    def intro(self):
        return _(
            "They lose access to this project; their history stays. %(rule)s A module's only Key User cannot be "
            "deactivated until another Key User is assigned."
        ) % {"rule": KEY_USER_RULE}

    def perform(self, form):
        return services.membership_deactivate(membership=self.get_member())

    def get_success_message(self):
        return _("%(person)s is deactivated.") % {"person": self.result.user.display_name}


class MembershipActivateView(MemberMixin, ConfirmView):
    action = Action.TEAM_MANAGE
    danger = False
    submit_label = gettext_lazy("Reactivate")
    intro = gettext_lazy("They get access to this project again, in the role they had.")

    @property
    def page_title(self):
        return _("Reactivate %(person)s?") % {"person": self.get_member().user.display_name}

    def perform(self, form):
        return services.membership_activate(membership=self.get_member())

    def get_success_message(self):
        return _("%(person)s is active again.") % {"person": self.result.user.display_name}


class PasswordLinkView(MemberMixin, ConfirmView):
    """Email a member a link to choose their password: an invitation for someone added without one."""

    action = Action.TEAM_MANAGE
    danger = False
    submit_label = gettext_lazy("Send the email")

    @property
    def page_title(self):
        user = self.get_member().user
        if user.has_usable_password():
            return _("Send %(person)s a link to reset their password?") % {"person": user.display_name}
        return _("Invite %(person)s to choose a password?") % {"person": user.display_name}

    @property
    def intro(self):
        user = self.get_member().user
        return _(
            "An email to %(email)s with a link to choose a password; the link works once, within %(days)s days. "
            "They can ask for one themselves from the log-in page too."
        ) % {"email": user.email or "—", "days": settings.PASSWORD_RESET_TIMEOUT // 86400}

    def perform(self, form):
        return people_services.password_link_send(user=self.get_member().user, invited_by=self.membership)

    def get_success_message(self):
        return _("The email to %(person)s is sent.") % {"person": self.get_member().user.display_name}


class MemberLookupView(ProjectMixin, View):
    """The members matching what was typed in a person field, for its autocomplete: JSON of at most
    `LOOKUP_LIMIT` of the project's active members, optionally of some roles (`?role=key_user,it_user`)."""

    action = Action.MEMBER_LOOKUP
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        text = request.GET.get("q", "").strip()[:100]
        roles = [role for role in request.GET.get("role", "").split(",") if role in Membership.Role.values]
        members = members_found(project=self.project, text=text, roles=roles, limit=LOOKUP_LIMIT) if text else []
        return JsonResponse(
            {"results": [{"value": member_text(member), "label": member_label(member)} for member in members]}
        )


class RosterExportView(ProjectMixin, View):
    action = Action.TEAM_VIEW
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return roster_export(project=self.project).response(file_format=request.GET.get("format", "csv"))


class RosterTemplateView(ProjectMixin, View):
    """An import template: the columns and three example rows using this project's modules."""

    action = Action.TEAM_MANAGE
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return roster_template(project=self.project).response(file_format=request.GET.get("format", "csv"))


class RosterImportView(TeamPageMixin, ProjectFormView):
    """Upload a roster file; the next page previews it."""

    action = Action.TEAM_MANAGE
    form_class = RosterImportForm
    template_name = "people/import.html"

    def perform(self, form):
        upload = form.cleaned_data["file"]
        return roster_services.roster_import_create(
            project=self.project, uploaded_by=self.request.user, filename=upload.name, data=upload.read()
        )

    def get_success_url(self):
        return reverse("people:import_detail", args=[self.project.pk, self.result.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            imports=recent_imports(project=self.project)[:10],
            columns=ROSTER_COLUMNS,
            inline_limit=roster_services.INLINE_LIMIT,
            key_user_rule=KEY_USER_RULE,
            **kwargs,
        )


class RosterImportMixin(TeamPageMixin):
    def get_import(self) -> RosterImport:
        return get_object_or_404(
            RosterImport.objects.select_related("uploaded_by").defer("rows"),
            project=self.project,
            pk=self.kwargs["import_id"],
        )


class RosterImportDetailView(RosterImportMixin, ProjectMixin, TemplateView):
    """The preview of an upload, then its progress, then its outcome."""

    action = Action.TEAM_MANAGE
    template_name = "people/import_detail.html"

    def get_context_data(self, **kwargs):
        roster_import = self.get_import()
        problems = roster_services.blocking_problems(roster_import)
        done = roster_import_progress(roster_import)
        return super().get_context_data(
            section="team",
            roster_import=roster_import,
            problems=problems[: roster_services.SHOWN_PROBLEMS],
            hidden_problems=max(0, len(problems) - roster_services.SHOWN_PROBLEMS),
            warnings=[p for p in roster_import.problems if p.get("warning")],
            changes=roster_import.changes[:SHOWN_CHANGES],
            hidden_changes=max(0, len(roster_import.changes) - SHOWN_CHANGES),
            done=done,
            percent=round(100 * done / roster_import.row_count) if done and roster_import.row_count else 0,
            running=roster_import.status == RosterImport.Status.QUEUED,
            **kwargs,
        )


class RosterImportConfirmView(RosterImportMixin, ProjectMixin, View):
    action = Action.TEAM_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        roster_import = self.get_import()
        try:
            roster_import = roster_services.roster_import_confirm(roster_import=roster_import)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if roster_import.status == RosterImport.Status.DONE:
                messages.success(request, _("The roster is imported."))
            elif roster_import.status == RosterImport.Status.FAILED:
                messages.error(request, _("The import was refused; nothing was written. See the problems below."))
        return redirect("people:import_detail", self.project.pk, roster_import.pk)

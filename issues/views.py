"""Issue pages: the list (filters, quick views, export), logging, the issue page and its actions, the
screenshots, and the project's SLA policy. Views parse input and call one service or selector."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from erpteam.permissions import Action, Scope, scope_of
from erpteam.views import ProjectMixin
from issues import selectors, services
from issues.exports import issues_export
from issues.filters import IssueFilter
from issues.forms import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    DecisionForm,
    EscalateForm,
    HelpRequestForm,
    IssueForm,
    IssueUpdateForm,
    SlaPolicyForm,
    SolutionOptionForm,
    TransitionForm,
)
from issues.models import Issue, SolutionOption
from issues.panels import issue_panels
from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser

Status = Issue.Status
PAGE_SIZE = 25


class IssuesMixin(ProjectMixin):
    action = Action.ISSUE_VIEW

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="issues", **kwargs)

    def detail_url(self, issue: Issue) -> str:
        return reverse("issues:detail", kwargs={"project_id": self.project.pk, "issue_id": issue.pk})


# --- list and export ----------------------------------------------------------------------------------


class IssueListMixin(IssuesMixin):
    def filtered(self) -> IssueFilter:
        return IssueFilter(
            self.request.GET or None,
            queryset=selectors.issue_list(membership=self.membership).order_by("-number"),
            membership=self.membership,
        )


class IssueListView(IssueListMixin, TemplateView):
    template_name = "issues/list.html"

    def get_context_data(self, **kwargs):
        issues = self.filtered()
        page = selectors.IssuePaginator(issues.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filter=issues,
            page_obj=page,
            issues=page.object_list,
            quick_views=IssueFilter.VIEWS if scope_of(self.membership, Action.ISSUE_VIEW) == Scope.ALL else [],
            active_view=self.request.GET.get("view", ""),
            **kwargs,
        )


class IssueExportView(IssueListMixin, View):
    """The filtered list as a CSV or Excel file."""

    def get(self, request, *args, **kwargs):
        export = issues_export(project=self.project, issues=self.filtered().qs)
        return export.response(file_format=request.GET.get("format", "csv"))


# --- logging ------------------------------------------------------------------------------------------


class IssueCreateView(IssuesMixin, FormView):
    """Key Users log for their modules, consultants and IT users for any; end users ask for help."""

    template_name = "issues/form.html"

    def setup_access(self) -> None:
        self.logs = self.can(Action.ISSUE_LOG)
        if not self.logs and not self.can(Action.ISSUE_REQUEST):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.setup_access()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_access()
        return super().post(request, *args, **kwargs)

    def modules(self):
        modules = BusinessModule.objects.filter(project=self.project, in_scope=True)
        if self.logs:
            if scope_of(self.membership, Action.ISSUE_LOG) == Scope.OWN_MODULES:
                modules = modules.filter(
                    id__in=KeyUserAssignment.objects.filter(membership=self.membership).values("module_id")
                )
            return modules
        mine = modules.filter(id__in=ModuleEndUser.objects.filter(membership=self.membership).values("module_id"))
        return mine if mine.exists() else modules

    def get_form_class(self):
        return IssueForm if self.logs else HelpRequestForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["modules"] = self.modules()
        if self.logs:
            kwargs["project"] = self.project
        return kwargs

    def get_initial(self):
        return {"module": self.request.GET.get("module")}

    def form_valid(self, form):
        data = form.cleaned_data
        if self.logs:
            self.require(Action.ISSUE_LOG, module_id=data["module"].pk)
        try:
            issue = services.issue_create(
                module=data["module"],
                title=data["title"],
                description=data["description"],
                category=data.get("category", Issue.Category.QUESTION),
                severity=data.get("severity", Issue.Severity.S3),
                reporter=self.membership,
                affected_end_user=data.get("affected_end_user"),
                blocks_go_live=data.get("blocks_go_live", False),
                attachments=data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Issue #%(number)s logged.") % {"number": issue.number})
        return redirect(self.detail_url(issue))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Log an issue") if self.logs else _("Ask for help"), logs=self.logs, **kwargs
        )


# --- the issue page -----------------------------------------------------------------------------------


TRANSITION_LABELS = {
    Status.TRIAGED: gettext_lazy("Triage"),
    Status.IN_PROGRESS: gettext_lazy("Start work"),
    Status.WAITING: gettext_lazy("Wait on someone…"),
    Status.RESOLVED: gettext_lazy("Resolve…"),
    Status.CLOSED: gettext_lazy("Close"),
}


def transition_buttons(issue: Issue, statuses: list[str]) -> list[dict]:
    """What the workflow buttons say: moving back to work from a resolved or waiting issue reads as
    reopening or resuming; waiting and resolving open a small form."""
    buttons = []
    for status in statuses:
        label = TRANSITION_LABELS[status]
        if status == Status.IN_PROGRESS and issue.status in (Status.RESOLVED, Status.CLOSED):
            label = gettext_lazy("Reopen")
        elif status == Status.IN_PROGRESS and issue.status == Status.WAITING:
            label = gettext_lazy("Resume work")
        buttons.append({"status": status, "label": label, "needs_form": status in (Status.WAITING, Status.RESOLVED)})
    return buttons


class IssuePageMixin(IssuesMixin):
    """Builds the issue page's context; the action views re-render it with their bound form on errors."""

    template_name = "issues/detail.html"

    def page_context(self, **bound_forms) -> dict:
        issue = selectors.issue_detail(membership=self.membership, issue_id=self.kwargs["issue_id"])
        works = self.can(Action.ISSUE_WORK)
        context = {
            "issue": issue,
            "options": list(issue.options.all()),
            "decisions": list(issue.decisions.all()),
            "escalations": list(issue.escalations.all()),
            "events": list(issue.events.all()),
            "comments": list(issue.comments.all()),
            "attachments": list(issue.attachments.all()),
            "can_converse": works or self.can(Action.ISSUE_REQUEST),
            "can_recommend": self.can(Action.ISSUE_RECOMMEND, module_id=issue.module_id),
            "can_decide": self.can(Action.ISSUE_DECIDE),
            **issue_panels.context(issue=issue, membership=self.membership),
        }
        if context["can_converse"]:
            context["comment_form"] = CommentForm()
            context["attachment_form"] = AttachmentForm()
        if works:
            context.update(
                transitions=transition_buttons(
                    issue, services.transitions_for(issue=issue, membership=self.membership)
                ),
                transition_form=TransitionForm(project=self.project),
                assign_form=AssignForm(project=self.project, initial={"assignee": issue.assignee_id}),
                escalate_form=EscalateForm(project=self.project) if issue.is_open else None,
                option_form=SolutionOptionForm() if issue.status != Status.CLOSED else None,
            )
        if context["can_decide"] and context["options"]:
            context["decision_form"] = DecisionForm(issue=issue)
        context.update(bound_forms)
        return context


class IssueDetailView(IssuePageMixin, TemplateView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.page_context(), **kwargs)


class IssueActionView(IssuePageMixin, TemplateView):
    """A POST from the issue page: check the action, run the service, come back to the page.

    Subclasses give `form_key` (the form's name on the page), `build_form` and `perform`."""

    http_method_names = ["post"]
    action = Action.ISSUE_WORK
    form_key = ""
    success_message = ""

    def check(self, issue: Issue) -> None:
        """Further permission checks that need the issue."""

    def build_form(self, issue: Issue):
        raise NotImplementedError

    def perform(self, form, issue: Issue) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        issue = selectors.issue_for_action(membership=self.membership, issue_id=kwargs["issue_id"])
        self.check(issue)
        form = self.build_form(issue)
        if form.is_valid():
            try:
                self.perform(form, issue)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, self.success_message)
                return redirect(self.detail_url(issue))
        context = self.get_context_data(**self.page_context(**{self.form_key: form}), failed_form=self.form_key)
        return self.render_to_response(context)


class IssueTransitionView(IssueActionView):
    form_key = "transition_form"
    success_message = gettext_lazy("Status changed.")

    def build_form(self, issue):
        return TransitionForm(self.request.POST, project=self.project)

    def perform(self, form, issue):
        data = form.cleaned_data
        services.issue_transition(
            issue=issue,
            to_status=data["to_status"],
            actor=self.membership,
            waiting_on=data["waiting_on"],
            resolution=data["resolution"],
            note=data["note"],
        )


class IssueAssignView(IssueActionView):
    form_key = "assign_form"
    success_message = gettext_lazy("Assignment saved.")

    def build_form(self, issue):
        return AssignForm(self.request.POST, project=self.project)

    def perform(self, form, issue):
        services.issue_assign(issue=issue, assignee=form.cleaned_data["assignee"], actor=self.membership)


class IssueEscalateView(IssueActionView):
    form_key = "escalate_form"
    success_message = gettext_lazy("Issue escalated; the SLA clock starts again for the new tier.")

    def build_form(self, issue):
        return EscalateForm(self.request.POST, project=self.project)

    def perform(self, form, issue):
        data = form.cleaned_data
        services.issue_escalate(
            issue=issue,
            to_tier=data["to_tier"],
            reason=data["reason"],
            assignee=data["assignee"],
            actor=self.membership,
        )


class ConversationActionView(IssueActionView):
    """Comments and screenshots: the team, and the end user on the issues raised for them."""

    action = Action.ISSUE_VIEW

    def check(self, issue):
        if not (self.can(Action.ISSUE_WORK) or self.can(Action.ISSUE_REQUEST)):
            raise PermissionDenied


class CommentCreateView(ConversationActionView):
    form_key = "comment_form"
    success_message = gettext_lazy("Comment added.")

    def build_form(self, issue):
        return CommentForm(self.request.POST)

    def perform(self, form, issue):
        services.comment_add(issue=issue, author=self.membership, body=form.cleaned_data["body"])


class AttachmentCreateView(ConversationActionView):
    form_key = "attachment_form"
    success_message = gettext_lazy("File attached.")

    def build_form(self, issue):
        return AttachmentForm(self.request.POST, self.request.FILES)

    def perform(self, form, issue):
        for upload in form.cleaned_data["files"]:
            services.attachment_add(issue=issue, upload=upload, uploaded_by=self.membership)


class SolutionOptionCreateView(IssueActionView):
    form_key = "option_form"
    success_message = gettext_lazy("Alternative added.")

    def build_form(self, issue):
        return SolutionOptionForm(self.request.POST)

    def perform(self, form, issue):
        services.solution_option_add(issue=issue, author=self.membership, **form.cleaned_data)


class SolutionOptionRecommendView(IssuesMixin, View):
    """The module's Key User marks the alternative they recommend."""

    http_method_names = ["post"]
    action = Action.ISSUE_VIEW

    def post(self, request, *args, **kwargs):
        issue = selectors.issue_for_action(membership=self.membership, issue_id=kwargs["issue_id"])
        self.require(Action.ISSUE_RECOMMEND, module_id=issue.module_id)
        option = get_object_or_404(SolutionOption, issue=issue, pk=kwargs["option_id"])
        services.solution_option_recommend(option=option, actor=self.membership)
        messages.success(request, _("Marked as your recommendation."))
        return redirect(self.detail_url(issue))


class IssueDecideView(IssueActionView):
    action = Action.ISSUE_DECIDE
    form_key = "decision_form"
    success_message = gettext_lazy("Decision recorded.")

    def build_form(self, issue):
        return DecisionForm(self.request.POST, issue=issue)

    def perform(self, form, issue):
        data = form.cleaned_data
        services.issue_decide(issue=issue, option=data["option"], reason=data["reason"], actor=self.membership)


class IssueUpdateView(IssuesMixin, FormView):
    action = Action.ISSUE_WORK
    template_name = "issues/form.html"
    form_class = IssueUpdateForm

    @cached_property
    def issue(self) -> Issue:
        return selectors.issue_for_action(membership=self.membership, issue_id=self.kwargs["issue_id"])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.issue,
            "project": self.project,
        }

    def form_valid(self, form):
        try:
            services.issue_update(
                issue=self.issue, actor=self.membership, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Issue updated."))
        return redirect(self.detail_url(self.issue))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Edit issue #%(number)s") % {"number": self.issue.number}, issue=self.issue, **kwargs
        )


class AttachmentDownloadView(IssuesMixin, View):
    """A screenshot or PDF of a visible issue, under a type it was checked to be, never as a page."""

    def get(self, request, *args, **kwargs):
        issue = selectors.issue_for_action(membership=self.membership, issue_id=kwargs["issue_id"])
        attachment = get_object_or_404(issue.attachments.all(), pk=kwargs["attachment_id"])
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=not attachment.is_image,
            filename=attachment.name,
        )
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class SlaPolicyView(IssuesMixin, FormView):
    """The project's hours to respond and to resolve per severity."""

    action = Action.SLA_EDIT
    template_name = "issues/sla.html"
    form_class = SlaPolicyForm

    def get_form_kwargs(self):
        self.policy = services.sla_policy_get_or_create(project=self.project)
        return {**super().get_form_kwargs(), "instance": self.policy}

    def form_valid(self, form):
        try:
            services.sla_policy_update(policy=self.policy, **{f: form.cleaned_data[f] for f in services.SLA_FIELDS})
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("SLA policy saved. It applies to issues logged or escalated from now on."))
        return redirect("issues:sla", project_id=self.project.pk)

"""Test scenarios: the list (and its download as a test script), a scenario with its steps, writing
them, and importing a test script."""

import base64
import binascii

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from acceptance import imports, selectors, services
from acceptance.exports import scenarios_export
from acceptance.filters import ScenarioFilter
from acceptance.forms import (
    ImportConfirmForm,
    ImportForm,
    ScenarioForm,
    StepFormSet,
)
from acceptance.models import TestScenario
from acceptance.views.base import AcceptanceMixin, paginate, requested_format
from erpteam.permissions import Action, scope_of


class ScenarioListView(AcceptanceMixin, TemplateView):
    template_name = "acceptance/scenario_list.html"
    tab = "scenarios"

    def get_context_data(self, **kwargs):
        scenarios = ScenarioFilter(
            self.request.GET, queryset=selectors.scenario_list(project=self.project), project=self.project
        )
        return super().get_context_data(
            filter=scenarios,
            page=paginate(self.request, scenarios.qs, 25),
            writes=scope_of(self.membership, Action.ACCEPTANCE_WRITE) is not None,
            **kwargs,
        )


class ScenarioExportView(AcceptanceMixin, View):
    """The (filtered) scenarios as a test script, in the columns the import reads."""

    def get(self, request, *args, **kwargs):
        scenarios = ScenarioFilter(
            request.GET, queryset=selectors.scenario_list(project=self.project), project=self.project
        ).qs
        return scenarios_export(project=self.project, scenarios=scenarios).response(
            file_format=requested_format(request)
        )


class ScenarioMixin(AcceptanceMixin):
    tab = "scenarios"

    @cached_property
    def scenario(self) -> TestScenario:
        return selectors.scenario_detail(project=self.project, pk=self.kwargs["pk"])


class ScenarioDetailView(ScenarioMixin, TemplateView):
    template_name = "acceptance/scenario_detail.html"

    def get_context_data(self, **kwargs):
        scenario = self.scenario
        return super().get_context_data(
            scenario=scenario, writes=self.can(Action.ACCEPTANCE_WRITE, module_id=scenario.module_id), **kwargs
        )


class ScenarioFormView(ScenarioMixin, TemplateView):
    """A scenario's fields and its steps, on one page."""

    action = Action.ACCEPTANCE_WRITE
    template_name = "acceptance/scenario_form.html"

    def forms(self, data=None):
        scenario = self.instance()
        form = ScenarioForm(
            data,
            instance=scenario,
            initial=self.initial(),
            project=self.project,
            modules=self.writable_modules(),
        )
        steps = StepFormSet(
            data,
            prefix="steps",
            initial=[
                {"action": s.action, "expected_result": s.expected_result, "ORDER": s.order}
                for s in (scenario.steps.all() if scenario else [])
            ],
        )
        return form, steps

    def initial(self):
        return {}

    def instance(self):
        return None

    def get(self, request, *args, **kwargs):
        form, steps = self.forms()
        return self.render_to_response(self.get_context_data(form=form, steps=steps))

    def post(self, request, *args, **kwargs):
        form, steps = self.forms(request.POST)
        if form.is_valid() and steps.is_valid():
            data = form.cleaned_data
            fields = {f: data[f] for f in ("module", "reference", "title", "business_process", "priority", "owner")}
            try:
                scenario = self.save(
                    description=data["description"],
                    related_modules=list(data["related_modules"]),
                    steps=steps.steps(),
                    **fields,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Scenario %(reference)s saved.") % {"reference": scenario.reference})
                return redirect("acceptance:scenario_detail", project_id=self.project.pk, pk=scenario.pk)
        return self.render_to_response(self.get_context_data(form=form, steps=steps))


class ScenarioCreateView(ScenarioFormView):
    def initial(self):
        return {"owner": self.membership} if self.membership.is_key_user else {}

    def save(self, **fields):
        return services.scenario_create(project=self.project, **fields)


class ScenarioUpdateView(ScenarioFormView):
    def instance(self):
        self.require(Action.ACCEPTANCE_WRITE, module_id=self.scenario.module_id)
        return self.scenario

    def save(self, **fields):
        return services.scenario_update(scenario=self.scenario, **fields)

    def get_context_data(self, **kwargs):
        return super().get_context_data(scenario=self.scenario, **kwargs)


class ScenarioDeleteView(ScenarioMixin, View):
    action = Action.ACCEPTANCE_WRITE

    def post(self, request, *args, **kwargs):
        scenario = self.scenario
        self.require(Action.ACCEPTANCE_WRITE, module_id=scenario.module_id)
        try:
            services.scenario_delete(scenario=scenario)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("acceptance:scenario_detail", project_id=self.project.pk, pk=scenario.pk)
        messages.success(request, _("Scenario %(reference)s deleted.") % {"reference": scenario.reference})
        return redirect("acceptance:scenario_list", project_id=self.project.pk)


class ScenarioImportView(AcceptanceMixin, TemplateView):
    """Upload a test script, see what it would write (or its row-numbered errors), then import it."""

    action = Action.ACCEPTANCE_WRITE
    tab = "scenarios"
    template_name = "acceptance/scenario_import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportForm())
        return super().get_context_data(columns=imports.header(), **kwargs)

    def post(self, request, *args, **kwargs):
        if "data" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = imports.scenarios_read(
            data=data, filename=upload.name, project=self.project, membership=self.membership
        )
        confirm = ImportConfirmForm(initial={"data": base64.b64encode(data).decode(), "filename": upload.name})
        return self.render_to_response(self.get_context_data(form=form, preview=preview, confirm=confirm))

    def confirm(self, request):
        confirm = ImportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValueError
            data = base64.b64decode(confirm.cleaned_data["data"], validate=True)
        except (ValueError, binascii.Error):
            messages.error(request, _("The previewed file was lost; upload it again."))
            return self.render_to_response(self.get_context_data())
        preview = imports.scenarios_read(
            data=data, filename=confirm.cleaned_data["filename"], project=self.project, membership=self.membership
        )
        preview = imports.scenarios_import(preview=preview, project=self.project)
        if preview.errors:
            return self.render_to_response(self.get_context_data(preview=preview, confirm=confirm))
        messages.success(
            request,
            _("Imported %(created)s new and %(updated)s updated scenarios with %(steps)s steps.")
            % {"created": preview.created, "updated": preview.updated, "steps": preview.step_count},
        )
        return redirect("acceptance:scenario_list", project_id=self.project.pk)

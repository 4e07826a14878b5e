"""Acceptance routes in the permission matrix. The team's run is a run of a Finance scenario (the Key
User's module) in a UAT cycle with the team's end user named as its tester, so the end user may see it
and record its steps; its first step failed, with a screenshot."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from acceptance.models import Result, StepResult
from people.models import Membership
from tests.acceptance.factories import PNG, cycle_make, run_make, scenario_make
from tests.matrix import ALL_ROLES, CONSULTANTS, READERS, Route

Role = Membership.Role

KEY_USER = frozenset({Role.KEY_USER})
WRITERS = CONSULTANTS | KEY_USER  # scenarios of their modules; starting runs
RECORDERS = WRITERS | {Role.END_USER}  # the end user is the tester of the team's run
SCREENSHOT = "acceptance/permission-matrix/step.png"


def _world(module, tester):
    scenario = scenario_make(module=module, steps=2)
    cycle = cycle_make(project=module.project, scenarios=[scenario])
    run = run_make(cycle=cycle, scenario=scenario, tester=tester, results=[Result.FAILED])
    step = run.step_results.get(order=1)
    if not default_storage.exists(SCREENSHOT):
        default_storage.save(SCREENSHOT, ContentFile(PNG))
    StepResult.objects.filter(pk=step.pk).update(screenshot=SCREENSHOT)
    return {"cycle": cycle, "scenario": scenario, "run": run, "step": step, "module": module}


def objects(team):
    own = _world(team.module, team.members[Role.END_USER])
    other = _world(team.other_module, team.other_module.key_user_assignments.get().membership)
    return {f"acceptance_{name}": (own[name], other[name]) for name in own}


def project(world, which):
    return {"project_id": world.project_id(which)}


def cycle(world, which):
    return {**project(world, which), "pk": world.obj("acceptance_cycle", which).pk}


def cycle_module(world, which):
    return {**cycle(world, which), "module_pk": world.obj("acceptance_module", which).pk}


def scenario(world, which):
    return {**project(world, which), "pk": world.obj("acceptance_scenario", which).pk}


def run(world, which):
    return {**project(world, which), "run_pk": world.obj("acceptance_run", which).pk}


def step(world, which):
    return {**run(world, which), "pk": world.obj("acceptance_step", which).pk}


ROUTES = {
    "acceptance:cycle_list": Route(kwargs=project, get=READERS),
    "acceptance:cycle_create": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "acceptance:cycle_detail": Route(kwargs=cycle, get=READERS),
    "acceptance:cycle_update": Route(kwargs=cycle, get=CONSULTANTS, post=CONSULTANTS),
    "acceptance:cycle_delete": Route(kwargs=cycle, get=None, post=CONSULTANTS),
    "acceptance:cycle_export": Route(kwargs=cycle, get=READERS),
    "acceptance:run_create": Route(kwargs=cycle, get=WRITERS, post=WRITERS),
    "acceptance:sign_off": Route(kwargs=cycle_module, get=None, post=KEY_USER),
    "acceptance:exception_create": Route(kwargs=cycle_module, get=CONSULTANTS, post=CONSULTANTS),
    "acceptance:sign_off_withdraw": Route(kwargs=cycle_module, get=KEY_USER, post=KEY_USER),
    "acceptance:exception_withdraw": Route(kwargs=cycle_module, get=CONSULTANTS, post=CONSULTANTS),
    "acceptance:scenario_list": Route(kwargs=project, get=READERS),
    "acceptance:scenario_create": Route(kwargs=project, get=WRITERS, post=WRITERS),
    "acceptance:scenario_import": Route(kwargs=project, get=WRITERS, post=WRITERS),
    "acceptance:scenario_export": Route(kwargs=project, get=READERS),
    "acceptance:scenario_detail": Route(kwargs=scenario, get=READERS),
    "acceptance:scenario_update": Route(kwargs=scenario, get=WRITERS, post=WRITERS),
    "acceptance:scenario_delete": Route(kwargs=scenario, get=None, post=WRITERS),
    "acceptance:run_list": Route(kwargs=project, get=RECORDERS),
    "acceptance:run_detail": Route(kwargs=run, get=ALL_ROLES),
    "acceptance:run_finish": Route(kwargs=run, get=None, post=RECORDERS),
    "acceptance:step_record": Route(kwargs=step, get=None, post=RECORDERS),
    "acceptance:defect_raise": Route(kwargs=step, get=None, post=RECORDERS),
    "acceptance:step_screenshot": Route(kwargs=step, get=ALL_ROLES),
}

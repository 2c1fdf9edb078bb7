"""Each deployed function is given every variable its settings model requires, so its cold-start check
(ai_interviewer.settings.check_cold_start) passes in AWS; the values here are CloudFormation tokens."""

from __future__ import annotations

import pytest
from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import FUNCTION_NEEDS, FunctionNeeds, check_settings, task_worker_needs
from ai_interviewer.tasks import task_spec

from tests.infra.synthesis import Synthesized, function_ids


def needs_of(handler: str) -> list[FunctionNeeds]:
    """What the handler's module checks at init: its function's needs; a task worker's too."""
    for task in TaskName:
        if handler == resources.task_handler(task):
            worker = task_worker_needs(task_spec(task))
            return [FUNCTION_NEEDS[resources.TASK_DEAD_LETTERS_HANDLER], worker]
    return [FUNCTION_NEEDS[handler]]


@pytest.mark.parametrize("variant", ["default_stack", "postgres_stack"])
def test_every_function_gets_the_variables_its_cold_start_checks(
    variant: str, request: pytest.FixtureRequest
) -> None:
    stack: Synthesized = request.getfixturevalue(variant)
    checked = 0
    for handler in resources.function_handlers().values():
        for function_id in function_ids(stack, handler):
            variables = stack.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]
            # Tokens (Ref, Fn::GetAtt) resolve to strings in AWS; the checks read only presence and form.
            environ = {name: v if isinstance(v, str) else "token" for name, v in variables.items()}
            environ[resources.LAMBDA_HANDLER_ENV] = handler
            for needs in needs_of(handler):
                check_settings(needs, environ)
            checked += 1
    assert checked == len(resources.function_handlers()) + (variant == "postgres_stack")  # the reader


@pytest.mark.parametrize("variant", ["default_stack", "postgres_stack"])
def test_every_function_runs_with_the_runtime_environment(
    variant: str, request: pytest.FixtureRequest
) -> None:
    stack: Synthesized = request.getfixturevalue(variant)
    for handler in resources.function_handlers().values():
        for function_id in function_ids(stack, handler):
            variables = stack.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]
            assert resources.RUNTIME_ENVIRONMENT.items() <= variables.items(), function_id

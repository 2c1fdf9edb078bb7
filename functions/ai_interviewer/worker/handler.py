"""The Lambda entry points of the task workers and of the task DLQs' consumer: one module for all.

A task worker's handler setting is `ai_interviewer.worker.handler.<task>` (`resources.task_handler`).
The runtime imports this module and then looks the attribute up, both in Lambda's init phase: the
lookup (`__getattr__`, PEP 562) builds that task's handler and imports its task code and its engine
(the OpenAI SDK, when configured) and the task pipeline (`processing`), so none of it is part of the
first job's time; the other tasks' code never loads, and the DLQ consumer loads no task at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from ai_interviewer.deadline import invocation_deadline
from ai_interviewer.observability import logger, metrics, tracer
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import (
    TASK_DEAD_LETTERS_NEEDS,
    check_cold_start,
    check_settings,
    get_settings,
    task_worker_needs,
)
from ai_interviewer.tasks import task_spec
from ai_interviewer.wiring import default_services, import_engine
from ai_interviewer.worker.dead_letters import process_dead_letters

LambdaHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]

# In Lambda's init phase: what every function of this module needs (all the DLQ consumer needs); a task
# worker's own needs are checked when its handler is looked up, also at init.
check_cold_start(TASK_DEAD_LETTERS_NEEDS)


@functools.cache
def task_handler(task: TaskName) -> LambdaHandler:
    """`task`'s worker: the same decorators and batch loop for every task."""
    spec = task_spec(task)
    check_settings(task_worker_needs(spec))
    if spec.calls_model:
        import_engine(get_settings())
    # Here, at the lookup (init), not at the module's import: the DLQ consumer never loads the pipeline.
    from ai_interviewer.worker.processing import process_batch  # noqa: PLC0415

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        deadline = invocation_deadline(context.get_remaining_time_in_millis())
        return process_batch(task, event, default_services(), deadline=deadline)

    return handler


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def dead_letter_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """The task DLQs' consumer (one function for every task's DLQ): a dead-lettered job ends
    `worker_crashed`, notified."""
    return process_dead_letters(event, default_services())


def __getattr__(name: str) -> LambdaHandler:
    """`rank_resumes`, `start_interview`, ...: each task's entry point, built on first lookup."""
    try:
        task = TaskName(name)
    except ValueError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return task_handler(task)

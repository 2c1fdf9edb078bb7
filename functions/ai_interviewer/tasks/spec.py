"""`TaskSpec`: everything the code and the infrastructure know of one task, in the task's own module.

The queue and its DLQ, the worker's handler entry point and timeout, the infra profile (the model's
key and the retries), the api route with its request schema, the OpenAPI document's result schema and
the sample events are all derived from a task's `SPEC`; adding a task is adding its module (plus its
`TaskName`, and the engines' capability, when it calls a model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ai_interviewer.resources import TaskName

if TYPE_CHECKING:
    from ai_interviewer.models.requests import TaskRequest
    from ai_interviewer.tasks.outcome import TaskOutcome

TaskFunction = Callable[..., "TaskOutcome"]


@dataclass(frozen=True)
class TaskSpec:
    name: TaskName
    request_model: type[TaskRequest]
    result_model: type[BaseModel]
    # (request, job_id, services) -> TaskOutcome: the task's plain code, the same for every engine.
    run: TaskFunction
    timeout_seconds: int
    # Whether the task asks an engine to judge (so its worker reads the model's key and imports the engine
    # at init); a task that only stores or computes does not.
    calls_model: bool
    # Whether its worker writes the vacancy store (so it gets the table or the database, and checks so).
    writes_vacancies: bool = False
    # Whether it records each finished piece of work on the job (`tasks.progress`), so its worker may
    # update the job while it runs and a redelivery does only what is missing.
    keeps_progress: bool = False
    # The SDK-level retries of one model call, in the deployed profile (the job deadline bounds them).
    openai_max_retries: int = 1
    # The seed's request body and webhook result for this task: the OpenAPI document's examples.
    request_example: dict[str, Any] = field(default_factory=dict)
    result_example: dict[str, Any] = field(default_factory=dict)

    def parse(self, body: dict[str, Any]) -> TaskRequest:
        return self.request_model.model_validate(body)

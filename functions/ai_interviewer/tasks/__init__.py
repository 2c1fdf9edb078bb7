"""The tasks: one module per task, named after it, holding its `SPEC` (`tasks.spec.TaskSpec`) and its
plain code (what every engine shares).

A task takes its request (parsed with `spec.request_model`), the job id and the services, and returns a
`TaskOutcome` whose result already has the seed's shape (`spec.result_model`). Engines judge; tasks check
what came back, compute the scores and the order, and choose the output language.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator

from ai_interviewer.resources import TaskName
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.spec import TaskFunction, TaskSpec


@functools.cache
def task_spec(task: TaskName) -> TaskSpec:
    """`task`'s spec, its module imported on the first call. A worker function runs one task: importing
    the other tasks' code (the rank task's screening and review) would only lengthen its cold start."""
    spec: TaskSpec = importlib.import_module(f"{__name__}.{task.value}").SPEC
    if spec.name is not task:
        raise RuntimeError(f"{__name__}.{task.value} holds the spec of {spec.name}")
    return spec


def all_specs() -> Iterator[TaskSpec]:
    """Every task's spec, in `TaskName` order (imports every task module)."""
    return (task_spec(task) for task in TaskName)


__all__ = ["TaskFunction", "TaskOutcome", "TaskSpec", "all_specs", "task_spec"]

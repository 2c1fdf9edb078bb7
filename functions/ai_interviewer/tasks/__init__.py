"""The five tasks: the plain-code part of each (what every engine shares), one module per task.

A task takes its request (parsed with `REQUEST_MODELS[task]`), the job id and the services, and returns
a `TaskOutcome` whose result already has the seed's shape (`RESULT_MODELS[task]`). Engines judge; tasks
check what came back, compute the scores and the order, and choose the output language.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from ai_interviewer.resources import TaskName
from ai_interviewer.tasks.outcome import TaskOutcome

TaskFunction = Callable[..., TaskOutcome]

# Each task's function, in the module named after the task. A worker function runs one task: importing
# the other four (the rank task's screening alone compiles about a hundred regular expressions) would
# only lengthen its cold start.
_TASK_FUNCTIONS: dict[TaskName, str] = {
    TaskName.RANK_RESUMES: "resumable_rank_resumes",
    TaskName.START_INTERVIEW: "start_interview",
    TaskName.BUILD_VACANCY: "build_vacancy",
    TaskName.ADD_VACANCY_WITH_CANDIDATES: "add_vacancy_with_candidates",
    TaskName.GENERATE_TAGS: "generate_tags",
}


def load_task(task: TaskName) -> TaskFunction:
    """Import `task`'s module (once) and return its function. A worker calls it at import for its task."""
    name = _TASK_FUNCTIONS[task]
    function: TaskFunction = getattr(importlib.import_module(f"{__name__}.{task.value}"), name)
    return function


class _Tasks(Mapping[TaskName, TaskFunction]):
    """`TASKS[task]`: each task's module imported on its first lookup."""

    def __getitem__(self, task: TaskName) -> TaskFunction:
        return load_task(task)

    def __iter__(self) -> Iterator[TaskName]:
        return iter(_TASK_FUNCTIONS)

    def __len__(self) -> int:
        return len(_TASK_FUNCTIONS)


TASKS: Mapping[TaskName, TaskFunction] = _Tasks()

__all__ = ["TASKS", "TaskFunction", "TaskOutcome", "load_task"]

"""The five tasks: the plain-code part of each (what every engine shares), one module per task.

A task takes its request (parsed with `REQUEST_MODELS[task]`), the job id and the services, and returns
a `TaskOutcome` whose result already has the seed's shape (`RESULT_MODELS[task]`). Engines judge; tasks
check what came back, compute the scores and the order, and choose the output language.
"""

from __future__ import annotations

from collections.abc import Callable

from ai_interviewer.resources import TaskName
from ai_interviewer.tasks.add_vacancy_with_candidates import add_vacancy_with_candidates
from ai_interviewer.tasks.build_vacancy import build_vacancy
from ai_interviewer.tasks.generate_tags import generate_tags
from ai_interviewer.tasks.outcome import TaskOutcome
from ai_interviewer.tasks.rank_resumes import resumable_rank_resumes
from ai_interviewer.tasks.start_interview import start_interview

# Each function takes its own request model: (request, job_id, services) -> TaskOutcome.
TaskFunction = Callable[..., TaskOutcome]

TASKS: dict[TaskName, TaskFunction] = {
    TaskName.RANK_RESUMES: resumable_rank_resumes,
    TaskName.START_INTERVIEW: start_interview,
    TaskName.BUILD_VACANCY: build_vacancy,
    TaskName.ADD_VACANCY_WITH_CANDIDATES: add_vacancy_with_candidates,
    TaskName.GENERATE_TAGS: generate_tags,
}

__all__ = ["TASKS", "TaskFunction", "TaskOutcome"]

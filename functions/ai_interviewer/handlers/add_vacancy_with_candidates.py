"""Lambda entry point of the add_vacancy_with_candidates worker: SQS batches with partial batch failures."""

from ai_interviewer.resources import TaskName
from ai_interviewer.tasks import load_task
from ai_interviewer.worker import task_lambda_handler

# In Lambda's init phase: this function's task code; the other tasks' never loads.
load_task(TaskName.ADD_VACANCY_WITH_CANDIDATES)

handler = task_lambda_handler(TaskName.ADD_VACANCY_WITH_CANDIDATES)

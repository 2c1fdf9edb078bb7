"""Lambda entry point of the build_vacancy worker: SQS batches with partial batch failures."""

from ai_interviewer.resources import TaskName
from ai_interviewer.worker import task_lambda_handler

handler = task_lambda_handler(TaskName.BUILD_VACANCY)

"""Lambda entry point of the rank_resumes worker: SQS batches with partial batch failures."""

from ai_interviewer.resources import TaskName
from ai_interviewer.settings import get_settings
from ai_interviewer.tasks import load_task
from ai_interviewer.wiring import import_engine
from ai_interviewer.worker import task_lambda_handler

# In Lambda's init phase: this function's task code and its engine (the OpenAI SDK, when
# configured), not in the first job's time; the other tasks' code never loads.
load_task(TaskName.RANK_RESUMES)
import_engine(get_settings())

handler = task_lambda_handler(TaskName.RANK_RESUMES)

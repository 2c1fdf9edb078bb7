"""Lambda entry point of the rank_resumes worker: SQS batches with partial batch failures."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from ai_interviewer.resources import TaskName
from ai_interviewer.wiring import Services, default_services
from ai_interviewer.worker import logger, metrics, process_batch, tracer

TASK = TaskName.RANK_RESUMES


def process(event: dict[str, Any], services: Services) -> PartialItemFailureResponse:
    return process_batch(TASK, event, services)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process(event, default_services())

"""What each function loads at import, in a fresh interpreter as Lambda loads it: the X-Ray SDK only
where tracing is on and only botocore patched, the OpenAI SDK in the model workers' init phase only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from ai_interviewer import resources
from ai_interviewer.observability import TRACED_MODULES
from ai_interviewer.resources import TaskName

# Libraries X-Ray's patch_all would import and patch if installed (this environment has them all).
OTHER_PATCHABLE = ("psycopg", "sqlite3", "requests", "httplib", "pymongo", "pynamodb")

PROBE = """
import importlib, json, sys
# As Lambda's runtime resolves a handler setting, in its init phase: import the module, look the name up.
module_name, _, attribute = sys.argv[1].rpartition(".")
getattr(importlib.import_module(module_name), attribute)
report = {"loaded": sorted(name for name in sys.modules)}
from pydantic import BaseModel
def _models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _models(sub)
ours = {m for m in _models(BaseModel) if m.__module__.startswith("ai_interviewer.")}
report["built"] = sorted(f"{m.__module__}.{m.__qualname__}" for m in ours if m.__pydantic_complete__)
observability = sys.modules["ai_interviewer.observability"]
if "tracer" in vars(observability):
    tracer = observability.tracer
    report["tracer"] = {"disabled": tracer.disabled, "provider": type(tracer.provider).__module__}
if "aws_xray_sdk.core.patcher" in sys.modules:
    report["patched"] = sorted(sys.modules["aws_xray_sdk.core.patcher"]._PATCHED_MODULES)
print(json.dumps(report))
"""


WORKER_HANDLERS = [resources.task_handler(task) for task in TaskName]
SQS_HANDLERS = [*WORKER_HANDLERS, resources.NOTIFIER_HANDLER, resources.TASK_DEAD_LETTERS_HANDLER]


def in_fresh_interpreter(
    probe: str, handler: str, environment: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`probe` (Python source, given the handler setting as its argument) in a fresh interpreter."""
    return subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe, handler],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _import_in_fresh_interpreter(
    handler: str, *, lambda_like: bool, engine: str = "openai"
) -> dict[str, Any]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("POWERTOOLS_TRACE", "LAMBDA_", "AWS_SAM", "_X_AMZN", "LLM_"))
    }
    environment.update({"AWS_DEFAULT_REGION": "us-east-1", "LLM_ENGINE": engine, "OPENAI_API_KEY": "sk-test"})
    if lambda_like:
        # What Powertools reads to decide it runs in Lambda, where the functions trace (Tracing.ACTIVE).
        environment["LAMBDA_TASK_ROOT"] = os.getcwd()
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "ai-interviewer-test"
    completed = in_fresh_interpreter(PROBE, handler, environment)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("handler", SQS_HANDLERS)
def test_with_tracing_off_no_function_imports_the_xray_recorder(handler: str) -> None:
    report = _import_in_fresh_interpreter(handler, lambda_like=False)
    assert report["tracer"] == {"disabled": True, "provider": "ai_interviewer.observability"}
    assert "aws_xray_sdk.core" not in report["loaded"]
    assert not set(OTHER_PATCHABLE) & set(report["loaded"])


@pytest.mark.parametrize("handler", [WORKER_HANDLERS[0], resources.NOTIFIER_HANDLER])
def test_in_lambda_the_tracer_patches_botocore_only(handler: str) -> None:
    report = _import_in_fresh_interpreter(handler, lambda_like=True)
    assert report["tracer"] == {"disabled": False, "provider": "aws_xray_sdk.core.async_recorder"}
    assert report["patched"] == sorted(TRACED_MODULES) == ["botocore"]
    # patch_all would have imported every one of these that is installed
    assert not set(OTHER_PATCHABLE) & set(report["loaded"])


def test_in_lambda_the_api_builds_no_tracer_and_loads_neither_xray_nor_the_model_sdk() -> None:
    report = _import_in_fresh_interpreter(resources.API_HANDLER, lambda_like=True)
    assert "tracer" not in report
    loaded = set(report["loaded"])
    assert not {"aws_xray_sdk.core", "openai", "httpx2", "psycopg"} & loaded


@pytest.mark.parametrize(
    ("task", "engine", "loads_sdk"),
    [
        (TaskName.RANK_RESUMES, "openai", True),
        (TaskName.GENERATE_TAGS, "openai", True),
        (TaskName.RANK_RESUMES, "heuristic", False),
        (TaskName.ADD_VACANCY_WITH_CANDIDATES, "openai", False),
    ],
)
def test_a_model_worker_imports_its_engine_at_init_and_only_a_model_worker(
    task: TaskName, engine: str, loads_sdk: bool
) -> None:
    report = _import_in_fresh_interpreter(resources.task_handler(task), lambda_like=False, engine=engine)
    loaded = set(report["loaded"])
    assert ("openai" in loaded) is loads_sdk
    assert ("ai_interviewer.engines.openai.engine" in loaded) is loads_sdk


# Built at import (Lambda's init phase): what every invocation reads. Everything else waits for its first use.
EVERY_INVOCATION = {"ai_interviewer.models.jobs.Job", "ai_interviewer.models.jobs.TaskMessage"}
ON_FIRST_USE = {
    *(f"ai_interviewer.models.requests.{name}" for name in ("RankResumesRequest", "ResumeIn", "TaskRequest")),
    "ai_interviewer.models.results.RankResumesResult",
    "ai_interviewer.audit.AuditRecord",
    "ai_interviewer.api.responses.JobView",
    "ai_interviewer.api.responses.AcceptedResponse",
}


@pytest.mark.parametrize("handler", [resources.API_HANDLER, WORKER_HANDLERS[0], SQS_HANDLERS[-1]])
def test_a_function_builds_at_import_only_the_models_every_invocation_reads(handler: str) -> None:
    report = _import_in_fresh_interpreter(handler, lambda_like=False)
    built = set(report["built"])
    assert built >= EVERY_INVOCATION
    assert not built & ON_FIRST_USE
    assert not any(name.endswith("Webhook") for name in built)  # the OpenAPI document's models


# The task pipeline, which only a task worker runs: its documents, its tasks and the results they make.
TASK_PIPELINE = (
    "ai_interviewer.worker.processing",
    "ai_interviewer.documents.extraction",
    "ai_interviewer.models.results",
    *(f"ai_interviewer.tasks.{task.value}" for task in TaskName),
)


@pytest.mark.parametrize(
    "handler",
    [resources.NOTIFIER_HANDLER, resources.NOTIFY_DEAD_LETTERS_HANDLER, resources.TASK_DEAD_LETTERS_HANDLER],
)
def test_the_notifier_and_the_dead_letter_consumers_load_no_task_pipeline(handler: str) -> None:
    loaded = set(_import_in_fresh_interpreter(handler, lambda_like=False)["loaded"])
    assert not loaded & set(TASK_PIPELINE)


def test_a_task_worker_loads_the_pipeline_at_init() -> None:
    loaded = set(_import_in_fresh_interpreter(WORKER_HANDLERS[0], lambda_like=False)["loaded"])
    assert {"ai_interviewer.worker.processing", "ai_interviewer.documents.extraction"} <= loaded

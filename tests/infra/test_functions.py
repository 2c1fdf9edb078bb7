"""What every function shares, and the environment each one is given."""

from __future__ import annotations

from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from ai_interviewer.settings import Settings

from infra.deploy_settings import WorkerProfile
from tests.infra.synthesis import Synthesized, function_ids, python_function_ids, ref_ids


def environment(stack: Synthesized, function_id: str) -> dict[str, object]:
    variables: dict[str, object] = stack.raw["Resources"][function_id]["Properties"]["Environment"][
        "Variables"
    ]
    return variables


def test_every_function_is_arm64_python_313_with_the_layer_and_tracing(default_stack: Synthesized) -> None:
    (layer_id,) = default_stack.resources("AWS::Lambda::LayerVersion")
    ids = python_function_ids(default_stack)
    assert len(ids) == len(TaskName) + 4  # api, notifier, one worker per task, the two DLQ consumers
    for function_id in ids:
        properties = default_stack.raw["Resources"][function_id]["Properties"]
        assert properties["Architectures"] == ["arm64"]
        assert properties["Runtime"] == "python3.13"
        assert ref_ids(properties["Layers"]) == {layer_id}
        assert properties["TracingConfig"] == {"Mode": "Active"}
        variables = environment(default_stack, function_id)
        assert variables["POWERTOOLS_SERVICE_NAME"] == f"ai-interviewer-{default_stack.context['stage']}"
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == resources.METRICS_NAMESPACE
        assert variables["POWERTOOLS_LOG_LEVEL"] == default_stack.context["log_level"]
        assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
        assert variables["OPENAI_MODEL"] == default_stack.context["openai_model"]
        assert variables["LLM_MAX_CONCURRENCY"] == str(default_stack.context["llm_max_concurrency"])
        assert variables["VACANCY_STORE"] == "dynamodb"


def test_layer_is_built_for_the_functions_runtime_and_architecture(default_stack: Synthesized) -> None:
    default_stack.template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleRuntimes": ["python3.13"], "CompatibleArchitectures": ["arm64"]},
    )


def test_x86_64_from_context_switches_functions_and_layer() -> None:
    from tests.infra.synthesis import synthesize  # noqa: PLC0415 - an extra synth, only here

    stack = synthesize({"architecture": "x86_64"})
    for function_id in python_function_ids(stack):
        assert stack.raw["Resources"][function_id]["Properties"]["Architectures"] == ["x86_64"]
    stack.template.has_resource_properties(
        "AWS::Lambda::LayerVersion", {"CompatibleArchitectures": ["x86_64"]}
    )


def test_handlers_and_timeouts(default_stack: Synthesized) -> None:
    resources_ = default_stack.raw["Resources"]
    (api_id,) = function_ids(default_stack, resources.API_HANDLER)
    (notifier_id,) = function_ids(default_stack, resources.NOTIFIER_HANDLER)
    assert resources_[api_id]["Properties"]["Timeout"] == 10
    assert resources_[api_id]["Properties"]["MemorySize"] == default_stack.context["api_memory_mb"]
    assert resources_[notifier_id]["Properties"]["Timeout"] == 30
    assert resources_[notifier_id]["Properties"]["MemorySize"] == default_stack.context["notifier_memory_mb"]
    for task in TaskName:
        (worker_id,) = function_ids(default_stack, resources.task_handler(task))
        properties = resources_[worker_id]["Properties"]
        assert properties["Timeout"] == WorkerProfile.of(task).timeout_seconds
        assert properties["MemorySize"] == default_stack.context["worker_memory_mb"]
    assert resources_[api_id]["Properties"]["Timeout"] < 29  # API Gateway's integration timeout


def test_model_calls_and_their_retries_fit_inside_the_worker_timeout(default_stack: Synthesized) -> None:
    for task in TaskName:
        (worker_id,) = function_ids(default_stack, resources.task_handler(task))
        variables = environment(default_stack, worker_id)
        timeout = default_stack.raw["Resources"][worker_id]["Properties"]["Timeout"]
        if not WorkerProfile.of(task).calls_model:
            assert resources.OPENAI_SECRET_ARN_ENV not in variables
            continue
        attempts = int(str(variables["OPENAI_MAX_RETRIES"])) + 1
        assert attempts * float(str(variables["OPENAI_TIMEOUT_SECONDS"])) < timeout


def test_api_is_told_every_task_queue_and_the_notify_queue(default_stack: Synthesized) -> None:
    (api_id,) = function_ids(default_stack, resources.API_HANDLER)
    variables = environment(default_stack, api_id)
    queue_ids = set(default_stack.resources("AWS::SQS::Queue"))
    told = [variables[task.queue_url_env] for task in TaskName] + [variables[resources.NOTIFY_QUEUE_URL_ENV]]
    referenced = [next(iter(ref_ids(value))) for value in told]
    assert len(set(referenced)) == len(told) and set(referenced) <= queue_ids
    for name in (
        resources.JOBS_TABLE_ENV,
        resources.VACANCIES_TABLE_ENV,
        resources.PAYLOAD_BUCKET_ENV,
        resources.WEBHOOK_SECRET_ARN_ENV,
        "MAX_BODY_BYTES",
    ):
        assert name in variables, name
    assert resources.OPENAI_SECRET_ARN_ENV not in variables


def test_each_function_environment_builds_valid_settings(default_stack: Synthesized) -> None:
    """Token-valued variables stand in as strings: the names and literal values must parse."""
    for function_id in python_function_ids(default_stack):
        literal = {
            name: value if isinstance(value, str) else f"resolved-at-deploy-{name}"
            for name, value in environment(default_stack, function_id).items()
        }
        settings = Settings.from_env(literal)
        assert settings.vacancy_store.value == "dynamodb"


def test_workers_know_the_notify_queue_and_the_job_table(default_stack: Synthesized) -> None:
    for task in TaskName:
        (worker_id,) = function_ids(default_stack, resources.task_handler(task))
        variables = environment(default_stack, worker_id)
        for name in (resources.JOBS_TABLE_ENV, resources.PAYLOAD_BUCKET_ENV, resources.NOTIFY_QUEUE_URL_ENV):
            assert name in variables, (task, name)
        has_model_key = resources.OPENAI_SECRET_ARN_ENV in variables
        assert has_model_key is WorkerProfile.of(task).calls_model
    (writer_id,) = function_ids(default_stack, resources.task_handler(TaskName.ADD_VACANCY_WITH_CANDIDATES))
    assert resources.VACANCIES_TABLE_ENV in environment(default_stack, writer_id)

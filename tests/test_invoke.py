"""`ai-interviewer invoke` and `generate-event`: the real handlers on the sample events, through the CLI.

The in-process tests point `--stack` at the session's moto server (what a running `ai-interviewer local`
offers), so each invoke provisions it as the local stack does; one test runs the CLI as a process on its
own embedded emulation."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ai_interviewer import cli, resources
from ai_interviewer.local import invoke
from ai_interviewer.models.jobs import JobStatus, TaskMessage
from ai_interviewer.resources import API_HANDLER, LOCAL_WEBHOOK_SECRET, TaskName

from tests.conftest import TEST_TOKEN, AwsStack
from tests.test_api_events import event_body, job_items, queue_depth
from tests.test_worker import create_job, drain_notify, job, services_with

REPO = Path(__file__).resolve().parent.parent
EVENTS = REPO / "events"


def run_invoke(capsys: pytest.CaptureFixture[str], aws: AwsStack, *args: str) -> tuple[int, Any, str]:
    """`ai-interviewer invoke ... --stack <moto>`: exit status, the printed return value, the logs."""
    status = cli.main(["invoke", *args, "--stack", aws.endpoint])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


def api_status(response: dict[str, Any]) -> int:
    status: int = response["statusCode"]
    return status


def sample_event_cases() -> list[tuple[str, Path]]:
    return [(function.name, path) for function in invoke.functions() for path in function.sample_events()]


def test_every_sample_event_belongs_to_one_function() -> None:
    assert {path for _, path in sample_event_cases()} == set(EVENTS.rglob("*.json"))
    assert len(sample_event_cases()) == len(set(sample_event_cases()))
    names = {function.name for function in invoke.functions()}
    assert {"api", "notifier", *(task.value for task in TaskName)} <= names


@pytest.mark.parametrize(
    ("function", "event"), sample_event_cases(), ids=[f"{f}:{p.stem}" for f, p in sample_event_cases()]
)
def test_each_sample_event_through_invoke_gives_the_event_tests_result(
    capsys: pytest.CaptureFixture[str], aws: AwsStack, function: str, event: Path
) -> None:
    routes = {task.route: task for task in TaskName}
    task = TaskName(event.stem) if function != "api" and event.stem in set(TaskName) else None
    if task is not None:  # the worker tests run a job the api accepted: create it first
        create_job(services_with(aws), TaskMessage.model_validate_json(_record_body(event)).job_id, task)

    status, response, logs = run_invoke(capsys, aws, function, str(event))

    assert status == 0, logs
    assert logs.startswith("START RequestId: ") and "\nEND RequestId: " in logs and "\nREPORT " in logs
    if function == "api" and event.stem in routes:  # accepted, recorded and queued for its worker
        assert api_status(response) == 202, response
        accepted = json.loads(response["body"])
        assert accepted["task"] == routes[event.stem].value and accepted["status"] == "queued"
        assert len(job_items(aws)) == 1
        assert job(services_with(aws), accepted["job_id"]).status is JobStatus.QUEUED
        assert queue_depth(aws, aws.settings().task_queue_urls[routes[event.stem]]) == 1
    elif function == "api":
        expected = {
            "health": 200,
            "openapi": 200,
            "get-job": 404,
            "get-job-audit": 404,
            "redeliver-job": 404,
            "get-vacancy": 404,
        }
        assert api_status(response) == expected[event.stem], response
    elif task is not None:  # the job ran on the heuristic engine and its webhook is queued
        assert response == {"batchItemFailures": []}
        done = job(services_with(aws), TaskMessage.model_validate_json(_record_body(event)).job_id)
        assert done.status is JobStatus.SUCCEEDED and done.result is not None
        assert drain_notify(aws) == [{"job_id": done.job_id, "chain": 0}]
    else:  # the notifier's sample names an unknown job: dropped without failure
        assert (function, response) == ("notifier", {"batchItemFailures": []})


def _record_body(event: Path) -> str:
    body: str = json.loads(event.read_text(encoding="utf-8"))["Records"][0]["body"]
    return body


def test_logs_follow_the_return_value_and_keep_the_token_and_the_texts_out(
    capsys: pytest.CaptureFixture[str], aws: AwsStack
) -> None:
    status, response, logs = run_invoke(capsys, aws, "api", str(EVENTS / "api" / "rank-resumes.json"))
    job_id = json.loads(response["body"])["job_id"]
    accepted = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    assert status == 0
    assert [line["job_id"] for line in accepted if line["message"] == "job accepted"] == [job_id]
    assert all(line["function_name"] == "ai-interviewer-api" for line in accepted)
    resume = event_body("rank-resumes")["resumes"][0]
    assert TEST_TOKEN not in logs and str(resume)[:40] not in logs


def test_a_handler_that_raises_exits_non_zero_with_lambdas_error_object(
    capsys: pytest.CaptureFixture[str], aws: AwsStack, tmp_path: Path
) -> None:
    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"Parameters": {"LLM_ENGINE": "no-such-engine"}}))
    status, response, logs = run_invoke(
        capsys, aws, "api", str(EVENTS / "api" / "generate-tags.json"), "--env-vars", str(env_vars)
    )
    assert status == 1
    assert response["errorType"] == "ValidationError" and "llm_engine" in response["errorMessage"]
    assert response["stackTrace"] and "[ERROR] ValidationError" in logs and "Traceback" in logs
    assert job_items(aws) == []


def test_env_vars_override_a_setting_and_a_function_key_wins_over_parameters(
    capsys: pytest.CaptureFixture[str], aws: AwsStack, tmp_path: Path
) -> None:
    event = str(EVENTS / "api" / "rank-resumes.json")
    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"Parameters": {"MAX_BODY_BYTES": 100}}))
    assert api_status(run_invoke(capsys, aws, "api", event, "--env-vars", str(env_vars))[1]) == 413

    env_vars.write_text(json.dumps({"Parameters": {"MAX_BODY_BYTES": 100}, "api": {"MAX_BODY_BYTES": 10**7}}))
    assert api_status(run_invoke(capsys, aws, "api", event, "--env-vars", str(env_vars))[1]) == 202

    # SAM's own keys, the template's logical ids, apply too; another function's key does not.
    template = tmp_path / "stack.template.json"
    function = {"Type": "AWS::Lambda::Function", "Properties": {"Handler": API_HANDLER}}
    template.write_text(json.dumps({"Resources": {"ApiApiFunctionAA82C666": function}}))
    env_vars.write_text(
        json.dumps({"ApiApiFunctionAA82C666": {"MAX_BODY_BYTES": "100"}, "notifier": {"MAX_BODY_BYTES": "1"}})
    )
    args = ["api", event, "--env-vars", str(env_vars), "--template", str(template)]
    assert api_status(run_invoke(capsys, aws, *args)[1]) == 413


def test_the_event_can_come_from_stdin(
    capsys: pytest.CaptureFixture[str], aws: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((EVENTS / "api" / "health.json").read_text()))
    status, response, _ = run_invoke(capsys, aws, "api", "-")
    assert (status, api_status(response)) == (0, 200)


def test_the_process_environment_is_left_as_it_was(capsys: pytest.CaptureFixture[str], aws: AwsStack) -> None:
    before = dict(os.environ)
    run_invoke(capsys, aws, "notifier")
    assert dict(os.environ) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nothing"], "no function 'nothing'; the functions are: "),
        (["api", "/no/such/event.json"], "cannot read the event /no/such/event.json"),
        (["api", str(REPO / "pyproject.toml")], "is not JSON"),
    ],
)
def test_bad_input_is_a_usage_error_that_names_the_problem(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli.main(["invoke", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_generated_events_are_accepted_and_run(
    capsys: pytest.CaptureFixture[str], aws: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def invoke_stdin(function: str, event: str) -> tuple[int, Any, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(event))
        return run_invoke(capsys, aws, function, "-")

    assert set(invoke.event_names()) >= {"rank-resumes", "health", "rank_resumes", "notify"}
    assert cli.main(["generate-event", "build-vacancy"]) == 0
    api_event = capsys.readouterr().out
    sample = json.loads((EVENTS / "api" / "build-vacancy.json").read_text())
    generated = json.loads(api_event)
    assert generated["body"] == sample["body"] and generated["headers"]["X-Webhook-Token"] == TEST_TOKEN
    assert generated["requestContext"]["requestId"] != sample["requestContext"]["requestId"]
    assert api_status(invoke_stdin("api", api_event)[1]) == 202

    assert cli.main(["generate-event", "build-vacancy", "--token", "not-the-token"]) == 0
    assert api_status(invoke_stdin("api", capsys.readouterr().out)[1]) == 401

    services = services_with(aws)
    create_job(services, "job-from-generate-event", TaskName.GENERATE_TAGS)
    assert cli.main(["generate-event", "generate_tags", "--job-id", "job-from-generate-event"]) == 0
    status, response, _ = invoke_stdin("generate_tags", capsys.readouterr().out)
    assert (status, response) == (0, {"batchItemFailures": []})
    assert job(services, "job-from-generate-event").status is JobStatus.SUCCEEDED


def test_generate_event_takes_the_running_stacks_token(
    capsys: pytest.CaptureFixture[str], aws: AwsStack
) -> None:
    aws.client("secretsmanager").create_secret(Name=LOCAL_WEBHOOK_SECRET, SecretString="the-stack-token")
    assert cli.main(["generate-event", "get-job", "--stack", aws.endpoint]) == 0
    assert json.loads(capsys.readouterr().out)["headers"]["X-Webhook-Token"] == "the-stack-token"


def test_generate_event_refuses_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["generate-event", "rank_resume"]) == 2
    assert "no route or task 'rank_resume'" in capsys.readouterr().err


@pytest.mark.e2e
def test_the_cli_runs_a_handler_on_its_own_emulation_with_the_result_on_stdout(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_ENDPOINT_URL")}
    completed = subprocess.run(  # noqa: S603 - this interpreter, this package
        [
            sys.executable,
            "-m",
            "ai_interviewer.cli",
            "invoke",
            "api",
            str(EVENTS / "api" / "rank-resumes.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)  # stdout is the return value alone
    assert response["statusCode"] == 202
    assert json.loads(response["body"])["job_id"] in completed.stderr  # the "job accepted" log line


def test_a_task_without_sample_files_gets_its_events_from_its_spec(tmp_path: Path) -> None:
    """Only the envelope task's files: another task's API and SQS events come from its spec's example."""
    from ai_interviewer.tasks import task_spec  # noqa: PLC0415

    for kind, name in (("api", invoke.ENVELOPE_TASK.route), ("sqs", invoke.ENVELOPE_TASK.value)):
        (tmp_path / kind).mkdir()
        source = invoke.EVENTS_DIR / kind / f"{name}.json"
        (tmp_path / kind / f"{name}.json").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    task = TaskName.START_INTERVIEW
    example = task_spec(task).request_example

    api_event = invoke.sample_api_event(task.route, tmp_path)
    assert api_event["path"] == api_event["resource"] == f"/api/v1/webhook/{task.route}"
    assert api_event["requestContext"]["resourcePath"] == api_event["resource"]
    assert json.loads(api_event["body"]) == example
    fresh = invoke.generate_event(task.route, "another-token", events_dir=tmp_path)
    assert fresh["headers"]["X-Webhook-Token"] == "another-token" and json.loads(fresh["body"]) == example

    (record,) = invoke.sample_sqs_event(task.value, tmp_path)["Records"]
    message = TaskMessage.model_validate_json(record["body"])
    assert message.task is task and message.request == example
    assert record["eventSourceARN"].endswith(":ai-interviewer-start-interview")
    with pytest.raises(invoke.InvokeError, match="no route or task 'nothing-here'"):
        invoke.sample_api_event("nothing-here", tmp_path)


def test_the_dead_letter_consumers_run_with_their_deployed_timeout() -> None:
    for name in ("task_dead_letters", "notify_dead_letters"):
        assert invoke.find_function(name).timeout_seconds == resources.DEAD_LETTERS_TIMEOUT_SECONDS

"""The receivers a developer copies from `examples/`, fed real deliveries by the notifier: the Laravel
middleware (PHP, run by php-cli) and the Python receiver on the official `standardwebhooks` library.
Also token rotation as a receiver sees it, and the known Laravel client's `'tags' => 'required|array'`."""

from __future__ import annotations

import base64
import importlib.util
import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ai_interviewer.delivery.signing import signature_headers
from ai_interviewer.models.jobs import Job, NotifyMessage, TokenSlot
from ai_interviewer.models.requests import GenerateTagsRequest
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks.generate_tags import generate_tags
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.conftest import PREVIOUS_TOKEN, TEST_TOKEN, AwsStack
from tests.test_delivery import ReceivedRequest, WebhookReceiver
from tests.test_notifier import RESULT, NotifierBench, make_bench

ROOT = Path(__file__).resolve().parent.parent
PHP_MIDDLEWARE_RUNNER = ROOT / "tests" / "php" / "run_laravel_middleware.php"
PHP_TAGS_RULE = ROOT / "tests" / "php" / "laravel_tags_rule.php"
PYTHON_RECEIVER = ROOT / "examples" / "python" / "receiver.py"
TAGS = ["Python", "FastAPI", "PostgreSQL"]


def finished_job(
    bench: NotifierBench,
    url: str,
    *,
    task: TaskName = TaskName.RANK_RESUMES,
    result: dict[str, Any] | None = None,
    authenticated_by: TokenSlot = TokenSlot.CURRENT,
) -> Job:
    """A succeeded job whose notify message is queued, as a worker leaves it."""
    job = Job(
        job_id=str(uuid.uuid4()),
        task=task,
        webhook_url=url,
        request_sha256="0" * 64,
        authenticated_by=authenticated_by,
        expires_at=int(time.time()) + 86_400,
    )
    jobs = bench.services.jobs
    jobs.create(job)
    jobs.start(job.job_id)
    jobs.succeed(
        job.job_id, result or RESULT, engine="heuristic", model=None, prompt_version="v1", usage=None
    )
    from ai_interviewer.models.jobs import NotifyMessage  # noqa: PLC0415

    bench.services.queues.send_notify(NotifyMessage(job_id=job.job_id))
    return job


def deliver(bench: NotifierBench, **job: Any) -> ReceivedRequest:
    """One real delivery, recorded as the receiver got it."""
    with WebhookReceiver() as receiver:
        finished_job(bench, receiver.url(), **job)
        bench.run_queue()
    assert len(receiver.requests) == 1
    return receiver.requests[0]


def php() -> str:
    found = shutil.which("php")
    if found is None:
        pytest.skip("php is not installed here (.ci/run installs php-cli)")
    return found


def run_middleware(
    delivery: ReceivedRequest,
    tokens: list[str],
    cache_file: Path,
    *,
    body: bytes | None = None,
    drop: tuple[str, ...] = (),
    replace_headers: dict[str, str] | None = None,
    controller_status: int = 200,
) -> tuple[int, bool]:
    """(status answered, whether the controller ran) for the Laravel middleware on this delivery."""
    headers = {name: value for name, value in delivery.headers.items() if name not in drop}
    headers.update(replace_headers or {})
    stdin = {
        "body_base64": base64.b64encode(delivery.body if body is None else body).decode(),
        "headers": headers,
        "tokens": tokens,
        "cache_file": str(cache_file),
        "controller_status": controller_status,
    }
    done = subprocess.run(  # noqa: S603 - php and a file of this repository
        [php(), str(PHP_MIDDLEWARE_RUNNER)],
        input=json.dumps(stdin).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return int(done.stdout), b"controller" in done.stderr


def test_laravel_middleware_accepts_a_real_delivery_once_and_refuses_forgeries(
    aws: AwsStack, tmp_path: Path
) -> None:
    delivery = deliver(make_bench(aws))
    cache = tmp_path / "cache.json"
    assert run_middleware(delivery, [TEST_TOKEN], cache, controller_status=500) == (500, True)
    assert run_middleware(delivery, [TEST_TOKEN], cache) == (200, True)  # the retry is handled
    assert run_middleware(delivery, [TEST_TOKEN], cache) == (200, False)  # a repeat is not
    fresh = tmp_path / "fresh.json"
    assert run_middleware(delivery, ["another-token"], fresh) == (401, False)
    assert run_middleware(delivery, [TEST_TOKEN], fresh, body=delivery.body + b" ") == (401, False)


@pytest.mark.parametrize(
    "missing", ["X-AI-Interviewer-Signature", "webhook-id", "webhook-timestamp", "webhook-signature"]
)
def test_laravel_middleware_answers_401_not_a_type_error_when_a_header_is_missing(
    aws: AwsStack, tmp_path: Path, missing: str
) -> None:
    delivery = deliver(make_bench(aws))
    assert run_middleware(delivery, [TEST_TOKEN], tmp_path / "c.json", drop=(missing,)) == (401, False)


def test_laravel_middleware_refuses_a_delivery_outside_the_timestamp_tolerance(
    aws: AwsStack, tmp_path: Path
) -> None:
    delivery = deliver(make_bench(aws))
    stale = int(delivery.headers["webhook-timestamp"]) - 301
    # Re-signed correctly for the old timestamp: only the tolerance can refuse it.
    headers = signature_headers(
        delivery.body, TEST_TOKEN, webhook_id=delivery.headers["webhook-id"], timestamp=stale
    )
    assert run_middleware(delivery, [TEST_TOKEN], tmp_path / "c.json", replace_headers=headers) == (
        401,
        False,
    )


def load_python_receiver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_receiver", PYTHON_RECEIVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def python_receiver() -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    module = load_python_receiver()
    handled: list[dict[str, Any]] = []
    server = module.Receiver(("127.0.0.1", 0), [TEST_TOKEN], handled.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handled
    server.shutdown()
    server.server_close()
    thread.join(10)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_python_receiver_verifies_real_deliveries_with_standardwebhooks_and_handles_each_id_once(
    aws: AwsStack, python_receiver: tuple[Any, list[dict[str, Any]]]
) -> None:
    server, handled = python_receiver
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    bench = make_bench(aws)
    job = finished_job(bench, url)
    bench.run_queue()
    assert [payload["job_id"] for payload in handled] == [job.job_id]
    assert bench.job(job.job_id).delivery.state.value == "delivered"

    # A redelivery keeps the webhook-id: acknowledged, not handled again.
    chain = bench.services.jobs.begin_redelivery(job.job_id)
    bench.services.queues.send_notify(NotifyMessage(job_id=job.job_id, chain=chain))
    bench.run_queue()
    attempts = bench.job(job.job_id).delivery.attempts
    assert [a.status_code for a in attempts] == [200, 200]
    assert len(handled) == 1


def test_python_receiver_refuses_tampering_and_the_token_passed_as_str_fails(
    aws: AwsStack, python_receiver: tuple[Any, list[dict[str, Any]]]
) -> None:
    server, handled = python_receiver
    delivery = deliver(make_bench(aws))
    # The signature headers as delivered; urllib sets Host and Content-Length for the body it sends.
    headers = {k: v for k, v in delivery.headers.items() if k.lower() not in ("host", "content-length")}
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    assert _post(url, delivery.body + b" ", headers) == 401
    assert _post(url, delivery.body, {**headers, "webhook-id": "msg_other"}) == 401
    assert handled == []
    # Why the example passes bytes: given a str, the library base64-decodes it (refusing it, or
    # making another key of it).
    with pytest.raises((WebhookVerificationError, ValueError)):
        Webhook(TEST_TOKEN).verify(delivery.body, headers)
    assert Webhook(TEST_TOKEN.encode()).verify(delivery.body, headers)["job_id"]


@pytest.mark.parametrize("slot", [TokenSlot.CURRENT, TokenSlot.PREVIOUS])
def test_during_a_rotation_a_receiver_on_the_requests_token_verifies_both_signatures(
    aws: AwsStack, slot: TokenSlot
) -> None:
    delivery = deliver(make_bench(aws), authenticated_by=slot)
    receiver_token = TEST_TOKEN if slot is TokenSlot.CURRENT else PREVIOUS_TOKEN
    module = load_python_receiver()
    assert module.verify_delivery(delivery.body, dict(delivery.headers.items()), [receiver_token])
    # One Standard Webhooks signature per configured token, the request's token first.
    assert len(delivery.headers["webhook-signature"].split()) == 2


def test_once_the_previous_token_is_removed_the_current_one_signs(aws: AwsStack) -> None:
    bench = make_bench(aws, WEBHOOK_SECRET_TOKEN_PREVIOUS="")
    delivery = deliver(bench, authenticated_by=TokenSlot.PREVIOUS)
    module = load_python_receiver()
    assert module.verify_delivery(delivery.body, dict(delivery.headers.items()), [TEST_TOKEN])
    with pytest.raises(module.RejectedDeliveryError):
        module.verify_delivery(delivery.body, dict(delivery.headers.items()), [PREVIOUS_TOKEN])
    assert len(delivery.headers["webhook-signature"].split()) == 1


def laravel_tags_rule(body: bytes) -> bool:
    done = subprocess.run(  # noqa: S603 - php and a file of this repository
        [php(), str(PHP_TAGS_RULE)], input=body, capture_output=True, timeout=60, check=False
    )
    assert done.returncode in (0, 22), done.stderr.decode()
    return done.returncode == 0


@pytest.mark.parametrize(("tags_format", "accepted"), [("string", False), ("list", True)])
def test_the_known_laravel_client_accepts_tags_only_as_a_list(
    aws: AwsStack, tags_format: str, accepted: bool
) -> None:

    bench = make_bench(aws, TAGS_FORMAT=tags_format)
    outcome = generate_tags(
        GenerateTagsRequest(
            webhook_url="https://receiver.example.com/hook",
            vacancy_text="Ищем Python-разработчика: FastAPI, PostgreSQL, Docker, CI/CD.",
        ),
        "job",
        bench.services,
    )
    delivery = deliver(bench, task=TaskName.GENERATE_TAGS, result=outcome.result)
    tags = json.loads(delivery.body)["tags"]
    assert isinstance(tags, list if tags_format == "list" else str)
    assert laravel_tags_rule(delivery.body) is accepted

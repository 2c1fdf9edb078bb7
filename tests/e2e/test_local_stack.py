"""End to end: `ai-interviewer local` started as a user starts it, driven over HTTP with the seed's five
example requests, answering through signed webhooks to a receiver in this test."""
# ruff: noqa: E402, I001, W293 - the seed's verification snippet below is copied verbatim, spaces and all

from __future__ import annotations

# fmt: off
# ---- seed/webhook-api-v1.2.md §3, verbatim -------------------------------------------------------
import hmac
import hashlib
import json

# Ваш секретный токен, который вы используете для вызова API
SECRET_TOKEN = "your-super-secret-and-long-token-here"

def verify_signature(request_body_bytes, signature_header):
    if not signature_header:
        return False
    
    hash_object = hmac.new(SECRET_TOKEN.encode('utf-8'), msg=request_body_bytes, digestmod=hashlib.sha256)
    expected_signature = hash_object.hexdigest()
    
    return hmac.compare_digest(expected_signature, signature_header)

# В вашем обработчике вебхука (например, в Laravel)
# request_body = request->getContent();
# signature = request->header('X-AI-Interviewer-Signature');
# is_valid = verify_signature(request_body, signature);
# ---- end of the seed's snippet ---------------------------------------------------------------------
# fmt: on

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ai_interviewer.local.receiver import verify

# One xdist worker runs the module: its tests share one running stack.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-local-stack")]

# Every wait is bounded; the machine is shared, so the bounds are generous rather than tight.
WAIT_SECONDS = 60
# A start imports every function and starts moto; on a loaded machine (or with nothing compiled yet)
# that alone can take a minute.
START_SECONDS = 180


def seed_requests(webhook_base: str) -> dict[str, dict[str, Any]]:
    """The seed's §4 example bodies, as written there, with webhook_url pointed at this test."""
    return {
        "rank-resumes": {
            "webhook_url": f"{webhook_base}/webhook-receiver",
            "vacancy_text": "Полный текст вакансии здесь...",
            "resumes": [
                {"filename": "cv_developer1.pdf", "content": "Текст первого резюме..."},
                {"filename": "cv_developer2.docx", "content": "Текст второго резюме..."},
            ],
            "weights": {"technical_skills": 5, "experience": 4},
        },
        "start-interview": {
            "webhook_url": f"{webhook_base}/webhook-receiver-analysis",
            "vacancy_text": "Полный текст вакансии...",
            "resume_text": "Полный текст резюме...",
        },
        "build-vacancy": {
            "webhook_url": f"{webhook_base}/webhook-receiver-vacancy",
            "base_text": "Ищем python-разраба. FastAPI, Postgres. Удаленка.",
            "weights": {
                "technical_skills": 5,
                "experience": 5,
                "communication": 3,
                "problem_solving": 4,
                "teamwork": 3,
            },
        },
        "add-vacancy-with-candidates": {
            "webhook_url": f"{webhook_base}/webhook-receiver-db",
            "vacancy_filename": "backend_dev_vacancy.txt",
            "vacancy_content": "Ищем опытного Backend-разработчика...",
            "resumes": [
                {"filename": "ivanov_cv.pdf", "content": "Иванов Иван, опыт 5 лет..."},
                {"filename": "petrov_cv.docx", "content": "Петров Петр, опыт 3 года..."},
            ],
        },
        "generate-tags": {
            "webhook_url": f"{webhook_base}/webhook-receiver-tags",
            "vacancy_text": (
                "Ищем опытного Python-разработчика для работы над финтех-проектом. Требуется знание "
                "FastAPI, PostgreSQL и Docker. Важна работа в команде и опыт с CI/CD."
            ),
        },
    }


@dataclass(frozen=True)
class Webhook:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookSink(ThreadingHTTPServer):
    """The client's webhook endpoint: records every POST and answers 200, or the statuses it was given
    for its first requests."""

    daemon_threads = True

    def __init__(self, first_statuses: tuple[int, ...] = ()) -> None:
        self.received: queue.Queue[Webhook] = queue.Queue()
        self.statuses = list(first_statuses)
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.received.put(Webhook(self.path, dict(self.headers.items()), body))
                self.send_response(sink.statuses.pop(0) if sink.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def collect(self, count: int) -> list[Webhook]:
        deadline = time.monotonic() + WAIT_SECONDS
        hooks: list[Webhook] = []
        while len(hooks) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"only {len(hooks)} of {count} webhooks arrived in {WAIT_SECONDS} s")
            try:
                hooks.append(self.received.get(timeout=remaining))
            except queue.Empty:
                continue
        return hooks


@contextmanager
def webhook_sink(first_statuses: tuple[int, ...] = ()) -> Iterator[WebhookSink]:
    sink = WebhookSink(first_statuses)
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class StackProcess:
    process: subprocess.Popen[str]
    url: str = ""
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    log_file: Path | None = None
    # Where the current test's view of stdout begins (tests share one running stack).
    since: int = 0

    def begin_test(self) -> None:
        """From now on `lines_with` and `wait_for_line` see only the lines printed from here on."""
        while True:
            try:
                self.lines.get_nowait()
            except queue.Empty:
                break
        self.since = len(self.stdout)

    def wait_for_line(self, fragment: str, within: float = WAIT_SECONDS) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if fragment in line:
                return line
        raise AssertionError(f"no line with {fragment!r}; stderr:\n{''.join(self.stderr)[-4000:]}")

    def lines_with(self, fragment: str) -> list[str]:
        return [line for line in self.stdout[self.since :] if fragment in line]


@contextmanager
def local_stack(workdir: Path, **settings: str) -> Iterator[StackProcess]:
    """`ai-interviewer local` on a free port, from a directory without a .env; always stopped."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WEBHOOK_", "OPENAI_", "AWS_ENDPOINT_URL"))
        and name not in {"LLM_ENGINE", "VACANCY_STORE", "DATABASE_URL", "ALLOW_PRIVATE_WEBHOOK_URLS"}
    }
    environment.update(
        {"WEBHOOK_SECRET_TOKEN": SECRET_TOKEN, "LLM_ENGINE": "heuristic", "PYTHONUNBUFFERED": "1", **settings}
    )
    port = free_port()
    log_file = workdir / "functions.log"
    process = subprocess.Popen(  # noqa: S603 - our own command line, fixed arguments
        [
            sys.executable,
            "-m",
            "ai_interviewer.cli",
            "local",
            "--port",
            str(port),
            "--log-file",
            str(log_file),
        ],
        cwd=workdir,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    stack = StackProcess(process, log_file=log_file)

    def drain(stream: Any, into: list[str], lines: queue.Queue[str] | None) -> None:
        for line in stream:
            into.append(line)
            if lines is not None:
                lines.put(line)

    readers = [
        threading.Thread(target=drain, args=(process.stdout, stack.stdout, stack.lines), daemon=True),
        threading.Thread(target=drain, args=(process.stderr, stack.stderr, None), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        stack.wait_for_line("Ready:", within=START_SECONDS)
        stack.url = f"http://127.0.0.1:{port}"
        yield stack
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for reader in readers:
            reader.join(timeout=10)
        # Shown by pytest when the test fails: what the user would have seen in the terminal.
        print("---- ai-interviewer local stdout ----", "".join(stack.stdout), sep="\n")
        print("---- ai-interviewer local stderr ----", "".join(stack.stderr)[-6000:], sep="\n")


# The settings of the stack the module's tests share: a fast retry, so a failed delivery comes back in
# a second (a test whose deliveries all succeed sees no difference).
SHARED_SETTINGS = {"WEBHOOK_RETRY_SCHEDULE": "1"}


class SharedStack:
    """One `ai-interviewer local` for the module's tests (a start costs seconds), started on first use.
    A test that stops it, to check the shutdown, leaves the next test a new one."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._running = ExitStack()
        self._stack: StackProcess | None = None

    @contextmanager
    def use(self) -> Iterator[StackProcess]:
        if self._stack is None or self._stack.process.poll() is not None:
            self.stop()
            self._stack = self._running.enter_context(local_stack(self._workdir, **SHARED_SETTINGS))
        stack = self._stack
        stack.begin_test()
        try:
            yield stack
        except BaseException:
            # Shown by pytest for the failing test: what the stack printed meanwhile.
            print(
                "---- ai-interviewer local stdout (this test) ----",
                "".join(stack.stdout[stack.since :]),
                sep="\n",
            )
            print("---- ai-interviewer local stderr ----", "".join(stack.stderr)[-6000:], sep="\n")
            raise

    def stop(self) -> None:
        """Ctrl-C to the running stack, if any, and wait until it is gone."""
        self._stack = None
        self._running.close()


@pytest.fixture(scope="module")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedStack]:
    shared = SharedStack(tmp_path_factory.mktemp("local-stack"))
    try:
        yield shared
    finally:
        shared.stop()


def call(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    headers = {"X-Webhook-Token": token, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
            return response.status, dict(response.headers.items()), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), json.loads(error.read() or b"null")


def check_payload_shape(route: str, payload: dict[str, Any], request: dict[str, Any]) -> None:
    """The seed's keys for each task, with the types the seed shows."""
    if route == "rank-resumes":
        results = payload["results"]
        assert sorted(result["filename"] for result in results) == sorted(
            resume["filename"] for resume in request["resumes"]
        )
        for result in results:
            assert {"filename", "score", "summary", "pros", "cons"} <= set(result)
            assert isinstance(result["score"], int) and 0 <= result["score"] <= 100
            assert isinstance(result["summary"], str)
            assert isinstance(result["pros"], list) and isinstance(result["cons"], list)
        scores = [result["score"] for result in results]
        assert scores == sorted(scores, reverse=True)
    elif route == "start-interview":
        history = payload["chat_history"]
        assert history and all(isinstance(line, str) for line in history)
        assert history[0].startswith("Interviewer: ")
        analysis = payload["analysis"]
        assert {"scores", "overall_score", "summary", "pros", "cons", "recommendation"} <= set(analysis)
        assert all(isinstance(score, int) and 0 <= score <= 10 for score in analysis["scores"].values())
        assert isinstance(analysis["overall_score"], int | float)
    elif route == "build-vacancy":
        assert payload["description"].startswith("# ")
    elif route == "add-vacancy-with-candidates":
        assert isinstance(payload["message"], str) and payload["message"]
        assert isinstance(payload["vacancy_id"], int)
    elif route == "generate-tags":
        assert isinstance(payload["tags"], str) and payload["tags"].strip()
    else:
        raise AssertionError(f"unexpected route {route}")


def test_a_failed_delivery_is_retried_through_the_notify_queue_until_the_receiver_accepts(
    shared_stack: SharedStack,
) -> None:
    with webhook_sink(first_statuses=(503,)) as sink, shared_stack.use() as stack:
        body = seed_requests(sink.url)["generate-tags"]
        status, _, answer = call(f"{stack.url}/api/v1/webhook/generate-tags", SECRET_TOKEN, body)
        assert status == 202
        job_id = answer["job_id"]

        first, second = sink.collect(2)
        # One webhook, two attempts: same id and body, a new attempt number, both signed.
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert (first.headers["X-AI-Interviewer-Attempt"], second.headers["X-AI-Interviewer-Attempt"]) == (
            "1",
            "2",
        )
        assert first.body == second.body
        assert verify_signature(second.body, second.headers["X-AI-Interviewer-Signature"])

        stack.wait_for_line(f"{job_id} generate_tags delivered 200 (attempt 2)")
        assert stack.lines_with(f"{job_id} generate_tags delivery failed 503 (attempt 1), retrying")
        status, _, job = call(f"{stack.url}/api/v1/jobs/{job_id}", SECRET_TOKEN)
        assert [attempt["status_code"] for attempt in job["delivery"]["attempts"]] == [503, 200]
    assert stack.process.poll() is None, "the stack stays up for the next test"


def test_the_seeds_five_requests_come_back_as_five_signed_webhooks(shared_stack: SharedStack) -> None:
    # Defined last: it stops the shared stack (Ctrl-C) to check the shutdown.
    started = time.monotonic()
    with webhook_sink() as sink, shared_stack.use() as stack:
        requests = seed_requests(sink.url)

        # A wrong token is refused before anything is stored or queued.
        refused = {**requests["generate-tags"], "webhook_url": f"{sink.url}/wrong-token"}
        status, _, error = call(f"{stack.url}/api/v1/webhook/generate-tags", "not-the-token", refused)
        assert status == 401
        assert "error" in error

        accepted: dict[str, tuple[str, str]] = {}  # job id -> (route, task)
        for route, body in requests.items():
            status, headers, answer = call(f"{stack.url}/api/v1/webhook/{route}", SECRET_TOKEN, body)
            assert status == 202, answer
            assert answer["task"] == route.replace("-", "_")
            assert answer["status"] == "queued"
            assert headers["Location"] == f"/api/v1/jobs/{answer['job_id']}"
            accepted[answer["job_id"]] = (route, answer["task"])

        webhooks = sink.collect(len(accepted))
        for webhook in webhooks:
            # The seed's own snippet, unchanged, accepts the signature.
            assert verify_signature(webhook.body, webhook.headers["X-AI-Interviewer-Signature"])
            lowered = {name.lower(): value for name, value in webhook.headers.items()}
            assert verify(SECRET_TOKEN, lowered, webhook.body).valid  # and so would `ai-interviewer receive`
            payload = json.loads(webhook.body)
            route, task = accepted[payload["job_id"]]
            assert webhook.path == requests[route]["webhook_url"].removeprefix(sink.url)
            assert (payload["task"], payload["status"]) == (task, "succeeded")
            check_payload_shape(route, payload, requests[route])
        assert sorted(json.loads(hook.body)["job_id"] for hook in webhooks) == sorted(accepted)

        # A line per job as it moves; the job record agrees that each webhook was delivered.
        deadline = time.monotonic() + WAIT_SECONDS
        while len(stack.lines_with("delivered 200")) < len(accepted) and time.monotonic() < deadline:
            time.sleep(0.2)
        for job_id, (_, task) in accepted.items():
            assert stack.lines_with(f"{job_id} {task} accepted")
            assert stack.lines_with(f"{job_id} {task} running")
            assert stack.lines_with(f"{job_id} {task} succeeded")
            assert stack.lines_with(f"{job_id} {task} delivered 200 (attempt 1)")
            status, _, job = call(f"{stack.url}/api/v1/jobs/{job_id}", SECRET_TOKEN)
            assert status == 200
            assert (job["job_id"], job["status"]) == (job_id, "succeeded")
        assert len(stack.lines_with(" accepted")) == len(accepted)
        # Nothing was delivered for the refused request, and nothing twice.
        assert sink.received.empty()
        assert "/wrong-token" not in {hook.path for hook in webhooks}
        # No request text reaches the stack's output.
        output = "".join(stack.stdout)
        assert "Иванов Иван" not in output and "python-разраба" not in output
        # Nor the functions' log file, which has lines for these jobs.
        assert stack.log_file is not None
        logged = stack.log_file.read_text(encoding="utf-8")
        assert any(job_id in logged for job_id in accepted)
        assert "Иванов Иван" not in logged and "python-разраба" not in logged

    shared_stack.stop()
    assert stack.process.returncode == 0, "".join(stack.stderr)[-4000:]
    assert stack.lines_with("Stopped.")
    # The AWS emulation (moto, a process of the stack's own) went with it.
    [emulation] = re.findall(r"moto at http://127\.0\.0\.1:(\d+)", "".join(stack.stdout))
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(emulation)), timeout=10).close()
    print(f"e2e took {time.monotonic() - started:.1f} s")

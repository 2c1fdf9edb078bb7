"""Memory: peak RSS of each function handling its largest allowed input (the settings' defaults: 500
resumes, 200 000 characters a text, a 6 MiB body, 20 criteria with 64-character names), each in a fresh
subprocess, to size Lambda memory.

    uv run python bench/memory.py

The emulation (moto server), the fake OpenAI server and the webhook receiver run in this process; each
function runs in its own child, which imports its handler (as Lambda's init does), then reads the
event from stdin and invokes the handler once, reporting `ru_maxrss` after the import and at the end.
The jobs flow through the real path: the api child accepts each request (claim-checked to S3), this
process hands the queued message to the worker child as an SQS event, and the notifier child delivers
the largest result (500 ranked resumes). Model tasks run with both engines.

On Linux a process's ru_maxrss survives exec: a child forked from this process (which holds the
emulation's data and the fake server's recorded requests, hundreds of MiB) would report at least this
process's peak. So the children are started by a small spawner process launched first, while this
process is still small; each child also reads its own VmHWM (/proc/self/status) as a cross-check.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ai_interviewer import resources  # names only; the heavier imports wait until the spawner runs
from ai_interviewer.resources import TaskName
from harness import (
    BENCH_TOKEN,
    ROOT,
    fake_openai_module,
    machine_line,
    print_table,
    resume_text,
    use_fake_aws,
    vacancy_text,
)

if TYPE_CHECKING:
    from ai_interviewer.settings import Settings

MIB = 1024 * 1024
HEADROOM = 1.5  # over the measured peak: other inputs, the Lambda runtime's own client, arm64 vs x86_64
LAMBDA_MIN_MB = 128
MEMORY_STEP_MB = 64
# What a deploy uses: cdk.json's context (read as JSON: importing the CDK app would load the CDK libraries).
_CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
_CONTEXT = json.loads(_CDK_JSON.read_text(encoding="utf-8"))["context"]
CURRENT_MEMORY_MB = {group: _CONTEXT[f"{group}_memory_mb"] for group in ("api", "worker", "notifier")}

CHILD = """
import importlib, json, resource, sys, time

def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def hwm_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

module_name, _, attribute = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module_name), attribute)
from ai_interviewer.local.lambda_runtime import LambdaContext
imported = peak_kib()
event = json.loads(sys.stdin.buffer.read())
start = time.perf_counter()
answer = handler(event, LambdaContext(sys.argv[2], 900))
seconds = time.perf_counter() - start
status = answer.get("statusCode") if isinstance(answer, dict) else None
failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
print("BENCH " + json.dumps({"imported_kib": imported, "peak_kib": peak_kib(), "hwm_kib": hwm_kib(),
                              "seconds": seconds,
                              "status": status, "failures": failures, "body": (answer or {}).get("body")}))
"""


@dataclass
class Measurement:
    function: str
    engine: str
    input: str
    imported_mib: float
    peak_mib: float
    seconds: float
    body: str | None = None


SPAWNER = """
import json, subprocess, sys
for line in sys.stdin:
    job = json.loads(line)
    with open(job["input"], "rb") as event:
        done = subprocess.run(job["argv"], stdin=event, capture_output=True, env=job["env"], cwd=job["cwd"])
    print(json.dumps({"returncode": done.returncode, "stdout": done.stdout.decode(errors="replace"),
                      "stderr": done.stderr.decode(errors="replace")[-4000:]}), flush=True)
"""


class Spawner:
    """A small process that starts the measured children, so they inherit no large ru_maxrss."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter, our own spawner
            [sys.executable, "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._stdin: IO[str] = self._process.stdin  # type: ignore[assignment]
        self._stdout: IO[str] = self._process.stdout  # type: ignore[assignment]
        self._folder = tempfile.TemporaryDirectory(prefix="bench-memory-")

    def run(self, argv: list[str], event: bytes, environ: dict[str, str]) -> tuple[int, str, str]:
        path = os.path.join(self._folder.name, "event.json")
        with open(path, "wb") as file:
            file.write(event)
        job = {"argv": argv, "input": path, "env": environ, "cwd": str(ROOT)}
        self._stdin.write(json.dumps(job) + "\n")
        self._stdin.flush()
        done = json.loads(self._stdout.readline())
        return int(done["returncode"]), str(done["stdout"]), str(done["stderr"])

    def close(self) -> None:
        self._stdin.close()
        self._process.wait(timeout=30)
        self._folder.cleanup()


def run_child(
    spawner: Spawner, handler: str, event: dict[str, Any], environ: dict[str, str]
) -> dict[str, Any]:
    returncode, stdout, stderr = spawner.run(
        [sys.executable, "-c", CHILD, handler, handler.split(".")[-2]],
        json.dumps(event, ensure_ascii=False).encode(),
        environ,
    )
    lines = [line for line in stdout.splitlines() if line.startswith("BENCH ")]
    if returncode != 0 or not lines:
        raise RuntimeError(f"{handler} failed:\n{stderr}")
    report: dict[str, Any] = json.loads(lines[-1].removeprefix("BENCH "))
    if report["failures"]:
        raise RuntimeError(f"{handler} reported failed records; stderr:\n{stderr}")
    if abs(report["peak_kib"] - report["hwm_kib"]) > 0.1 * report["hwm_kib"]:
        print(f"warning: {handler}: ru_maxrss {report['peak_kib']} KiB but VmHWM {report['hwm_kib']} KiB")
    return report


def api_event(task: TaskName, body: bytes) -> dict[str, Any]:
    path = f"/api/v1/webhook/{task.route}"
    headers = {"Content-Type": "application/json", "X-Webhook-Token": BENCH_TOKEN}
    return {
        "resource": path,
        "path": path,
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "POST",
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "bench",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def largest_bodies(webhook_url: str, settings: Settings) -> dict[TaskName, bytes]:
    """Each task's largest request within the limits: texts at the character limit, and the two
    resume lists filling the body limit with the most resumes allowed."""
    rng = random.Random(6)
    longest = settings.max_text_chars
    # The most criteria allowed, with the longest names: a job's cost grows with resumes x criteria.
    worst_weights = {f"criterion_{i:02}_" + "x" * 51: 1.0 for i in range(settings.max_criteria)}

    def filled(vacancy_field: str, extra: dict[str, Any]) -> bytes:
        base = {"webhook_url": webhook_url, **extra, vacancy_field: vacancy_text(longest), "resumes": []}
        room = settings.max_body_bytes - len(json.dumps(base, ensure_ascii=False).encode()) - 64
        chars = min(room // settings.max_resumes, longest)
        while True:  # JSON escapes and multi-byte characters make bytes exceed characters: shrink to fit
            base["resumes"] = [
                {"filename": f"cv_{i:03}.txt", "content": resume_text(rng, chars)}
                for i in range(settings.max_resumes)
            ]
            body = json.dumps(base, ensure_ascii=False).encode()
            if len(body) <= settings.max_body_bytes:
                return body
            chars = int(chars * settings.max_body_bytes / len(body)) - 8

    def single(fields: dict[str, str]) -> bytes:
        return json.dumps({"webhook_url": webhook_url, **fields}, ensure_ascii=False).encode()

    return {
        TaskName.RANK_RESUMES: filled("vacancy_text", {"weights": worst_weights}),
        TaskName.ADD_VACANCY_WITH_CANDIDATES: filled("vacancy_content", {"vacancy_filename": "vacancy.md"}),
        TaskName.START_INTERVIEW: single(
            {"vacancy_text": vacancy_text(longest), "resume_text": resume_text(rng, longest)}
        ),
        TaskName.BUILD_VACANCY: json.dumps(
            {"webhook_url": webhook_url, "base_text": vacancy_text(longest), "weights": worst_weights},
            ensure_ascii=False,
        ).encode(),
        TaskName.GENERATE_TAGS: single({"vacancy_text": vacancy_text(longest)}),
    }


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    sizes: list[int] = []  # noqa: RUF012 - one receiver per run

    def do_POST(self) -> None:
        self.sizes.append(len(self.rfile.read(int(self.headers.get("Content-Length") or 0))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def webhook_receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def suggested_mb(peak_mib: float) -> int:
    return max(LAMBDA_MIN_MB, math.ceil(peak_mib * HEADROOM / MEMORY_STEP_MB) * MEMORY_STEP_MB)


def main() -> None:  # noqa: PLR0915 - one linear script
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    spawner = Spawner()  # first, while this process is small
    use_fake_aws()
    import boto3  # noqa: PLC0415
    from ai_interviewer.local.aws_emulation import InProcessEmulation  # noqa: PLC0415
    from ai_interviewer.local.pollers import sqs_event  # noqa: PLC0415
    from ai_interviewer.local.provision import provision  # noqa: PLC0415
    from ai_interviewer.settings import Settings  # noqa: PLC0415

    fake_openai = fake_openai_module()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log
    moto = InProcessEmulation()
    measurements: list[Measurement] = []
    try:
        os.environ["AWS_ENDPOINT_URL"] = moto.start()
        session = boto3.session.Session()
        os.environ.update(provision(session))
        sqs = session.client("sqs")
        with fake_openai.FakeOpenAI() as server, webhook_receiver() as webhook_url:
            environ = {
                **os.environ,
                "WEBHOOK_SECRET_TOKEN": BENCH_TOKEN,
                "ALLOW_PRIVATE_WEBHOOK_URLS": "true",
                "POWERTOOLS_LOG_LEVEL": "INFO",
                "OPENAI_BASE_URL": server.base_url,
                "OPENAI_API_KEY": "sk-bench",
            }
            settings = Settings.from_env(environ)
            bodies = largest_bodies(webhook_url, settings)

            def accept(task: TaskName, measured: bool) -> None:
                body = bodies[task]
                report = run_child(spawner, resources.API_HANDLER, api_event(task, body), environ)
                if report["status"] != 202:
                    raise RuntimeError(f"api refused the {task.value} request: {report['body']}")
                if measured:
                    measurements.append(
                        Measurement(
                            "api",
                            "-",
                            f"{task.route} body {len(body) / MIB:.2f} MiB",
                            report["imported_kib"] / 1024,
                            report["peak_kib"] / 1024,
                            report["seconds"],
                        )
                    )

            def work(task: TaskName, engine: str, describe: str) -> str:
                url = settings.task_queue_urls[task]
                messages = sqs.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=1,
                    WaitTimeSeconds=5,
                    MessageSystemAttributeNames=["All"],
                )["Messages"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                    "QueueArn"
                ]
                chosen_engine = {"LLM_ENGINE": engine} if engine != "-" else {}
                report = run_child(
                    spawner,
                    resources.task_handler(task),
                    sqs_event(messages, arn),
                    {**environ, **chosen_engine},
                )
                sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
                measurements.append(
                    Measurement(
                        task.value,
                        engine,
                        describe,
                        report["imported_kib"] / 1024,
                        report["peak_kib"] / 1024,
                        report["seconds"],
                    )
                )
                return str(json.loads(messages[0]["Body"])["job_id"])

            size = {task: f"body {len(body) / MIB:.2f} MiB" for task, body in bodies.items()}
            accept(TaskName.RANK_RESUMES, measured=True)
            accept(TaskName.ADD_VACANCY_WITH_CANDIDATES, measured=True)
            rank_job = work(TaskName.RANK_RESUMES, "openai", f"500 resumes, {size[TaskName.RANK_RESUMES]}")
            accept(TaskName.RANK_RESUMES, measured=False)
            work(TaskName.RANK_RESUMES, "heuristic", f"500 resumes, {size[TaskName.RANK_RESUMES]}")
            work(
                TaskName.ADD_VACANCY_WITH_CANDIDATES,
                "-",
                f"500 resumes, {size[TaskName.ADD_VACANCY_WITH_CANDIDATES]}",
            )
            for task, describe in (
                (TaskName.START_INTERVIEW, "vacancy and resume 200 000 chars each"),
                (TaskName.BUILD_VACANCY, "base_text 200 000 chars"),
                (TaskName.GENERATE_TAGS, "vacancy 200 000 chars"),
            ):
                accept(task, measured=True)
                work(task, "openai", describe)
                accept(task, measured=False)
                work(task, "heuristic", describe)

            # The notifier delivers the largest webhook: the 500 ranked resumes of the openai rank job.
            notify_url = settings.notify_queue_url or ""
            notify_arn = sqs.get_queue_attributes(QueueUrl=notify_url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            chosen = None
            for _ in range(20):
                batch = sqs.receive_message(
                    QueueUrl=notify_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
                ).get("Messages", [])
                chosen = next((m for m in batch if json.loads(m["Body"])["job_id"] == rank_job), None)
                if chosen or not batch:
                    break
            if chosen is None:
                raise RuntimeError("the rank job's notify message never arrived")
            before = len(_Receiver.sizes)
            report = run_child(spawner, resources.NOTIFIER_HANDLER, sqs_event([chosen], notify_arn), environ)
            if len(_Receiver.sizes) != before + 1:
                raise RuntimeError("the notifier delivered nothing")
            measurements.append(
                Measurement(
                    "notifier",
                    "-",
                    f"webhook of 500 ranked resumes, {_Receiver.sizes[-1] / MIB:.2f} MiB",
                    report["imported_kib"] / 1024,
                    report["peak_kib"] / 1024,
                    report["seconds"],
                )
            )
    finally:
        moto.stop()
        spawner.close()

    print(machine_line())
    rows = [
        (
            m.function,
            m.engine,
            m.input,
            f"{m.imported_mib:.0f}",
            f"{m.peak_mib:.0f}",
            f"{m.peak_mib - m.imported_mib:.0f}",
            f"{m.seconds:.2f}",
        )
        for m in measurements
    ]
    print_table(
        "Peak RSS per function on its largest allowed input (MiB, ru_maxrss of a fresh process)",
        ["function", "engine", "input", "after import", "peak", "peak - import", "handler s"],
        rows,
    )
    groups = {
        "api": [m for m in measurements if m.function == "api"],
        "worker": [m for m in measurements if m.function not in ("api", "notifier")],
        "notifier": [m for m in measurements if m.function == "notifier"],
    }
    suggestion_rows = []
    for group, members in groups.items():
        peak = max(m.peak_mib for m in members)
        suggestion_rows.append((group, f"{peak:.0f}", suggested_mb(peak), CURRENT_MEMORY_MB[group]))
    print_table(
        f"Suggested Lambda memory (peak x {HEADROOM}, rounded up to {MEMORY_STEP_MB} MB, "
        f"at least {LAMBDA_MIN_MB})",
        ["function group", "largest peak MiB", "suggested MB", "deployed default MB"],
        suggestion_rows,
    )


if __name__ == "__main__":
    main()

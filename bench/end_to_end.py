"""End to end on the local stack (`ai-interviewer local`, heuristic engine): mixed jobs of all five tasks
over HTTP, every webhook verified with the seed's HMAC in a receiver thread here.

    uv run python bench/end_to_end.py [--jobs 200] [--rate 20] [--burst-clients 8]

Phases on one stack, each with --jobs jobs (an equal share of each task, shuffled):
- burst: sent as fast as --burst-clients clients can; jobs per second from the first request to the
  last verified webhook is the stack's capacity (target: at least 20);
- paced: submitted at --rate per second (open loop: a slow answer does not delay the next one); the
  latency from each 202 to its verified webhook, p50 and p95, is judged at that offered load;
- paced again at 60% of the burst's capacity, when that is below --rate: the latency when the stack
  is not overloaded.
For each phase the job records (GET /api/v1/jobs/{id}) split the latency into queue wait (created ->
started), run (started -> finished) and notify (finished -> webhook received), and the stack's CPU time
per job, split between its two processes: the functions (the api, five workers and the notifier share one
GIL) and the AWS emulation (moto, a child process of the stack's).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import queue
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harness import BENCH_TOKEN, free_port, machine_line, percentile, print_table, resume_text, vacancy_text

TARGET_JOBS_PER_SECOND = 20.0
TARGET_P95_SECONDS = 1.0
WAIT_SECONDS = 180
PACED_CLIENTS = 16
SUSTAINABLE_SHARE = 0.6  # the last phase's rate, as a share of the burst's jobs per second
TASK_ROUTES = [
    "rank-resumes",
    "start-interview",
    "build-vacancy",
    "add-vacancy-with-candidates",
    "generate-tags",
]


# --- the client's webhook endpoint ----------------------------------------------------------------------


@dataclass
class Arrival:
    at: float  # time.monotonic()
    wall: float  # time.time(), to compare with the job record's timestamps
    verified: bool
    status: str


class WebhookReceiver(ThreadingHTTPServer):
    """Verifies the seed's signature (hex HMAC-SHA256 of the raw body) and records each job's arrival."""

    daemon_threads = True

    def __init__(self, token: str) -> None:
        self.token = token.encode()
        self.arrivals: dict[str, Arrival] = {}
        self.duplicates = 0
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at, wall = time.monotonic(), time.time()
                expected = hmac.new(receiver.token, body, hashlib.sha256).hexdigest()
                verified = hmac.compare_digest(expected, self.headers.get("X-AI-Interviewer-Signature") or "")
                payload = json.loads(body)
                receiver.record(
                    str(payload.get("job_id")), Arrival(at, wall, verified, str(payload.get("status")))
                )
                self.send_response(200 if verified else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        super().__init__(("127.0.0.1", 0), Handler)

    def record(self, job_id: str, arrival: Arrival) -> None:
        with self.changed:
            if job_id in self.arrivals:
                self.duplicates += 1
            else:
                self.arrivals[job_id] = arrival
            self.changed.notify_all()

    def wait_for(self, job_ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not job_ids <= self.arrivals.keys():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
        return True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/webhook"


@contextmanager
def webhook_receiver(token: str) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(token)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()


# --- the stack as a subprocess ------------------------------------------------------------------------


@dataclass
class Stack:
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    def cpu_seconds(self) -> tuple[float, float]:
        """utime + stime (all threads) of the stack's process, and of its live child processes (the AWS
        emulation), from /proc."""
        own = children = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that just ended
            seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            if stat.parent.name == str(self.process.pid):
                own += seconds
            elif fields[1] == str(self.process.pid):
                children += seconds
        return own, children


def default_stack_command() -> list[str]:
    return [str(Path(sys.executable).with_name("ai-interviewer")), "local"]


@contextmanager
def local_stack(token: str, command: list[str] | None = None) -> Iterator[Stack]:
    """`ai-interviewer local` on a free port, in an empty folder (no .env), heuristic engine; stopped
    with Ctrl-C (SIGINT) as a user stops it."""
    port = free_port()
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "OPENAI_", "LLM_", "POWERTOOLS_", "WEBHOOK_"))
    }
    environment.update({"WEBHOOK_SECRET_TOKEN": token, "LLM_ENGINE": "heuristic", "PYTHONUNBUFFERED": "1"})
    command = [*(command or default_stack_command()), "--port", str(port)]
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as workdir:
        process = subprocess.Popen(  # noqa: S603 - the stack's own command line
            command,
            cwd=workdir,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stack = Stack(process, f"http://127.0.0.1:{port}")
        ready: queue.Queue[str] = queue.Queue()

        def drain() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                stack.lines.append(line)
                if line.startswith("Ready:"):
                    ready.put(line)

        threading.Thread(target=drain, daemon=True).start()
        try:
            try:
                ready.get(timeout=90)
            except queue.Empty:
                raise RuntimeError("the stack did not start:\n" + "".join(stack.lines[-40:])) from None
            yield stack
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the workload ---------------------------------------------------------------------------------------


def job_bodies(count: int, webhook_url: str, seed: int) -> list[tuple[str, bytes]]:
    """`count` requests, an equal share of each task, shuffled; sizes like everyday use."""
    rng = random.Random(seed)
    vacancy = vacancy_text(1500, "ru")

    def resumes(n: int) -> list[dict[str, str]]:
        return [
            {"filename": f"cv_{i}.txt", "content": resume_text(rng, 2000, rng.choice(["ru", "en"]))}
            for i in range(n)
        ]

    def body(route: str, index: int) -> dict[str, Any]:
        common = {"webhook_url": webhook_url, "metadata": {"bench": str(index)}}
        if route == "rank-resumes":
            return {**common, "vacancy_text": vacancy, "resumes": resumes(5)}
        if route == "start-interview":
            return {**common, "vacancy_text": vacancy, "resume_text": resume_text(rng, 3000, "ru")}
        if route == "build-vacancy":
            return {
                **common,
                "base_text": "Ищем python-разраба. FastAPI, Postgres, Docker. Удалёнка, от 3 лет.",
            }
        if route == "add-vacancy-with-candidates":
            return {
                **common,
                "vacancy_filename": "vacancy.md",
                "vacancy_content": vacancy,
                "resumes": resumes(3),
            }
        return {**common, "vacancy_text": vacancy}

    routes = [TASK_ROUTES[i % len(TASK_ROUTES)] for i in range(count)]
    rng.shuffle(routes)
    return [
        (route, json.dumps(body(route, i), ensure_ascii=False).encode()) for i, route in enumerate(routes)
    ]


@dataclass
class Submitted:
    route: str
    job_id: str
    sent_at: float
    accepted_at: float


def submit(stack: Stack, route: str, body: bytes) -> Submitted:
    request = urllib.request.Request(  # noqa: S310 - our own local stack, http
        f"{stack.url}/api/v1/webhook/{route}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Webhook-Token": BENCH_TOKEN},
    )
    sent_at = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local stack
        answer = json.loads(response.read())
        if response.status != 202:
            raise RuntimeError(f"{route}: HTTP {response.status}")
    return Submitted(route, str(answer["job_id"]), sent_at, time.monotonic())


def job_record(stack: Stack, job_id: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - our own local stack, http
        f"{stack.url}/api/v1/jobs/{job_id}", headers={"X-Webhook-Token": BENCH_TOKEN}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local stack
        record: dict[str, Any] = json.loads(response.read())
    return record


@dataclass
class PhaseResult:
    name: str
    jobs: int
    wall_seconds: float
    submit_seconds: float
    latencies: list[float]
    verified: int
    succeeded: int
    cpu_seconds: float  # the stack's processes together
    client_cpu_seconds: float  # this process: the clients and the webhook receiver
    emulation_cpu_seconds: float  # of which the AWS emulation's (moto's) process
    queue_wait: list[float]
    run: list[float]
    notify: list[float]
    accept: list[float]


def run_phase(
    name: str,
    stack: Stack,
    receiver: WebhookReceiver,
    bodies: list[tuple[str, bytes]],
    *,
    rate: float | None,
    clients: int,
) -> PhaseResult:
    own_before, children_before = stack.cpu_seconds()
    client_before = time.process_time()
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients, thread_name_prefix=f"client-{name}") as pool:
        futures = []
        for index, (route, body) in enumerate(bodies):
            if rate is not None:  # open loop: each job leaves at its slot, whatever the earlier ones do
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            futures.append(pool.submit(submit, stack, route, body))
        submitted = [future.result() for future in futures]
    submit_seconds = time.monotonic() - start
    job_ids = {job.job_id for job in submitted}
    if not receiver.wait_for(job_ids, WAIT_SECONDS):
        missing = len(job_ids - receiver.arrivals.keys())
        raise RuntimeError(f"{name}: {missing} webhooks missing after {WAIT_SECONDS} s")
    arrivals = [receiver.arrivals[job.job_id] for job in submitted]
    wall_seconds = max(a.at for a in arrivals) - start
    own_after, children_after = stack.cpu_seconds()
    client_cpu_seconds = time.process_time() - client_before
    emulation_cpu_seconds = children_after - children_before
    cpu_seconds = own_after - own_before + emulation_cpu_seconds

    queue_wait, run, notify = [], [], []
    for job, arrival in zip(submitted, arrivals, strict=True):
        record = job_record(stack, job.job_id)
        created, started, finished = (
            datetime.fromisoformat(record[key]).timestamp()
            for key in ("created_at", "started_at", "finished_at")
        )
        queue_wait.append(started - created)
        run.append(finished - started)
        notify.append(arrival.wall - finished)
    return PhaseResult(
        name=name,
        jobs=len(submitted),
        wall_seconds=wall_seconds,
        submit_seconds=submit_seconds,
        latencies=[arrival.at - job.accepted_at for job, arrival in zip(submitted, arrivals, strict=True)],
        verified=sum(a.verified for a in arrivals),
        succeeded=sum(a.status == "succeeded" for a in arrivals),
        cpu_seconds=cpu_seconds,
        emulation_cpu_seconds=emulation_cpu_seconds,
        client_cpu_seconds=client_cpu_seconds,
        queue_wait=queue_wait,
        run=run,
        notify=notify,
        accept=[job.accepted_at - job.sent_at for job in submitted],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=200, help="jobs per phase")
    parser.add_argument(
        "--rate", type=float, default=TARGET_JOBS_PER_SECOND, help="paced phase, jobs a second"
    )
    parser.add_argument("--burst-clients", type=int, default=8, help="concurrent clients in the burst phase")
    parser.add_argument(
        "--stack-command",
        help="command that starts the stack, `--port N` appended "
        "(default: this environment's `ai-interviewer local`)",
    )
    args = parser.parse_args()

    with (
        webhook_receiver(BENCH_TOKEN) as receiver,
        local_stack(BENCH_TOKEN, shlex.split(args.stack_command) if args.stack_command else None) as stack,
    ):
        # A few jobs first, uncounted: the first invocation of each function builds its clients.
        warmup = job_bodies(10, receiver.url, seed=0)
        run_phase("warm-up", stack, receiver, warmup, rate=None, clients=2)
        burst = run_phase(
            f"burst, {args.burst_clients} clients",
            stack,
            receiver,
            job_bodies(args.jobs, receiver.url, seed=1),
            rate=None,
            clients=args.burst_clients,
        )
        capacity = burst.jobs / burst.wall_seconds
        sustainable_rate = max(1.0, round(capacity * SUSTAINABLE_SHARE * 2) / 2)
        paced = run_phase(
            f"paced {args.rate:g}/s",
            stack,
            receiver,
            job_bodies(args.jobs, receiver.url, seed=2),
            rate=args.rate,
            clients=PACED_CLIENTS,
        )
        results = [burst, paced]
        if sustainable_rate < args.rate:
            results.append(
                run_phase(
                    f"paced {sustainable_rate:g}/s ({SUSTAINABLE_SHARE:.0%} of burst)",
                    stack,
                    receiver,
                    job_bodies(args.jobs, receiver.url, seed=3),
                    rate=sustainable_rate,
                    clients=PACED_CLIENTS,
                )
            )
        duplicates = receiver.duplicates

    print(machine_line())
    rows = []
    for result in results:
        throughput = result.jobs / result.wall_seconds
        p95 = percentile(result.latencies, 95)
        rows.append(
            (
                result.name,
                result.jobs,
                f"{result.verified}/{result.jobs}",
                f"{result.succeeded}/{result.jobs}",
                f"{result.submit_seconds:.1f}",
                f"{result.wall_seconds:.1f}",
                f"{throughput:.1f}",
                f"{percentile(result.latencies, 50) * 1000:.0f}",
                f"{p95 * 1000:.0f}",
                f"{percentile(result.accept, 95) * 1000:.0f}",
                f"{result.cpu_seconds / result.jobs * 1000:.0f}",
                f"{result.cpu_seconds / result.wall_seconds:.2f}",
                f"{(result.cpu_seconds - result.emulation_cpu_seconds) / result.wall_seconds:.2f}",
                f"{result.emulation_cpu_seconds / result.wall_seconds:.2f}",
                f"{result.client_cpu_seconds / result.wall_seconds:.2f}",
            )
        )
    print_table(
        "Local stack end to end, heuristic engine, all five tasks mixed (latency: 202 -> verified webhook)",
        [
            "phase",
            "jobs",
            "verified",
            "succeeded",
            "submit s",
            "wall s",
            "jobs/s",
            "p50 ms",
            "p95 ms",
            "202 p95 ms",
            "stack CPU ms/job",
            "stack cores busy",
            "functions",
            "moto",
            "bench cores busy",
        ],
        rows,
    )
    print_table(
        "Where the time goes (from the job records; ms)",
        ["phase", "queue wait p50", "queue wait p95", "run p50", "run p95", "notify p50", "notify p95"],
        [
            (
                result.name,
                *(
                    f"{percentile(values, q) * 1000:.0f}"
                    for values in (result.queue_wait, result.run, result.notify)
                    for q in (50, 95)
                ),
            )
            for result in results
        ],
    )
    print(
        f"targets: burst throughput >= {TARGET_JOBS_PER_SECOND:g} jobs/s: "
        f"{'yes' if capacity >= TARGET_JOBS_PER_SECOND else 'NO'}; "
        f"p95 < {TARGET_P95_SECONDS:g} s at {args.rate:g} jobs/s: "
        f"{'yes' if percentile(paced.latencies, 95) < TARGET_P95_SECONDS else 'NO'}; "
        f"sustains {args.rate:g} jobs/s: "
        f"{'yes' if paced.jobs / paced.wall_seconds >= 0.95 * args.rate else 'NO'}; "
        f"duplicate webhooks: {duplicates}"
    )


if __name__ == "__main__":
    main()

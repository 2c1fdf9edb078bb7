"""Chaos: rank_resumes jobs through the real api acceptance, task queue and worker (moto server in this
process, the OpenAI engine built from settings) against the fake OpenAI-compatible server answering each
call with 15 % 429, 10 % 500, 10 % malformed JSON, 3 % hangs, and a schema-valid answer otherwise.

    uv run python bench/chaos.py [--rankings 50] [--resumes 20] [--seed 13] [--workers 5]

Pollers play Lambda's SQS event source (one message per invocation, `--workers` in flight); a failed
record is left to the queue, hidden for the worker's own backoff (TASK_RETRY_SCHEDULE, set to 1 s here so
the run takes minutes, not hours). Every job must end (succeeded or failed, hand-off to the notifier
queued): none silent. Reported: succeeded / failed / silent, the calls the server received against the
1 000 needed (one per resume) and against the expected minimum under this fault mix (a call succeeds with
probability 0.62, so a client that never repeats a resume it already got needs about 1 000 / 0.62), and
the answers served for resumes that already had one (repeated work; 0 is the goal).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from collections import Counter
from typing import Any

from harness import (
    fake_openai_module,
    machine_line,
    print_table,
    resume_text,
    use_fake_aws,
    vacancy_text,
)

FAULTS = {"429": 0.15, "500": 0.10, "malformed": 0.10, "hang": 0.03}
HANG_SECONDS = 5.0  # past OPENAI_TIMEOUT_SECONDS: the SDK gives up on the attempt and retries
TARGET_SUCCEEDED = 49
TARGET_RATIO = 1.3


def resume_of(request: Any) -> str:
    """The opening of the resume a rank call judges (its block in the user message)."""
    for text in request.texts("user"):
        _, found, rest = text.partition("=== BEGIN RESUME ")
        if found:
            return rest.split("\n", 1)[1][:40]
    return ""


class ChaosReplier:
    """Decides each call's fault by a seeded draw; counts what it served per resume."""

    def __init__(self, fake: Any, seed: int) -> None:
        self._fake = fake
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.served: Counter[str] = Counter()
        self.good_by_resume: Counter[str] = Counter()

    def __call__(self, request: Any) -> Any:
        reply_type = self._fake.Reply
        with self._lock:
            draw = self._rng.random()
        fault = None
        for name, share in FAULTS.items():
            if draw < share:
                fault = name
                break
            draw -= share
        with self._lock:
            self.served[fault or "good"] += 1
        if fault == "429":
            return reply_type.error(429, headers={"retry-after-ms": "50"})
        if fault == "500":
            return reply_type.error(500)
        if fault == "malformed":
            return reply_type(content='{"criteria": {"technical_skills": ')
        if fault == "hang":
            return reply_type(content="{}", delay=HANG_SECONDS)
        with self._lock:
            self.good_by_resume[resume_of(request)] += 1
        return self._fake.conforming_reply(request)


def report(args: argparse.Namespace, jobs: list[Any], replier: ChaosReplier, elapsed: float) -> None:
    from ai_interviewer.models.jobs import JobStatus  # noqa: PLC0415

    succeeded = sum(1 for job in jobs if job is not None and job.status is JobStatus.SUCCEEDED)
    failed = sum(1 for job in jobs if job is not None and job.status is JobStatus.FAILED)
    # Silent: not finished, or finished without its hand-off to the notifier.
    silent = sum(1 for job in jobs if job is None or not (job.status.finished and job.notify_enqueued))
    codes = Counter(job.error.code for job in jobs if job is not None and job.error is not None)
    needed = args.rankings * args.resumes
    calls = sum(replier.served.values())
    expected_minimum = needed / (1 - sum(FAULTS.values()))
    repeated = sum(count - 1 for count in replier.good_by_resume.values() if count > 1)
    print(machine_line())
    print(f"{args.rankings} rankings x {args.resumes} resumes, seed {args.seed}, {args.workers} workers")
    print(f"wall time {elapsed:.0f} s")
    print_table(
        "Outcome",
        ["succeeded", "failed", "silent", "failure codes"],
        [[succeeded, failed, silent, ", ".join(f"{c} {n}" for c, n in codes.items()) or "-"]],
    )
    print_table(
        "Model calls",
        ["calls", "needed", "calls / needed", "expected minimum", "calls / minimum", "repeated answers"],
        [
            [
                calls,
                needed,
                f"{calls / needed:.2f}",
                f"{expected_minimum:.0f}",
                f"{calls / expected_minimum:.2f}",
                repeated,
            ]
        ],
    )
    print_table("Served", ["reply", "count"], sorted(replier.served.items()))
    enough = succeeded >= TARGET_SUCCEEDED * args.rankings / 50
    met = enough and silent == 0 and calls <= TARGET_RATIO * expected_minimum
    print(f"target ({TARGET_SUCCEEDED}/50 succeed, 0 silent, calls <= {TARGET_RATIO} x minimum): ", end="")
    print("met" if met else "MISSED")


def submit(services: Any, rankings: int, resumes: int, seed: int) -> list[str]:
    """Accept the rankings as the api function does (validation, job record, task message)."""
    from ai_interviewer.api.acceptance import accept_task  # noqa: PLC0415
    from ai_interviewer.resources import TaskName  # noqa: PLC0415

    rng = random.Random(seed)
    job_ids = []
    for ranking in range(rankings):
        body = {
            "webhook_url": "https://receiver.example.com/hook",
            "vacancy_text": vacancy_text(1500),
            # The ranking's number opens each resume, so the replier tells every resume apart.
            "resumes": [
                {"filename": f"cv_{i:02}.txt", "content": f"R{ranking}-{i}. " + resume_text(rng, 1500)}
                for i in range(resumes)
            ],
        }
        job_ids.append(accept_task(services, TaskName.RANK_RESUMES, json.dumps(body).encode(), None).job_id)
    return job_ids


def drain(services: Any, job_ids: list[str], workers: int) -> tuple[list[Any], float]:
    """Poll the rank queue (and its DLQ) as Lambda's event sources do until every job has ended."""
    import boto3  # noqa: PLC0415
    from ai_interviewer.local.pollers import sqs_event  # noqa: PLC0415
    from ai_interviewer.resources import TaskName, dead_letter_queue_name  # noqa: PLC0415
    from ai_interviewer.worker.dead_letters import process_dead_letters  # noqa: PLC0415
    from ai_interviewer.worker.processing import process_batch  # noqa: PLC0415

    queue_url = services.settings.task_queue_urls[TaskName.RANK_RESUMES]
    dead_letters_url = services.queues._client.get_queue_url(  # type: ignore[attr-defined]
        QueueName=dead_letter_queue_name(queue_url.rsplit("/", 1)[-1])
    )["QueueUrl"]
    sqs = boto3.session.Session().client("sqs")
    # As deployed: the visibility timeout is six times the rank worker's 300 s, so a message only
    # comes back through the worker's own backoff (the local stack's 30 s would redeliver running jobs).
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": "1800"})
    started = time.monotonic()
    stop = threading.Event()

    def poll(url: str, dead_letters: bool) -> None:
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        while not stop.is_set():
            messages = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=1,
                WaitTimeSeconds=1,
                MessageSystemAttributeNames=["All"],
            ).get("Messages", [])
            for message in messages:
                event = sqs_event([message], arn)
                if dead_letters:
                    response = process_dead_letters(event, services)
                else:
                    deadline = time.monotonic() + 290  # the rank worker's 300 s, less its margin
                    response = process_batch(TaskName.RANK_RESUMES, event, services, deadline=deadline)
                if not response["batchItemFailures"]:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    threads = [threading.Thread(target=poll, args=(queue_url, False)) for _ in range(workers)]
    threads.append(threading.Thread(target=poll, args=(dead_letters_url, True)))
    for thread in threads:
        thread.start()
    while time.monotonic() - started < 1800:
        jobs = [services.jobs.get(job_id) for job_id in job_ids]
        if all(job is not None and job.status.finished and job.notify_enqueued for job in jobs):
            break
        time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(30)
    elapsed = time.monotonic() - started
    jobs = [services.jobs.get(job_id) for job_id in job_ids]
    return jobs, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rankings", type=int, default=50)
    parser.add_argument("--resumes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()

    use_fake_aws()
    import boto3  # noqa: PLC0415 - after the fake environment is in place
    from ai_interviewer.local.aws_emulation import InProcessEmulation  # noqa: PLC0415

    moto = InProcessEmulation()
    os.environ["AWS_ENDPOINT_URL"] = moto.start()
    fake_module = fake_openai_module()

    from ai_interviewer.local.provision import provision  # noqa: PLC0415
    from ai_interviewer.settings import Settings  # noqa: PLC0415
    from ai_interviewer.wiring import build_services  # noqa: PLC0415

    environment = provision(boto3.session.Session())
    with fake_module.FakeOpenAI() as fake:
        replier = ChaosReplier(fake_module, args.seed)
        fake.replier = replier
        settings = Settings.from_env(
            {
                **environment,
                "WEBHOOK_SECRET_TOKEN": "bench-token-0123456789abcdef",
                "LLM_ENGINE": "openai",
                "OPENAI_BASE_URL": fake.base_url,
                "OPENAI_API_KEY": "sk-bench",
                "OPENAI_MODEL": "fake-model",
                "OPENAI_TIMEOUT_SECONDS": "1",
                "OPENAI_MAX_RETRIES": "2",
                "LLM_MAX_CONCURRENCY": "8",
                "TASK_RETRY_SCHEDULE": "1",
            }
        )
        services = build_services(settings)
        job_ids = submit(services, args.rankings, args.resumes, args.seed)

        jobs, elapsed = drain(services, job_ids, args.workers)

    moto.stop()
    report(args, jobs, replier, elapsed)


if __name__ == "__main__":
    main()

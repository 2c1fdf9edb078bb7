"""Cold start: each function's handler module against the floor of the third-party code it cannot avoid,
side by side in fresh interpreters (median of --runs, handler and floor probes interleaved).

    uv run python bench/cold_start.py [--runs 5] [--explain rank_resumes]

Two phases per probe, both timed from the first import:
- import: the handler module (Lambda's init phase), against the floor's imports plus the Powertools
  objects every handler builds at import (Logger; Tracer and Metrics on the SQS functions);
- cold: import plus what the first invocation builds before its first AWS call (the boto3 clients, the
  engine or vacancy store, the api's resolver, the notifier), against the floor's imports plus the same
  boto3 clients (and the OpenAI client for the model-backed tasks).
The api defers boto3 to its first invocation, so its import alone undercuts a floor that imports boto3;
the cold ratio is the honest one, and the target (<= 1.15x) is judged on it.

Every probe runs with LLM_ENGINE=openai, so a function that would load the OpenAI SDK does: the api
must not. Tracing is disabled (as outside Lambda) on both sides alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass

from ai_interviewer import resources
from ai_interviewer.resources import TaskName
from harness import FAKE_AWS_ENV, machine_line, print_table

TARGET_RATIO = 1.15
MODEL_TASKS = {
    TaskName.RANK_RESUMES,
    TaskName.START_INTERVIEW,
    TaskName.BUILD_VACANCY,
    TaskName.GENERATE_TAGS,
}

# pydantic 2 imports lazily: `import pydantic` alone loads almost nothing, so the floor defines one
# trivial model, which loads the schema machinery every model needs (our own models' cost stays ours).
FLOOR_API = """
import boto3
from pydantic import BaseModel
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
class Floor(BaseModel):
    value: int
Logger()
"""
FLOOR_SQS = """
import boto3
from pydantic import BaseModel
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
class Floor(BaseModel):
    value: int
Logger(); Tracer(); Metrics(namespace="AiInterviewer")
"""
FLOOR_MODEL = "import openai\n"
FLOOR_CLIENTS = """
session = boto3.session.Session()
for service in ("dynamodb", "sqs", "s3"):
    session.client(service)
"""
FLOOR_APIGW_RESOLVER = "APIGatewayRestResolver()\n"
FLOOR_OPENAI_CLIENT = 'openai.OpenAI(api_key="sk-bench", base_url="http://127.0.0.1:9/v1", max_retries=2)\n'

FIRST_CALL_SERVICES = "from ai_interviewer.wiring import default_services\nservices = default_services()\n"


@dataclass(frozen=True)
class FunctionProbe:
    name: str
    handler_import: str
    handler_first_call: str
    floor_import: str
    floor_first_call: str


def _probes() -> list[FunctionProbe]:
    def module(handler: str) -> str:
        return f"import {handler.rsplit('.', 1)[0]}\n"

    probes = [
        FunctionProbe(
            "api",
            module(resources.API_HANDLER),
            "from ai_interviewer.handlers.api import resolver\nresolver()\n",
            FLOOR_API,
            FLOOR_CLIENTS + FLOOR_APIGW_RESOLVER,
        ),
        FunctionProbe(
            "notifier",
            module(resources.NOTIFIER_HANDLER),
            "from ai_interviewer.handlers.notifier import default_notifier\ndefault_notifier()\n",
            FLOOR_SQS,
            FLOOR_CLIENTS,
        ),
    ]
    for task in TaskName:
        model = task in MODEL_TASKS
        builds = "services.engine\n" if model else "services.vacancies\n"
        probes.append(
            FunctionProbe(
                task.value,
                module(resources.task_handler(task)),
                FIRST_CALL_SERVICES + builds,
                FLOOR_SQS + (FLOOR_MODEL if model else ""),
                FLOOR_CLIENTS + (FLOOR_OPENAI_CLIENT if model else ""),
            )
        )
    return probes


# The probe: time the two phases, then report which top-level packages ended up loaded.
PROBE = """
import sys, time, json
_start = time.perf_counter()
exec(compile({first!r}, "<import>", "exec"))
_imported = time.perf_counter()
exec(compile({second!r}, "<first call>", "exec"))
_cold = time.perf_counter()
print(json.dumps({{
    "import": _imported - _start,
    "cold": _cold - _start,
    "packages": sorted({{name.split(".")[0] for name in sys.modules}}),
}}))
"""


@dataclass
class Samples:
    imports: list[float]
    colds: list[float]
    packages: set[str]


def _probe_environment() -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "OPENAI_", "POWERTOOLS_", "LLM_"))
    }
    environment.update(FAKE_AWS_ENV)
    environment.update(
        {
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # never contacted: nothing here calls AWS
            "LLM_ENGINE": "openai",
            "OPENAI_API_KEY": "sk-bench",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "WEBHOOK_SECRET_TOKEN": "bench-token",
        }
    )
    return environment


def _run(first: str, second: str, environment: dict[str, str]) -> tuple[float, float, set[str]]:
    completed = subprocess.run(  # noqa: S603 - this interpreter, our own probe code
        [sys.executable, "-c", PROBE.format(first=first, second=second)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"probe failed:\n{completed.stderr[-3000:]}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    return float(report["import"]), float(report["cold"]), set(report["packages"])


def _own_module_costs(probe: FunctionProbe, environment: dict[str, str], top: int) -> None:
    """-X importtime of the handler probe: the slowest modules by self time, ours marked."""
    completed = subprocess.run(  # noqa: S603 - this interpreter, our own probe code
        [sys.executable, "-X", "importtime", "-c", probe.handler_import + probe.handler_first_call],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    rows = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(self_us), int(cumulative_us), name.strip()))
    ours = sorted((row for row in rows if row[2].startswith("ai_interviewer")), reverse=True)
    print_table(
        f"{probe.name}: our modules by self import time (one run, -X importtime)",
        ["module", "self ms", "cumulative ms"],
        [(name, f"{s / 1000:.1f}", f"{c / 1000:.1f}") for s, c, name in ours[:top]],
    )
    print(f"our modules: {len(ours)}, self time total {sum(r[0] for r in ours) / 1000:.1f} ms\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per probe (median; >= 5)")
    parser.add_argument("--explain", metavar="FUNCTION", help="also list our slowest modules for FUNCTION")
    args = parser.parse_args()
    environment = _probe_environment()
    probes = _probes()

    if args.explain:
        chosen = [probe for probe in probes if probe.name == args.explain]
        if not chosen:
            parser.error(f"--explain: one of {', '.join(p.name for p in probes)}")
        _own_module_costs(chosen[0], environment, top=15)

    handler = {p.name: Samples([], [], set()) for p in probes}
    floor = {p.name: Samples([], [], set()) for p in probes}
    for run in range(args.runs + 1):  # run 0 warms the bytecode caches and is discarded
        for probe in probes:
            sides = [
                (handler[probe.name], probe.handler_import, probe.handler_first_call),
                (floor[probe.name], probe.floor_import, probe.floor_first_call),
            ]
            if run % 2:
                sides.reverse()  # alternate the order, so drift on the machine hits both sides alike
            for samples, first, second in sides:
                imported, cold, packages = _run(first, second, environment)
                if run:
                    samples.imports.append(imported)
                    samples.colds.append(cold)
                samples.packages = packages

    rows = []
    extras: dict[str, set[str]] = {}
    for probe in probes:
        mine, base = handler[probe.name], floor[probe.name]
        import_ms, floor_import_ms = (statistics.median(s.imports) * 1000 for s in (mine, base))
        cold_ms, floor_cold_ms = (statistics.median(s.colds) * 1000 for s in (mine, base))
        ratio = cold_ms / floor_cold_ms
        rows.append(
            (
                probe.name,
                f"{import_ms:.0f}",
                f"{floor_import_ms:.0f}",
                f"{import_ms / floor_import_ms:.2f}x",
                f"{cold_ms:.0f}",
                f"{floor_cold_ms:.0f}",
                f"{cold_ms - floor_cold_ms:.0f}",
                f"{ratio:.2f}x",
                "yes" if ratio <= TARGET_RATIO else "NO",
                "yes" if "openai" in mine.packages else "no",
            )
        )
        extra = {p for p in mine.packages - base.packages if p not in sys.stdlib_module_names}
        extra.discard("ai_interviewer")
        if extra:
            extras[probe.name] = extra

    print(machine_line())
    print_table(
        f"Cold start, median of {args.runs} fresh interpreters per probe (ms)",
        [
            "function",
            "import",
            "floor import",
            "ratio",
            "cold",
            "floor cold",
            "own ms",
            "cold ratio",
            f"<= {TARGET_RATIO}x",
            "loads openai",
        ],
        rows,
    )
    for name, extra in extras.items():
        print(f"{name} loads third-party packages its floor does not: {', '.join(sorted(extra))}")
    api_row = next(row for row in rows if row[0] == "api")
    print(f"api never loads openai: {'yes' if api_row[-1] == 'no' else 'NO'}")


if __name__ == "__main__":
    main()

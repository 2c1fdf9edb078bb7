"""Cold start: each function's handler against the fair floor of the third-party code it really loads,
in fresh interpreters, CPU time, optionally this tree against another checkout in the same run.

    uv run python bench/cold_start.py [--runs 5] [--base ../main-checkout] [--tracing] [--python PY]
                                      [--explain rank_resumes]

Two phases per probe, each timed in CPU seconds of the probe process (time.process_time):
- import: the handler module (Lambda's init phase);
- first call: what the first invocation builds before its first AWS call (the boto3 clients, the engine
  or vacancy store and its client, the api's resolver, the notifier).
The fair floor of a phase imports every third-party module the handler had loaded by the end of that
phase (found by the discarded warm-up run of the handler itself, in load order), and the floor of the
first call also builds the same boto3 clients (and the OpenAI client where the handler built one). Both
sides build one Powertools Logger. What is left over is our own code: its modules, the standard-library
modules only it imports, and what it builds. `own import` times that alone: the handler's import in a
third probe that has just run the floor's import (one interpreter, so it lacks the ±10 ms that two
processes differ by on a shared machine; it is the figure to compare trees by), and `own ratio` is
(floor + own import) / floor: the import ratio without that noise.

Before measuring, the checkouts' code is compiled (compileall), so no probe compiles: the environment's
packages must have their bytecode already (`uv sync --compile-bytecode`). Every probe runs with
LLM_ENGINE=openai, so a function that would load the OpenAI SDK does: the api must not. By default
tracing is off, as in tests and `ai-interviewer local`; `--tracing` sets LAMBDA_TASK_ROOT so Powertools
traces as in Lambda (use it with `--python` of an environment holding only the runtime packages, as
the Lambda layer does: the dev environment's extra libraries would be patched too).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ai_interviewer.local.provision import placeholder_environment
from ai_interviewer.resources import TaskName
from ai_interviewer.tasks import task_spec
from harness import FAKE_AWS_ENV, ROOT, machine_line, print_table

TARGET_RATIO = 1.15
TARGET_REDUCTION = 0.25  # the workers' and the notifier's import against the base checkout

SERVICES = "from ai_interviewer.wiring import default_services\nservices = default_services()\n"
FLOOR_LOGGER = "from aws_lambda_powertools import Logger\nLogger()\n"
FLOOR_CLIENTS = """
import boto3
session = boto3.session.Session()
for service in ("dynamodb", "sqs", "s3"):
    session.client(service)
"""
FLOOR_OPENAI_CLIENT = """
import openai
openai.OpenAI(api_key="sk-bench", base_url="http://127.0.0.1:9/v1", max_retries=2)
"""


@dataclass(frozen=True)
class Function:
    name: str
    handler: str  # the handler setting, resolved as Lambda's runtime does: import, then look the name up
    first_call: str

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]


# A checkout's handler settings and the environment its functions are deployed with, read from its own
# `resources` (a base checkout may name them otherwise, or predate RUNTIME_ENVIRONMENT).
CHECKOUT_PROBE = """
import json
from ai_interviewer import resources
handlers = {"api": resources.API_HANDLER, "notifier": resources.NOTIFIER_HANDLER}
handlers.update({task.value: resources.task_handler(task) for task in resources.TaskName})
handlers["task_dead_letters"] = resources.TASK_DEAD_LETTERS_HANDLER
print(json.dumps({"handlers": handlers, "environment": getattr(resources, "RUNTIME_ENVIRONMENT", {})}))
"""


def _read_checkout(python: str, environment: dict[str, str]) -> dict[str, str]:
    """The checkout's handler settings; adds its functions' runtime environment to `environment`."""
    completed = subprocess.run(  # noqa: S603 - our interpreter, our probe
        [python, "-c", CHECKOUT_PROBE], env=environment, capture_output=True, text=True, check=True
    )
    checkout = json.loads(completed.stdout)
    environment.update(checkout["environment"])
    handlers: dict[str, str] = checkout["handlers"]
    return handlers


def _functions(handlers: dict[str, str]) -> list[Function]:
    functions = [
        Function("api", handlers["api"], "from {module} import resolver\nresolver()\n"),
        Function(
            "notifier", handlers["notifier"], "from {module} import default_notifier\ndefault_notifier()\n"
        ),
    ]
    for task in TaskName:
        builds = "services.engine\n" if task_spec(task).calls_model else "services.vacancies\n"
        functions.append(Function(task.value, handlers[task.value], SERVICES + builds))
    functions.append(Function("task_dead_letters", handlers["task_dead_letters"], SERVICES))
    return functions


# A probe: run two phases, report their CPU time and which modules each left loaded (in load order).
PROBE = """
import sys, time, json
_before = set(sys.modules)
_start = time.process_time()
exec(compile({first!r}, "<import>", "exec"))
_imported = time.process_time()
_after_import = [name for name in sys.modules if name not in _before]
exec(compile({second!r}, "<first call>", "exec"))
_called = time.process_time()
print(json.dumps({{
    "import": _imported - _start,
    "first_call": _called - _imported,
    "after_import": _after_import,
    "after_call": [name for name in sys.modules if name not in _before],
    "origin": getattr(sys.modules.get("ai_interviewer"), "__file__", None),
}}))
"""

# The floor imports by name; a module some package registers under another name (six.moves and the
# like) cannot be, and is skipped: it was loaded as part of the one that registered it.
FLOOR_IMPORTS = """
import importlib
for _name in {modules!r}:
    try:
        importlib.import_module(_name)
    except Exception:
        pass
"""


def _third_party(names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if (top := name.split(".")[0]) not in sys.stdlib_module_names
        and top not in {"ai_interviewer", "__main__"}
    ]


@dataclass
class Side:
    imports: list[float] = field(default_factory=list)
    first_calls: list[float] = field(default_factory=list)

    def add(self, report: dict[str, object]) -> None:
        self.imports.append(float(report["import"]))  # type: ignore[arg-type]
        self.first_calls.append(float(report["first_call"]))  # type: ignore[arg-type]

    @property
    def import_ms(self) -> float:
        return statistics.median(self.imports) * 1000

    @property
    def first_call_ms(self) -> float:
        return statistics.median(self.first_calls) * 1000

    @property
    def cold_ms(self) -> float:
        return statistics.median(i + c for i, c in zip(self.imports, self.first_calls, strict=True)) * 1000


@dataclass
class Probe:
    tree: str
    function: Function
    handler: Side = field(default_factory=Side)
    floor: Side = field(default_factory=Side)
    # The handler's import in the interpreter that has just run the floor's: our own code alone, with
    # none of the two-process noise of import minus floor.
    own_imports: list[float] = field(default_factory=list)
    floor_import: str = ""
    floor_first_call: str = ""
    loads_openai: bool = False
    loads_xray_recorder: bool = False

    @property
    def handler_code(self) -> tuple[str, str]:
        function = self.function
        module, _, attribute = function.handler.rpartition(".")
        return f"from {module} import {attribute}\n", function.first_call.format(module=function.module)

    def learn_floor(self, report: dict[str, list[str]]) -> None:
        after_import = _third_party(report["after_import"])
        after_call = _third_party(report["after_call"])
        called = [name for name in after_call if name not in set(after_import)]
        self.loads_openai = "openai" in after_call
        self.loads_xray_recorder = "aws_xray_sdk.core" in after_call
        self.floor_import = FLOOR_IMPORTS.format(modules=after_import) + FLOOR_LOGGER
        self.floor_first_call = (
            FLOOR_IMPORTS.format(modules=called)
            + FLOOR_CLIENTS
            + (FLOOR_OPENAI_CLIENT if self.loads_openai else "")
        )


def _environment(functions_dir: Path, *, tracing: bool) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "OPENAI_", "POWERTOOLS_", "LLM_", "LAMBDA_", "_X_AMZN"))
        and name not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    environment.update(FAKE_AWS_ENV)
    environment.update(placeholder_environment())  # each handler checks its settings at import
    environment.update(
        {
            "PYTHONPATH": str(functions_dir),  # ahead of any installed copy of the package
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # never contacted: nothing here calls AWS
            "LLM_ENGINE": "openai",
            "OPENAI_API_KEY": "sk-bench",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "WEBHOOK_SECRET_TOKEN": "bench-token",
            "PYTHONDONTWRITEBYTECODE": "1",  # a probe must find bytecode, not leave it for the next
        }
    )
    if tracing:
        del environment["POWERTOOLS_TRACE_DISABLED"]
        environment["LAMBDA_TASK_ROOT"] = str(functions_dir)
    return environment


def _run(python: str, first: str, second: str, environment: dict[str, str]) -> dict[str, object]:
    completed = subprocess.run(  # noqa: S603 - a chosen interpreter, our own probe code
        [python, "-c", PROBE.format(first=first, second=second)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"probe failed:\n{completed.stderr[-3000:]}")
    report: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def _own_module_costs(python: str, probe: Probe, environment: dict[str, str], top: int) -> None:
    """-X importtime of the handler probe: our slowest modules by self time."""
    first, second = probe.handler_code
    completed = subprocess.run(  # noqa: S603 - a chosen interpreter, our own probe code
        [python, "-X", "importtime", "-c", first + second],
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
        f"{probe.tree} {probe.function.name}: our modules by self import time (one run, -X importtime)",
        ["module", "self ms", "cumulative ms"],
        [(name, f"{s / 1000:.1f}", f"{c / 1000:.1f}") for s, c, name in ours[:top]],
    )
    print(f"our modules: {len(ours)}, self time total {sum(r[0] for r in ours) / 1000:.1f} ms\n")


def _result_rows(probes: list[Probe]) -> list[tuple[str, ...]]:
    rows = []
    for probe in probes:
        mine, base = probe.handler, probe.floor
        ratio = mine.import_ms / base.import_ms
        own_ms = statistics.median(probe.own_imports) * 1000
        # The same ratio from one interpreter: the floor's import plus our code's, over the floor's.
        own_ratio = (base.import_ms + own_ms) / base.import_ms
        rows.append(
            (
                probe.function.name,
                f"{mine.import_ms:.0f}",
                f"{base.import_ms:.0f}",
                f"{ratio:.2f}x",
                "yes" if ratio <= TARGET_RATIO else "NO",
                f"{own_ms:.1f}",
                f"{own_ratio:.2f}x",
                "yes" if own_ratio <= TARGET_RATIO else "NO",
                f"{mine.first_call_ms:.0f}",
                f"{base.first_call_ms:.0f}",
                f"{mine.cold_ms:.0f}",
                f"{base.cold_ms:.0f}",
                f"{mine.cold_ms / base.cold_ms:.2f}x",
                "yes" if probe.loads_openai else "no",
                "yes" if probe.loads_xray_recorder else "no",
            )
        )
    return rows


def _measure(
    probes: list[Probe],
    runs: int,
    python: str,
    environments: dict[str, dict[str, str]],
    trees: dict[str, Path],
) -> None:
    for run in range(runs + 1):  # run 0 finds each floor's modules and is discarded
        for probe in probes:
            environment = environments[probe.tree]
            if run == 0:
                report = _run(python, *probe.handler_code, environment)
                origin = str(report["origin"])
                if not origin.startswith(str(trees[probe.tree])):
                    raise RuntimeError(f"{probe.tree} probe imported ai_interviewer from {origin}")
                probe.learn_floor(report)  # type: ignore[arg-type]
                _run(python, probe.floor_import, probe.floor_first_call, environment)
                continue
            sides = [
                (probe.handler, probe.handler_code),
                (probe.floor, (probe.floor_import, probe.floor_first_call)),
            ]
            if run % 2:
                sides.reverse()  # alternate the order, so drift on the machine hits both sides alike
            for side, (first, second) in sides:
                side.add(_run(python, first, second, environment))
            own = _run(python, probe.floor_import, probe.handler_code[0], environment)
            probe.own_imports.append(float(own["first_call"]))  # type: ignore[arg-type]


def _print_comparison(probes: list[Probe], functions: list[Function], trees: list[str]) -> None:
    rows = []
    for function in functions:
        pair = [p for p in probes if p.function.name == function.name]
        if len(pair) != len(trees):
            continue  # a function the base checkout does not have
        new, old = (next(p for p in pair if p.tree == t) for t in trees)
        change = new.handler.import_ms / old.handler.import_ms - 1
        target = "" if function.name == "api" else ("yes" if change <= -TARGET_REDUCTION else "NO")
        rows.append(
            (
                function.name,
                f"{old.handler.import_ms:.0f}",
                f"{new.handler.import_ms:.0f}",
                f"{change:+.0%}",
                target,
                f"{statistics.median(old.own_imports) * 1000:.1f}",
                f"{statistics.median(new.own_imports) * 1000:.1f}",
                f"{old.handler.cold_ms:.0f}",
                f"{new.handler.cold_ms:.0f}",
                f"{new.handler.cold_ms / old.handler.cold_ms - 1:+.0%}",
            )
        )
    print_table(
        "this tree against base: handler CPU ms (medians)",
        [
            "function",
            "base import",
            "import",
            "change",
            f"<= -{TARGET_REDUCTION:.0%}",
            "base own import",
            "own import",
            "base cold",
            "cold",
            "change",
        ],
        rows,
    )


def _load(averages: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.1f}" for value in averages)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per probe (median)")
    parser.add_argument("--base", type=Path, help="another checkout (e.g. a worktree of main) to compare")
    parser.add_argument("--tracing", action="store_true", help="trace as in Lambda (LAMBDA_TASK_ROOT set)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the probes")
    parser.add_argument("--only", nargs="+", metavar="FUNCTION", help="measure only these functions")
    parser.add_argument("--explain", metavar="FUNCTION", help="also list our slowest modules for FUNCTION")
    args = parser.parse_args()

    trees = {"this tree": ROOT}
    if args.base:
        trees["base"] = args.base.resolve()
    environments = {
        tree: _environment(path / "functions", tracing=args.tracing) for tree, path in trees.items()
    }
    per_tree = {tree: _functions(_read_checkout(args.python, environments[tree])) for tree in trees}
    names = [f.name for f in per_tree["this tree"]]
    wanted = [name for name in names if not args.only or name in args.only]
    if not wanted or (args.explain and args.explain not in names):
        parser.error(f"functions: {', '.join(names)}")
    for path in trees.values():
        compileall.compile_dir(path / "functions", quiet=1)
    probes = [Probe(tree, f) for name in wanted for tree in trees for f in per_tree[tree] if f.name == name]
    functions = [f for f in per_tree["this tree"] if f.name in wanted]

    if args.explain:
        for probe in probes:
            if probe.function.name == args.explain:
                _own_module_costs(args.python, probe, environments[probe.tree], top=15)

    load_before = os.getloadavg()
    _measure(probes, args.runs, args.python, environments, trees)

    print(machine_line())
    # The machine is shared: its load says how far to trust one run's ratios.
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): {_load(load_before)} at the start, {_load(load_after)} at the end")
    print(f"probes: {args.python}; tracing {'on (as in Lambda)' if args.tracing else 'off'}\n")
    headers = [
        "function",
        "import",
        "floor",
        "ratio",
        f"<= {TARGET_RATIO}x",
        "own import",
        "own ratio",
        f"<= {TARGET_RATIO}x",
        "first call",
        "floor",
        "cold",
        "floor cold",
        "cold ratio",
        "loads openai",
        "loads X-Ray recorder",
    ]
    for tree in trees:
        print_table(
            f"{tree}: CPU ms, median of {args.runs} fresh interpreters per probe",
            headers,
            _result_rows([p for p in probes if p.tree == tree]),
        )
    if args.base:
        _print_comparison(probes, functions, list(trees))
    api = [p for p in probes if p.function.name == "api"]
    if api:
        print(f"api never loads openai: {'yes' if not any(p.loads_openai for p in api) else 'NO'}")


if __name__ == "__main__":
    main()

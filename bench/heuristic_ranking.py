"""The heuristic engine's ranking time: 100 resumes of ~3 000 characters against one vacancy, this tree's
engine against another checkout's (e.g. the previous release), side by side in one run.

    git worktree add /tmp/heuristic-before 2d8441e
    uv run python bench/heuristic_ranking.py --before /tmp/heuristic-before [--runs 5]

Each measurement is a fresh interpreter (imports are not timed) ranking the same generated resumes in
both languages; the variants alternate run by run so load on the shared machine hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from harness import ROOT, machine_line, print_table

_PROBE = """
import json, random, sys, time
sys.path.insert(0, sys.argv[1])  # bench/, for the generated texts
from harness import resume_text, vacancy_text
from ai_interviewer.engines.heuristic import HeuristicEngine
from ai_interviewer.language import Language
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.scoring import DEFAULT_WEIGHTS

language = sys.argv[2]
rng = random.Random(12)
resumes = [ResumeIn(filename=f"r{i}.txt", content=resume_text(rng, 3000, language)) for i in range(100)]
vacancy = vacancy_text(1500, language)
engine = HeuristicEngine()
lang = Language.RU if language == "ru" else Language.EN
engine.assess_resumes(vacancy, resumes[:2], list(DEFAULT_WEIGHTS), lang)  # warm the caches of one call
started = time.perf_counter()
engine.assess_resumes(vacancy, resumes, list(DEFAULT_WEIGHTS), lang)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def _run(functions: Path, language: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(functions))
    output = subprocess.run(  # noqa: S603 - this interpreter, our own probe code
        [sys.executable, "-c", _PROBE, str(ROOT / "bench"), language],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(json.loads(output.splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the engine to compare with")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    variants = {"before": args.before / "functions", "after": ROOT / "functions"}
    rows = []
    for language in ("en", "ru"):
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, functions in variants.items():
                times[name].append(_run(functions, language))
        before, after = statistics.median(times["before"]), statistics.median(times["after"])
        rows.append(
            [language, args.runs, f"{before * 1000:.0f}", f"{after * 1000:.0f}", f"{after / before:.2f}x"]
        )
    print(machine_line())
    print_table(
        "Heuristic ranking, 100 resumes of ~3 000 characters, median of fresh interpreters (ms)",
        ["language", "runs", "before", "after", "after / before"],
        rows,
    )


if __name__ == "__main__":
    main()

"""The layer is built from uv.lock's runtime dependencies only: pinned, hashed, no project, no dev tools.
(The build itself runs in `cdk synth` or by hand; here only the cheap export is checked.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "layers" / "build_layer.py"


def test_layer_requirements_are_the_locked_runtime_dependencies_only() -> None:
    exported = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "requirements"], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    pins = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s;]+)", exported, flags=re.MULTILINE))
    for runtime in ("aws-lambda-powertools", "boto3", "pydantic", "openai", "psycopg", "psycopg-binary"):
        assert runtime in pins, runtime
    for excluded in (
        "ai-interviewer",
        "moto",
        "pytest",
        "ruff",
        "mypy",
        "aws-cdk-lib",
        "cdk-nag",
        "cfn-lint",
    ):
        assert excluded not in pins, excluded
    # Every requirement is pinned and carries the lock's hashes, so pip installs exactly the locked wheels.
    requirement_lines = [line for line in exported.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(requirement_lines) == len(pins)
    assert exported.count("--hash=sha256:") >= len(pins)

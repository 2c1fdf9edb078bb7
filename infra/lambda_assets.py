"""The two Lambda assets, built on this machine (CDK local bundling, no Docker) by layers/build_layer.py:
the function code from functions/ and the dependency layer from uv.lock, both compiled for the target
Python. With `aws:cdk:bundling-stacks` set to [] (the unit tests) neither build runs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = PROJECT_ROOT / "functions"
LAYERS_DIR = PROJECT_ROOT / "layers"
LAYER_SCRIPT = LAYERS_DIR / "build_layer.py"
LOCK_FILE = PROJECT_ROOT / "uv.lock"

RUNTIME = lambda_.Runtime.PYTHON_3_13
# Kept in step with layers/build_layer.py's CODE_EXCLUDES and LOCAL_ONLY: what is hashed is what is shipped.
CODE_EXCLUDES = [
    "tests",
    "**/tests",
    "**/__pycache__",
    "**/*.pyc",
    "**/.pytest_cache",
    "**/.mypy_cache",
    "ai_interviewer/local",
    "ai_interviewer/cli.py",
]


@jsii.implements(cdk.ILocalBundling)
class ScriptBundling:
    """Runs layers/build_layer.py into CDK's output directory; a failed build fails the synth."""

    def __init__(self, *arguments: str) -> None:
        self._arguments = arguments

    # jsii hands the BundlingOptions over positionally; nothing in them matters for a local build.
    def try_bundle(self, output_dir: str, *_options: Any, **_named_options: Any) -> bool:
        subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [sys.executable, str(LAYER_SCRIPT), *self._arguments, "--output", output_dir], check=True
        )
        return True


def code_asset() -> lambda_.Code:
    """functions/ without tests and caches, with .pyc files for the runtime's Python."""
    return lambda_.Code.from_asset(
        str(FUNCTIONS_DIR),
        exclude=CODE_EXCLUDES,
        asset_hash_type=cdk.AssetHashType.SOURCE,
        bundling=cdk.BundlingOptions(image=RUNTIME.bundling_image, local=ScriptBundling("code")),
    )


def dependency_layer_code(architecture: str) -> lambda_.Code:
    """The third-party packages pinned by uv.lock, installed for `architecture` ("arm64"/"x86_64").

    The asset hash is the lock file's (plus the build script's): the same lock gives the same layer, and
    a synth with an unchanged lock reuses the built asset in cdk.out instead of rebuilding it.
    """
    digest = hashlib.sha256()
    for part in (
        LOCK_FILE.read_bytes(),
        LAYER_SCRIPT.read_bytes(),
        architecture.encode(),
        RUNTIME.name.encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return lambda_.Code.from_asset(
        str(LAYERS_DIR),
        exclude=["build", "**/__pycache__"],
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        asset_hash=digest.hexdigest(),
        bundling=cdk.BundlingOptions(
            image=RUNTIME.bundling_image, local=ScriptBundling("layer", "--arch", architecture)
        ),
    )

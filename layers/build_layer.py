"""Build the Lambda dependency layer from uv.lock, and compile the function code, without Docker.

    python layers/build_layer.py layer --arch arm64 --output layers/build/arm64
    python layers/build_layer.py code --output layers/build/code
    python layers/build_layer.py requirements     # print what the layer is built from

`layer` exports the locked runtime dependencies (no dev group, not the project itself, with their
hashes), installs the wheels for the Lambda platform with pip's cross-platform flags (binary wheels
only, so nothing is compiled for this machine), and compiles them with the target Python.
`code` copies functions/ (without tests and caches) and compiles it the same way.

Compiling with `--invalidation-mode unchecked-hash` matters: CDK zips assets with every mtime set to
1980, so timestamp-checked .pyc files would look stale in Lambda and every cold start would recompile.
The CDK app runs both commands through local bundling; run them by hand to inspect a build.
Needs uv and a Python of the target version (found on PATH, under pyenv, or given with --python).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = PROJECT_ROOT / "functions"
TARGET_PYTHON = "3.13"
# Lambda's Python 3.13 runtime runs on Amazon Linux 2023 (glibc 2.34): any of these wheel tags fits.
MANYLINUX_TAGS = ("manylinux2014", "manylinux_2_28", "manylinux_2_34")
PIP_ARCHES = {"arm64": "aarch64", "x86_64": "x86_64"}
# What the function code asset leaves out; the CDK app hashes the source with the same patterns.
CODE_EXCLUDES = ("tests", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache")
# The local emulation and its CLI run on a developer's machine only; no handler imports them.
LOCAL_ONLY = ("ai_interviewer/local", "ai_interviewer/cli.py")


def find_python(version: str, explicit: str | None = None) -> str:
    """A Python interpreter of exactly `version` (the .pyc format is per minor version)."""
    candidates = [explicit, os.environ.get("LAYER_PYTHON"), shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")))
    uv = shutil.which("uv")
    if uv:
        found = subprocess.run(  # noqa: S603 - fixed arguments
            [uv, "python", "find", "--no-project", version], capture_output=True, text=True, check=False
        )
        candidates.append(found.stdout.strip() or None)
    for candidate in candidates:
        if candidate and _reports_version(candidate, version):
            return candidate
    raise SystemExit(f"no Python {version} found: install it or pass --python / set LAYER_PYTHON")


def _reports_version(python: str, version: str) -> bool:
    probe = subprocess.run(  # noqa: S603 - probing a candidate interpreter
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == version


def export_requirements(destination: Path) -> None:
    """The runtime dependencies pinned by uv.lock, with hashes; fails if the lock is out of date."""
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is needed to export uv.lock")
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-header", "--no-annotate",
            "--format", "requirements-txt", "--output-file", str(destination),
        ],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def install_wheels(python: str, requirements: Path, target: Path, arch: str) -> None:
    platforms = [f"--platform={tag}_{PIP_ARCHES[arch]}" for tag in MANYLINUX_TAGS]
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
            "--root-user-action=ignore", "--no-deps", "--require-hashes", "--only-binary=:all:",
            *platforms, f"--python-version={TARGET_PYTHON}", "--implementation=cp", "--no-compile",
            "--target", str(target), "--requirement", str(requirements),
        ],
        check=True,
    )  # fmt: skip
    # Console scripts carry this machine's interpreter path and nothing in Lambda runs them.
    shutil.rmtree(target / "bin", ignore_errors=True)


def compile_tree(python: str, directory: Path) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            python,
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(directory),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def tree_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def build_layer(output: Path, arch: str, python: str) -> Path:
    """Fill `output/python` (the layout Lambda puts on sys.path from /opt/python)."""
    target = output / "python"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as scratch:
        requirements = Path(scratch) / "requirements.txt"
        export_requirements(requirements)
        install_wheels(python, requirements, target, arch)
    compile_tree(python, target)
    return target


def build_code(output: Path, python: str) -> Path:
    """Copy functions/ into `output` without tests, caches and the local-only code, then compile it."""
    output.mkdir(parents=True, exist_ok=True)
    shutil.copytree(FUNCTIONS_DIR, output, ignore=shutil.ignore_patterns(*CODE_EXCLUDES), dirs_exist_ok=True)
    for local_only in LOCAL_ONLY:
        path = output / local_only
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    compile_tree(python, output)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=["layer", "code", "requirements"])
    parser.add_argument("--output", type=Path)
    parser.add_argument("--arch", choices=sorted(PIP_ARCHES), default="arm64")
    parser.add_argument("--python", help=f"a Python {TARGET_PYTHON} interpreter (default: search for one)")
    args = parser.parse_args(argv)
    if args.kind == "requirements":
        with tempfile.TemporaryDirectory() as scratch:
            requirements = Path(scratch) / "requirements.txt"
            export_requirements(requirements)
            print(requirements.read_text(encoding="utf-8"), end="")
        return 0
    if args.output is None:
        parser.error("--output is required to build")
    python = find_python(TARGET_PYTHON, args.python)
    output: Path = args.output.resolve()
    built = build_layer(output, args.arch, python) if args.kind == "layer" else build_code(output, python)
    size_mb = tree_size(built) / 1_000_000
    print(f"{args.kind} ({args.arch if args.kind == 'layer' else 'any'}): {built} {size_mb:.1f} MB unzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

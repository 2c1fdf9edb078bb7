"""Lambda's JSON log format with the application log level from `log_level`, and a deployed code
asset without the local emulation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.infra.synthesis import Synthesized, python_function_ids
from tests.infra.variant import dev_stack

BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "layers" / "build_layer.py"


def test_every_function_logs_json_at_the_configured_level(default_stack: Synthesized) -> None:
    for stack, level in ((default_stack, "INFO"), (dev_stack(), "WARN")):
        for function_id in python_function_ids(stack):
            properties = stack.raw["Resources"][function_id]["Properties"]
            config = properties["LoggingConfig"]
            assert config["LogFormat"] == "JSON"
            assert config["ApplicationLogLevel"] == level
            assert config["LogGroup"]


def test_the_code_asset_leaves_out_the_local_emulation_and_its_cli(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_layer", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    build_layer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_layer)
    built = build_layer.build_code(tmp_path / "code", sys.executable)
    package = built / "ai_interviewer"
    assert (package / "worker" / "handler.py").is_file() and (package / "api" / "app.py").is_file()
    assert not (package / "local").exists()
    assert not (package / "cli.py").exists()
    assert not list(built.rglob("tests"))

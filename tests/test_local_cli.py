"""The command line's environment handling: the user's settings win, the local defaults fill the rest,
and nothing can point the stack at real AWS."""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from ai_interviewer.cli import build_parser, main
from ai_interviewer.local.lambda_runtime import HandlerNotFoundError, load_handler
from ai_interviewer.local.stack import apply_local_defaults, emulation_environment, ensure_token
from ai_interviewer.settings import load_dotenv

REPO = Path(__file__).resolve().parents[1]
BASH = shutil.which("bash") or "/bin/bash"


def test_a_token_is_generated_only_when_the_user_has_none() -> None:
    mine = {"WEBHOOK_SECRET_TOKEN": "my-token"}
    assert ensure_token(mine) is None
    assert mine["WEBHOOK_SECRET_TOKEN"] == "my-token"

    empty: dict[str, str] = {"WEBHOOK_SECRET_TOKEN": "  "}
    generated = ensure_token(empty)
    assert generated is not None and len(generated) >= 40
    assert empty["WEBHOOK_SECRET_TOKEN"] == generated
    assert ensure_token({}) != generated


def test_private_webhook_urls_are_allowed_unless_the_user_said_otherwise() -> None:
    defaults: dict[str, str] = {}
    apply_local_defaults(defaults)
    assert defaults["ALLOW_PRIVATE_WEBHOOK_URLS"] == "true"
    assert defaults["POWERTOOLS_METRICS_DISABLED"] == "true"

    chosen = {"ALLOW_PRIVATE_WEBHOOK_URLS": "false", "POWERTOOLS_LOG_LEVEL": "DEBUG"}
    apply_local_defaults(chosen)
    assert chosen["ALLOW_PRIVATE_WEBHOOK_URLS"] == "false"
    assert chosen["POWERTOOLS_LOG_LEVEL"] == "DEBUG"


def test_the_emulation_environment_overrides_real_credentials_and_endpoints() -> None:
    environ = {
        "AWS_PROFILE": "production",
        "AWS_ACCESS_KEY_ID": "AKIAREAL",
        "AWS_ENDPOINT_URL_SQS": "https://sqs.eu-west-1.amazonaws.com",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "OPENAI_MODEL": "kept",
    }
    emulation_environment(environ, "http://127.0.0.1:5999")
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    assert environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert "AWS_PROFILE" not in environ
    assert "AWS_ENDPOINT_URL_SQS" not in environ
    assert environ["OPENAI_MODEL"] == "kept"


def test_handlers_load_by_their_lambda_dotted_path_and_a_missing_one_is_named() -> None:
    assert load_handler("json.dumps") is __import__("json").dumps
    with pytest.raises(HandlerNotFoundError, match=r"ai_interviewer\.nothing_here"):
        load_handler("ai_interviewer.nothing_here.handler")
    with pytest.raises(HandlerNotFoundError, match="no callable"):
        load_handler("ai_interviewer.resources.not_a_handler")


def test_receive_without_a_token_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("WEBHOOK_SECRET_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["receive", "--port", "0"])
    assert exited.value.code == 2


def test_postgres_vacancy_store_without_a_database_url_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", "t")
    monkeypatch.setenv("VACANCY_STORE", "dynamodb")  # so the command's own setting is undone afterwards
    with pytest.raises(SystemExit) as exited:
        main(["local", "--port", "0", "--vacancy-store", "postgres"])
    assert exited.value.code == 2


def test_a_name_repeated_in_dotenv_takes_its_last_value_and_the_environment_still_wins(
    tmp_path: Path,
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "WEBHOOK_SECRET_TOKEN=first\n# a comment\nexport OPENAI_MODEL='gpt-x'\n"
        'WEBHOOK_SECRET_TOKEN="second"\n',
        encoding="utf-8",
    )
    environ: dict[str, str] = {}
    load_dotenv(dotenv, environ)
    # What `export $(grep WEBHOOK_SECRET_TOKEN .env)` in the README's walk-through ends up with, too.
    assert environ == {"WEBHOOK_SECRET_TOKEN": "second", "OPENAI_MODEL": "gpt-x"}

    mine = {"WEBHOOK_SECRET_TOKEN": "from-the-shell"}
    load_dotenv(dotenv, mine)
    assert mine["WEBHOOK_SECRET_TOKEN"] == "from-the-shell"


def test_a_busy_port_fails_at_once_with_the_address_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        assert main(["local", "--port", str(port), "--log-file", str(tmp_path / "functions.log")]) == 1
        took = time.monotonic() - started
    error = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in error
    assert "--port" in error
    # Refused before the emulation or any function started (those take seconds).
    assert took < 2, took
    assert not (tmp_path / "functions.log").exists()


def _run_script(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
        [BASH, str(REPO / "run"), *arguments], capture_output=True, text=True, check=False, timeout=30
    )


def test_run_help_lists_every_command_and_option_of_the_cli() -> None:
    shown = _run_script("--help").stdout
    parser = build_parser()
    [commands] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    for name, command in commands.choices.items():
        assert f"\n  {name} " in shown, name
        for action in command._actions:
            for option in action.option_strings:
                if option not in {"-h", "--help"}:
                    assert option in shown, (name, option)
    assert "\n  test " in shown
    unknown = _run_script("nope")
    assert unknown.returncode == 2
    assert "unknown command 'nope'" in unknown.stderr

"""Shared fixtures: one moto server per test session (per xdist worker), provisioned once and emptied
between tests (see `tests/emulated_account.py`)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from ai_interviewer.local.aws_emulation import InProcessEmulation
from ai_interviewer.local.provision import placeholder_environment, provision
from ai_interviewer.settings import Settings

from tests.database import database_url, unreachable_reason
from tests.emulated_account import Baseline, reset_account

TEST_TOKEN = "test-token-0123456789abcdef"
PREVIOUS_TOKEN = "previous-token-fedcba9876543210"

# Fake credentials and a region, set before any boto3 client exists, so nothing can reach real AWS.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "ai-interviewer-tests",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "AiInterviewerTests",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        # The between-test reset empties queues directly; a test's own PurgeQueue is never refused.
        "MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false",
    }
)
for variable in ("AWS_PROFILE", "OPENAI_API_KEY", "OPENAI_BASE_URL", "WEBHOOK_SECRET_TOKEN"):
    os.environ.pop(variable, None)


# Every function's resources by name (nothing is created): each handler module checks its settings at
# import, and test modules import handlers at collection, before the emulation runs. Tests that reach
# the resources use `aws.environment` (what provisioning returns) instead.
FUNCTION_ENVIRONMENT = placeholder_environment()
os.environ.update(FUNCTION_ENVIRONMENT)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = InProcessEmulation()
    endpoint = server.start()
    # botocore honours AWS_ENDPOINT_URL, so every client the code under test builds lands on moto.
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    yield endpoint
    server.stop()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> Path:
    """For the `ai-interviewer` CLI's tests: no `.env` from the repository, no endpoint from the shell.
    The moto server runs first: the CLI builds the process's cached boto3 clients, which must point at it
    for the tests that come after."""
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LLM_ENGINE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Threads switch as often as on a loaded machine, so a race a test sets up happens in every run."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


@dataclass
class AwsStack:
    endpoint: str
    session: boto3.session.Session
    environment: dict[str, str]

    def settings(self, **overrides: str) -> Settings:
        """Settings as a deployed function would read them, plus per-test overrides."""
        env = {
            **self.environment,
            "WEBHOOK_SECRET_TOKEN": TEST_TOKEN,
            "WEBHOOK_SECRET_TOKEN_PREVIOUS": PREVIOUS_TOKEN,
            "LLM_ENGINE": "heuristic",
            **overrides,
        }
        return Settings.from_env(env)

    def client(self, service: str) -> Any:
        return self.session.client(service)  # type: ignore[call-overload]


@dataclass
class _ProvisionedAccount:
    session: boto3.session.Session
    environment: dict[str, str]
    baseline: Baseline | None = None


@pytest.fixture(scope="session")
def _provisioned_account(moto_endpoint: str) -> _ProvisionedAccount:
    # One session for the whole run: each new session loads the service models again (~0.2 s each).
    return _ProvisionedAccount(session=boto3.session.Session(), environment={})


@pytest.fixture
def aws(moto_endpoint: str, _provisioned_account: _ProvisionedAccount) -> AwsStack:
    """A clean emulated account with every table, queue and bucket the functions expect."""
    account = _provisioned_account

    def provision_afresh() -> Baseline:
        account.environment = provision(account.session)
        return Baseline.capture(account.session.region_name)

    account.baseline = reset_account(moto_endpoint, account.baseline, provision_afresh)
    return AwsStack(endpoint=moto_endpoint, session=account.session, environment=dict(account.environment))


@pytest.fixture(autouse=True, scope="session")
def _quiet_moto_access_log() -> None:
    import logging  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.WARNING)


@functools.cache
def _postgres_unavailable() -> str | None:
    return unreachable_reason(database_url())


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `postgres` skip (with the reason) when TEST_DATABASE_URL's server cannot be had."""
    if item.get_closest_marker("postgres") is not None and (reason := _postgres_unavailable()):
        pytest.skip(reason)

"""Shared fixtures: one moto server per test session, reset and provisioned afresh for each test."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from ai_interviewer.local.provision import provision
from ai_interviewer.settings import Settings
from moto.server import ThreadedMotoServer

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
    }
)
for variable in ("AWS_PROFILE", "OPENAI_API_KEY", "OPENAI_BASE_URL", "WEBHOOK_SECRET_TOKEN"):
    os.environ.pop(variable, None)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # botocore honours AWS_ENDPOINT_URL, so every client the code under test builds lands on moto.
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    yield endpoint
    server.stop()


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


@pytest.fixture
def aws(moto_endpoint: str) -> AwsStack:
    """A clean emulated account with every table, queue and bucket the functions expect."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    session = boto3.session.Session()
    return AwsStack(endpoint=moto_endpoint, session=session, environment=provision(session))


@pytest.fixture(autouse=True, scope="session")
def _quiet_moto_access_log() -> None:
    import logging  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

"""One synthesized template per variant, shared by every test that asks for it."""

from __future__ import annotations

import pytest

from tests.infra.synthesis import Synthesized, synthesize


@pytest.fixture(scope="session")
def default_stack() -> Synthesized:
    """cdk.json as committed: DynamoDB vacancy store, no alarm email."""
    return synthesize()


@pytest.fixture(scope="session")
def postgres_stack() -> Synthesized:
    """The PostgreSQL vacancy store, with an alarm email so the SNS topic is there too."""
    return synthesize({"vacancy_store": "postgres", "alarm_email": "ops@example.com"})

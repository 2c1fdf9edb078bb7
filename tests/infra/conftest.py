"""One synthesized template per variant, shared by every test that asks for it, on one xdist worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra.synthesis import Synthesized, synthesize

INFRA_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every infra test in one xdist group, so one worker synthesizes each variant (seconds each, with
    cdk-nag) once for all of them, instead of every worker synthesizing both."""
    for item in items:
        if item.path.is_relative_to(INFRA_TESTS):
            item.add_marker(pytest.mark.xdist_group("cdk-synth"))


@pytest.fixture(scope="session")
def default_stack() -> Synthesized:
    """cdk.json as committed: DynamoDB vacancy store, no alarm email."""
    return synthesize()


@pytest.fixture(scope="session")
def postgres_stack() -> Synthesized:
    """The PostgreSQL vacancy store, with an alarm email so the SNS topic is there too."""
    return synthesize({"vacancy_store": "postgres", "alarm_email": "ops@example.com"})

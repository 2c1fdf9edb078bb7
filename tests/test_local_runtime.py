"""Execution environments of the local Lambda runtime: one invocation at a time each, a new one (with its
own copy of the handler's module) for an invocation that finds all busy, up to the function's limit."""

from __future__ import annotations

import inspect
import threading
from typing import Any

import pytest
from ai_interviewer import resources
from ai_interviewer.local.lambda_runtime import ExecutionEnvironments, LocalFunction, load_handler

WAIT_SECONDS = 20


class Tracked:
    """Environments that record which invocations overlap, each blocking until released."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.created = 0
        self.busy: set[int] = set()
        self.overlaps_in_one_environment = 0
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def create(self) -> LocalFunction:
        with self.lock:
            self.created += 1
            environment = self.created

        def handler(event: dict[str, Any], context: Any) -> int:
            with self.lock:
                if environment in self.busy:
                    self.overlaps_in_one_environment += 1
                self.busy.add(environment)
            self.entered.release()
            assert self.release.wait(WAIT_SECONDS)
            with self.lock:
                self.busy.discard(environment)
            return environment

        return LocalFunction(f"env-{environment}", handler, 60)


def _invoke_in_threads(
    environments: ExecutionEnvironments, count: int
) -> tuple[list[threading.Thread], list[int]]:
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(environments.invoke({})), daemon=True)
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads, results


def test_concurrent_invocations_get_environments_of_their_own_up_to_the_limit() -> None:
    tracked = Tracked()
    environments = ExecutionEnvironments(tracked.create, limit=3)
    threads, results = _invoke_in_threads(environments, 4)
    for _ in range(3):
        assert tracked.entered.acquire(timeout=WAIT_SECONDS)
    # Three run at once in three environments; the fourth waits for one of them rather than a fourth.
    assert environments.count == 3
    assert not tracked.entered.acquire(timeout=0)
    tracked.release.set()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert len(results) == 4
    assert tracked.created == 3
    assert tracked.overlaps_in_one_environment == 0


def test_a_single_function_runs_its_invocations_one_after_another() -> None:
    tracked = Tracked()
    environments = ExecutionEnvironments.of(tracked.create())
    threads, results = _invoke_in_threads(environments, 2)
    assert tracked.entered.acquire(timeout=WAIT_SECONDS)
    assert not tracked.entered.acquire(timeout=0)
    tracked.release.set()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert results == [1, 1]
    assert tracked.overlaps_in_one_environment == 0


def test_a_warm_environment_is_reused_before_a_new_one_is_made() -> None:
    tracked = Tracked()
    tracked.release.set()
    environments = ExecutionEnvironments(tracked.create, limit=5)
    assert [environments.invoke({}) for _ in range(3)] == [1, 1, 1]
    assert environments.count == 1


def test_an_environment_that_fails_to_start_frees_its_place() -> None:
    def broken() -> LocalFunction:
        raise RuntimeError("init failed")

    environments = ExecutionEnvironments(broken, limit=1)
    for _ in range(2):
        with pytest.raises(RuntimeError, match="init failed"):
            environments.invoke({})
    assert environments.count == 0


def test_each_environment_has_its_own_copy_of_the_handler_module() -> None:
    shared = load_handler(resources.API_HANDLER)
    first, second = (load_handler(resources.API_HANDLER, fresh=True) for _ in range(2))
    # The api handler keeps its router in a module-level cache: one per environment, never shared.
    routers = {id(inspect.unwrap(handler).__globals__["resolver"]) for handler in (shared, first, second)}
    assert len(routers) == 3
    assert shared is load_handler(resources.API_HANDLER)


def test_environments_for_a_handler_load_the_first_at_once() -> None:
    environments = ExecutionEnvironments.for_handler(
        "api", resources.API_HANDLER, resources.API_TIMEOUT_SECONDS, limit=2
    )
    assert environments.count == 1
    with pytest.raises(ValueError, match="limit"):
        ExecutionEnvironments(lambda: LocalFunction("x", lambda event, context: None, 1), limit=0)

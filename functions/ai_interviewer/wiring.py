"""Builds the adapters behind each port from the settings: one set per process, reused while warm.

Handlers call `default_services()`; tests build `Services` from their own settings. The engine and the
vacancy store are built on first use, so the api function never imports the OpenAI SDK or psycopg.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ai_interviewer import aws
from ai_interviewer.settings import EngineChoice, Settings, VacancyStoreChoice, get_settings
from ai_interviewer.stores.jobs.base import JobStore
from ai_interviewer.stores.jobs.dynamodb import DynamoDbJobStore
from ai_interviewer.stores.payloads.base import PayloadStore
from ai_interviewer.stores.payloads.s3 import S3PayloadStore
from ai_interviewer.stores.queues.base import Queues
from ai_interviewer.stores.queues.sqs import SqsQueues

if TYPE_CHECKING:
    from ai_interviewer.engines.capabilities import CapabilityT, Engine, ResumeAssessor
    from ai_interviewer.stores.vacancies.base import VacancyStore


@dataclass
class Services:
    """The adapters behind each port. The engine and the vacancy store are built on first use by their
    factories; a test passes its own (`build_services(settings, engine=...)`, `with_engine`)."""

    settings: Settings
    jobs: JobStore
    queues: Queues
    payloads: PayloadStore
    engine_factory: Callable[[], Engine] = field(repr=False)
    vacancies_factory: Callable[[], VacancyStore] = field(repr=False)

    @functools.cached_property
    def vacancies(self) -> VacancyStore:
        return self.vacancies_factory()

    @functools.cached_property
    def engine(self) -> Engine:
        return self.engine_factory()

    @functools.cached_property
    def shortlist_engine(self) -> ResumeAssessor:
        """The first stage of a two-stage ranking (rank-resumes' `shortlist`): the heuristic engine."""
        from ai_interviewer.engines.capabilities import ResumeAssessor, capable  # noqa: PLC0415

        return capable(build_engine(self.settings, EngineChoice.HEURISTIC), ResumeAssessor)

    def engine_for(self, capability: type[CapabilityT]) -> CapabilityT:
        """The configured engine, as the capability a task needs."""
        from ai_interviewer.engines.capabilities import capable  # noqa: PLC0415

        return capable(self.engine, capability)

    def with_engine(self, engine: Engine) -> Services:
        """These services with `engine` in place of the configured one (the stores are shared)."""
        return dataclasses.replace(self, engine_factory=lambda: engine)


def build_vacancy_store(settings: Settings) -> VacancyStore:
    if settings.vacancy_store is VacancyStoreChoice.POSTGRES:
        from ai_interviewer.stores.vacancies.postgres import PostgresVacancyStore  # noqa: PLC0415

        return PostgresVacancyStore.from_settings(settings)
    from ai_interviewer.stores.vacancies.dynamodb import DynamoDbVacancyStore  # noqa: PLC0415

    return DynamoDbVacancyStore(aws.dynamodb(), settings.vacancies_table_name)


def build_engine(settings: Settings, choice: EngineChoice | None = None) -> Engine:
    """The engine `choice` (default: the configured one). Every engine is built here, so each one, a
    second engine next to the configured one included, gets the PII minimisation when it is on."""
    engine = _bare_engine(settings, settings.engine if choice in (None, EngineChoice.AUTO) else choice)
    if settings.pii_minimisation:
        from ai_interviewer.engines.minimising import minimising  # noqa: PLC0415

        return minimising(engine)
    return engine


def _bare_engine(settings: Settings, choice: EngineChoice) -> Engine:
    if choice is EngineChoice.OPENAI:
        from ai_interviewer.engines.openai.engine import OpenAiEngine  # noqa: PLC0415

        return OpenAiEngine.from_settings(settings)
    from ai_interviewer.engines.heuristic import HeuristicEngine  # noqa: PLC0415

    return HeuristicEngine()


def import_engine(settings: Settings) -> None:
    """Import the configured engine's code without building it (no client, no secret read). A model
    worker calls this at import, in Lambda's init phase, so the OpenAI SDK's import (~0.4 s of CPU) is
    not part of the first job's time, nor of its deadline."""
    if settings.engine is EngineChoice.OPENAI:
        import ai_interviewer.engines.openai.engine  # noqa: PLC0415
    else:
        import ai_interviewer.engines.heuristic  # noqa: PLC0415
    if settings.pii_minimisation:
        import ai_interviewer.engines.minimising  # noqa: F401, PLC0415


def build_services(
    settings: Settings, *, engine: Engine | None = None, vacancies: VacancyStore | None = None
) -> Services:
    """The adapters for `settings`; `engine` and `vacancies`, when given, replace the configured ones."""
    payloads = S3PayloadStore(aws.s3(), settings.payload_bucket_name)
    return Services(
        settings=settings,
        jobs=DynamoDbJobStore(aws.dynamodb(), settings.jobs_table_name, payloads),
        queues=SqsQueues(aws.sqs(), settings.task_queue_urls, settings.notify_queue_url, payloads),
        payloads=payloads,
        engine_factory=(lambda: engine) if engine is not None else functools.partial(build_engine, settings),
        vacancies_factory=(
            (lambda: vacancies) if vacancies is not None else functools.partial(build_vacancy_store, settings)
        ),
    )


@functools.cache
def default_services() -> Services:
    return build_services(get_settings())

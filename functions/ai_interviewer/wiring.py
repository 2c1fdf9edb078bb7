"""Builds the adapters behind each port from the settings: one set per process, reused while warm.

Handlers call `default_services()`; tests build `Services` from their own settings. The engine and the
vacancy store are built on first use, so the api function never imports the OpenAI SDK or psycopg.
"""

from __future__ import annotations

import functools
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
    from ai_interviewer.engines.capabilities import Engine
    from ai_interviewer.stores.vacancies.base import VacancyStore


@dataclass
class Services:
    settings: Settings
    jobs: JobStore
    queues: Queues
    payloads: PayloadStore
    _vacancies: VacancyStore | None = field(default=None, repr=False)
    _engine: Engine | None = field(default=None, repr=False)
    _shortlist_engine: Engine | None = field(default=None, repr=False)

    @property
    def vacancies(self) -> VacancyStore:
        if self._vacancies is None:
            self._vacancies = build_vacancy_store(self.settings)
        return self._vacancies

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = build_engine(self.settings)
        return self._engine

    @property
    def shortlist_engine(self) -> Engine:
        """The first stage of a two-stage ranking (rank-resumes' `shortlist`): the heuristic engine."""
        if self._shortlist_engine is None:
            self._shortlist_engine = build_engine(self.settings, EngineChoice.HEURISTIC)
        return self._shortlist_engine


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
        from ai_interviewer.engines.minimising import MinimisingEngine  # noqa: PLC0415

        return MinimisingEngine(engine)
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


def build_services(settings: Settings) -> Services:
    payloads = S3PayloadStore(aws.s3(), settings.payload_bucket_name)
    return Services(
        settings=settings,
        jobs=DynamoDbJobStore(aws.dynamodb(), settings.jobs_table_name, payloads),
        queues=SqsQueues(aws.sqs(), settings.task_queue_urls, settings.notify_queue_url, payloads),
        payloads=payloads,
    )


@functools.cache
def default_services() -> Services:
    return build_services(get_settings())

"""One behaviour suite for both vacancy store adapters: DynamoDB on the moto server, PostgreSQL on the
real server at 127.0.0.1:5432 (each test in a schema of its own, dropped afterwards). Stores are built
the way the functions build them, through `build_vacancy_store(settings)`."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

import psycopg
import pytest
from ai_interviewer.errors import PermanentError, TransientError
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.resources import LOCAL_VACANCIES_TABLE
from ai_interviewer.settings import Settings
from ai_interviewer.stores.vacancies.base import VacancyStore
from ai_interviewer.stores.vacancies.dynamodb import DynamoDbVacancyStore, split_utf8
from ai_interviewer.stores.vacancies.postgres import (
    PostgresVacancyStore,
    apply_migrations,
    conninfo_from_secret,
    migration_files,
)
from ai_interviewer.wiring import build_vacancy_store
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.conftest import AwsStack
from tests.database import database_url

POSTGRES_URL = database_url()  # TEST_DATABASE_URL; tests marked `postgres` skip when it is down
RACERS = 8

RUSSIAN_VACANCY = (
    "# Старший Python-разработчик\n\n"
    "Ищем инженера: «асинхронность», ёлки-палки, Ёжик — и не только.\n"
    "Требования:\t• Python 3.11+\n\t• PostgreSQL, DynamoDB\n"
    "Спецсимволы: \\N \\. \\\\ \"кавычки\" 'апострофы' ; -- комментарий\r\n"
)


def resumes(count: int, tag: str = "") -> list[ResumeIn]:
    return [
        ResumeIn(filename=f"resume-{tag}{n:04d}.txt", content=f"Кандидат {tag}{n}: Python, {n} лет опыта")
        for n in range(1, count + 1)
    ]


# -- backends ------------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    settings: Settings
    opened: list[VacancyStore] = field(default_factory=list)

    def open_store(self) -> VacancyStore:
        """A store as a freshly started function process builds it."""
        store = build_vacancy_store(self.settings)
        self.opened.append(store)
        return store


@dataclass
class PostgresSchema:
    name: str
    conninfo: str  # connects with this schema first on the search path

    def query(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            return conn.execute(statement.encode(), params or None).fetchall()


@pytest.fixture
def postgres_schema() -> Iterator[PostgresSchema]:
    """A fresh schema on the real server (tests marked `postgres` skip, saying why, without one)."""
    name = f"vacancy_store_test_{uuid.uuid4().hex[:12]}"
    identifier = sql.Identifier(name)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(identifier))
    conninfo = make_conninfo(POSTGRES_URL, options=f"-c search_path={name}", application_name=name)
    try:
        yield PostgresSchema(name=name, conninfo=conninfo)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(identifier))


@pytest.fixture(params=["dynamodb", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "dynamodb":
        aws: AwsStack = request.getfixturevalue("aws")
        settings = aws.settings(VACANCY_STORE="dynamodb")
    else:
        schema: PostgresSchema = request.getfixturevalue("postgres_schema")
        settings = Settings.from_env({"VACANCY_STORE": "postgres", "DATABASE_URL": schema.conninfo})
    backend = Backend(name=request.param, settings=settings)
    yield backend
    for store in backend.opened:  # before the schema is dropped
        if isinstance(store, PostgresVacancyStore):
            store.close()


@pytest.fixture
def store(backend: Backend) -> VacancyStore:
    return backend.open_store()


def vacancies_of_job(store: VacancyStore, job_id: str, below: int) -> list[int]:
    """Ids (1 .. below-1) of the complete vacancies stored for `job_id`."""
    found = []
    for vacancy_id in range(1, below):
        vacancy = store.get_vacancy(vacancy_id)
        if vacancy is not None and vacancy.job_id == job_id:
            found.append(vacancy_id)
    return found


# -- the shared behaviour ------------------------------------------------------------------------


def test_the_settings_choose_the_adapter(backend: Backend, store: VacancyStore) -> None:
    expected = DynamoDbVacancyStore if backend.name == "dynamodb" else PostgresVacancyStore
    assert isinstance(store, expected)


def test_ids_are_integers_that_increase(store: VacancyStore) -> None:
    ids = [store.add_vacancy(f"job-{n}", f"v{n}.md", f"Вакансия {n}", resumes(2)) for n in range(4)]
    assert all(type(vacancy_id) is int for vacancy_id in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_a_stored_vacancy_reads_back_whole(store: VacancyStore) -> None:
    candidates = resumes(3)
    vacancy_id = store.add_vacancy("job-whole", "backend.md", "Backend engineer", candidates)

    vacancy = store.get_vacancy(vacancy_id)

    assert vacancy is not None
    assert vacancy.vacancy_id == vacancy_id
    assert (vacancy.job_id, vacancy.filename, vacancy.content) == (
        "job-whole",
        "backend.md",
        "Backend engineer",
    )
    assert isinstance(vacancy.created_at, datetime)
    assert vacancy.created_at.tzinfo is not None
    assert [(c.candidate_id, c.filename, c.content) for c in vacancy.candidates] == [
        (n, r.filename, r.content) for n, r in enumerate(candidates, start=1)
    ]


def test_a_vacancy_without_candidates_is_stored(store: VacancyStore) -> None:
    vacancy_id = store.add_vacancy("job-empty", "empty.md", "Nobody applied yet", [])
    vacancy = store.get_vacancy(vacancy_id)
    assert vacancy is not None
    assert vacancy.candidates == []


def test_the_same_job_twice_gives_the_same_id_and_no_duplicate_candidates(
    backend: Backend, store: VacancyStore
) -> None:
    candidates = resumes(30)
    first = store.add_vacancy("job-redelivered", "v.md", "Вакансия", candidates)
    again = store.add_vacancy("job-redelivered", "v.md", "Вакансия", candidates)
    # A redelivery may land on another process.
    elsewhere = backend.open_store().add_vacancy("job-redelivered", "v.md", "Вакансия", candidates)

    assert first == again == elsewhere
    vacancy = store.get_vacancy(first)
    assert vacancy is not None
    assert [c.candidate_id for c in vacancy.candidates] == list(range(1, 31))
    following = store.add_vacancy("job-next", "n.md", "Next", resumes(1))
    assert following > first
    assert vacancies_of_job(store, "job-redelivered", following) == [first]


def test_concurrent_deliveries_of_one_job_store_one_vacancy(backend: Backend) -> None:
    stores = [backend.open_store() for _ in range(RACERS)]  # one per racing function instance
    candidates = resumes(60)
    start = threading.Barrier(RACERS)

    def deliver(store: VacancyStore) -> int:
        start.wait(timeout=60)
        return store.add_vacancy("job-raced", "raced.md", "Гонка доставок", candidates)

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        ids = list(pool.map(deliver, stores, timeout=300))

    assert len(set(ids)) == 1
    vacancy = stores[0].get_vacancy(ids[0])
    assert vacancy is not None
    assert [(c.candidate_id, c.filename) for c in vacancy.candidates] == [
        (n, r.filename) for n, r in enumerate(candidates, start=1)
    ]
    following = stores[0].add_vacancy("job-after-race", "a.md", "After", [])
    assert vacancies_of_job(stores[0], "job-raced", following) == [ids[0]]


def test_a_thousand_candidates_round_trip_in_order(backend: Backend, store: VacancyStore) -> None:
    candidates = [
        ResumeIn(filename=f"cv-{n:04d}.pdf", content=f"Резюме №{n}\n" + "опыт Python; " * 40)
        for n in range(1000, 0, -1)  # stored in the given order, not sorted by name
    ]
    began = time.perf_counter()
    vacancy_id = store.add_vacancy("job-thousand", "big.md", "Массовый найм", candidates)
    vacancy = store.get_vacancy(vacancy_id)
    elapsed = time.perf_counter() - began
    print(f"[{backend.name}] 1000 candidates stored and read back in {elapsed:.2f} s")  # informational

    assert vacancy is not None
    assert [(c.candidate_id, c.filename, c.content) for c in vacancy.candidates] == [
        (n, r.filename, r.content) for n, r in enumerate(candidates, start=1)
    ]


@pytest.mark.parametrize("vacancy_id", [987_654, 0, -1])
def test_an_unknown_id_gives_none(store: VacancyStore, vacancy_id: int) -> None:
    store.add_vacancy("job-some", "s.md", "Some", resumes(1))
    assert store.get_vacancy(vacancy_id) is None


def test_russian_text_round_trips_unchanged(store: VacancyStore) -> None:
    candidates = [
        ResumeIn(filename="Иванов_Иван.txt", content="Иван Иванов\nОпыт: 5 лет\tPython\\Django «Яндекс»"),
        ResumeIn(filename="Пётр Ёлкин.docx", content="Пётр Ёлкин — тимлид; \\N не NULL; эмодзи 🚀"),
    ]
    vacancy_id = store.add_vacancy("job-ru", "Вакансия.md", RUSSIAN_VACANCY, candidates)

    vacancy = store.get_vacancy(vacancy_id)

    assert vacancy is not None
    assert (vacancy.filename, vacancy.content) == ("Вакансия.md", RUSSIAN_VACANCY)
    assert [(c.filename, c.content) for c in vacancy.candidates] == [
        (c.filename, c.content) for c in candidates
    ]


def test_texts_at_the_size_limit_round_trip(store: VacancyStore) -> None:
    # 200 000 characters each: 400 KB of Cyrillic, 600 KB of CJK, 800 KB of emoji in UTF-8,
    # all past one DynamoDB item.
    cyrillic = ("Ж" * 99 + "\n") * 2_000
    cjk = "界" * 200_000
    emoji = "🚀" * 200_000
    candidates = [
        ResumeIn(filename="ru.txt", content=cyrillic),
        ResumeIn(filename="small.txt", content="short"),
        ResumeIn(filename="emoji.txt", content=emoji),
    ]
    vacancy_id = store.add_vacancy("job-large", "cjk.md", cjk, candidates)

    vacancy = store.get_vacancy(vacancy_id)

    assert vacancy is not None
    assert vacancy.content == cjk
    assert [c.content for c in vacancy.candidates] == [cyrillic, "short", emoji]


def test_reopening_the_store_keeps_the_data_and_the_ids_increasing(backend: Backend) -> None:
    first_store = backend.open_store()
    first = first_store.add_vacancy("job-before", "b.md", "До перезапуска", resumes(2))

    restarted = backend.open_store()  # a cold start: migrations (if any) run again

    kept = restarted.get_vacancy(first)
    assert kept is not None
    assert kept.content == "До перезапуска"
    assert restarted.add_vacancy("job-after", "a.md", "После", resumes(1)) > first


class CrashingResumes(Sequence[ResumeIn]):
    """The function dies while reading the candidates (a timeout, an out-of-memory kill)."""

    def __init__(self, resumes: list[ResumeIn], crash_at: int) -> None:
        self._resumes = resumes
        self._crash_at = crash_at

    def __len__(self) -> int:
        return len(self._resumes)

    @overload
    def __getitem__(self, index: int) -> ResumeIn: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ResumeIn]: ...
    def __getitem__(self, index: int | slice) -> ResumeIn | Sequence[ResumeIn]:
        if isinstance(index, int) and index == self._crash_at:
            raise RuntimeError("the function was killed")
        return self._resumes[index]


def test_a_crash_half_way_leaves_no_vacancy_and_the_redelivery_completes_it(store: VacancyStore) -> None:
    candidates = resumes(200)
    with pytest.raises(RuntimeError):
        store.add_vacancy("job-crashed", "c.md", "Crash", CrashingResumes(candidates, crash_at=120))
    probe = store.add_vacancy("job-probe", "p.md", "Probe", [])
    assert vacancies_of_job(store, "job-crashed", probe) == []

    vacancy_id = store.add_vacancy("job-crashed", "c.md", "Crash", candidates)

    vacancy = store.get_vacancy(vacancy_id)
    assert vacancy is not None
    assert len(vacancy.candidates) == 200


# -- DynamoDB specifics --------------------------------------------------------------------------


def test_dynamodb_shows_no_vacancy_until_its_last_write(aws: AwsStack) -> None:
    client = aws.client("dynamodb")
    crashing = DynamoDbVacancyStore(client, LOCAL_VACANCIES_TABLE)

    def die_before_the_final_write(params: dict[str, Any], **_: Any) -> None:
        if params.get("Item", {}).get("sk", {}).get("S") == "meta":
            raise RuntimeError("the function was killed")

    client.meta.events.register("provide-client-params.dynamodb.PutItem", die_before_the_final_write)
    with pytest.raises(RuntimeError):
        crashing.add_vacancy("job-late", "l.md", "Late", resumes(80))
    healthy = DynamoDbVacancyStore(aws.client("dynamodb"), LOCAL_VACANCIES_TABLE)
    assert healthy.get_vacancy(1) is None  # every candidate is written; the vacancy is not there yet

    assert healthy.add_vacancy("job-late", "l.md", "Late", resumes(80)) == 1
    vacancy = healthy.get_vacancy(1)
    assert vacancy is not None
    assert len(vacancy.candidates) == 80


@pytest.mark.parametrize(
    "text", ["a" * 10, "Ж" * 7, "界🚀" * 5, "abcЖ界🚀" * 3], ids=["ascii", "cyrillic", "cjk-emoji", "mixed"]
)
def test_dynamodb_text_parts_never_split_a_character(text: str) -> None:
    parts = split_utf8(text, limit=5)
    assert "".join(parts) == text
    assert all(0 < len(part.encode()) <= 5 for part in parts)


# -- PostgreSQL specifics ------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_migrations_applied_twice_are_recorded_once(postgres_schema: PostgresSchema) -> None:
    with psycopg.connect(postgres_schema.conninfo, autocommit=True) as conn:
        assert apply_migrations(conn) == [path.stem for path in migration_files()]
        assert apply_migrations(conn) == []
    versions = postgres_schema.query("SELECT version FROM schema_migrations ORDER BY version")
    assert versions == [(path.stem,) for path in migration_files()]


@pytest.mark.postgres
def test_postgres_concurrent_cold_starts_migrate_once(postgres_schema: PostgresSchema) -> None:
    start = threading.Barrier(RACERS)

    def cold_start(_: int) -> PostgresVacancyStore:
        start.wait(timeout=60)
        return PostgresVacancyStore(postgres_schema.conninfo)

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        stores = list(pool.map(cold_start, range(RACERS), timeout=300))
    try:
        versions = postgres_schema.query("SELECT version FROM schema_migrations")
        assert sorted(versions) == [(path.stem,) for path in migration_files()]
        assert stores[-1].add_vacancy("job-1", "v.md", "After the cold starts", []) == 1
    finally:
        for store in stores:
            store.close()


@pytest.mark.postgres
def test_postgres_replaces_a_connection_the_server_dropped(postgres_schema: PostgresSchema) -> None:
    store = PostgresVacancyStore(postgres_schema.conninfo)
    try:
        vacancy_id = store.add_vacancy("job-kept", "k.md", "Kept", resumes(2))
        terminated = postgres_schema.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND pid <> pg_backend_pid()",
            postgres_schema.name,
        )
        assert terminated == [(True,)]  # the store's one connection

        vacancy = store.get_vacancy(vacancy_id)

        assert vacancy is not None
        assert vacancy.filename == "k.md"
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_refuses_nul_characters_for_good_and_stores_nothing(
    postgres_schema: PostgresSchema,
) -> None:
    # The request models refuse NUL at acceptance; the adapter still refuses it on its own.
    nul_resume = ResumeIn.model_construct(filename="x.txt", content="a\x00b")
    store = PostgresVacancyStore(postgres_schema.conninfo)
    try:
        with pytest.raises(PermanentError) as raised:
            store.add_vacancy("job-nul", "n.md", "Vacancy", [nul_resume])
        assert raised.value.code == "unsupported_text"
        assert postgres_schema.query("SELECT count(*) FROM vacancies") == [(0,)]
    finally:
        store.close()


def test_postgres_conninfo_from_the_rds_secret_requires_tls_and_prefers_the_proxy() -> None:
    secret = {
        "host": "cluster.abc.eu-west-1.rds.amazonaws.com",
        "port": 5432,
        "username": "app",
        "password": "p@ss word'\\",
        "dbname": "interviewer",
    }
    assert conninfo_to_dict(conninfo_from_secret(secret)) == {
        "host": "cluster.abc.eu-west-1.rds.amazonaws.com",
        "port": "5432",
        "user": "app",
        "password": "p@ss word'\\",
        "dbname": "interviewer",
        "sslmode": "require",
    }
    proxied = conninfo_to_dict(conninfo_from_secret(secret, host="proxy.abc.eu-west-1.rds.amazonaws.com"))
    assert proxied["host"] == "proxy.abc.eu-west-1.rds.amazonaws.com"


@pytest.mark.postgres
def test_postgres_from_the_secret_connects_to_the_proxy_host_only_over_tls(aws: AwsStack) -> None:
    password = f"never-in-errors-{uuid.uuid4().hex}"
    server = {name: str(value) for name, value in conninfo_to_dict(POSTGRES_URL).items()}
    secret_arn = aws.client("secretsmanager").create_secret(
        Name="ai-interviewer/database",
        SecretString=json.dumps(
            {
                "host": "cluster.invalid",
                "port": int(server.get("port", 5432)),
                "username": server.get("user", "postgres"),
                "password": password,
                "dbname": server.get("dbname", "test"),
            }
        ),
    )["ARN"]
    settings = aws.settings(
        VACANCY_STORE="postgres", DATABASE_SECRET_ARN=secret_arn, DATABASE_HOST=server["host"]
    )

    with pytest.raises(TransientError) as raised:
        build_vacancy_store(settings)

    # It reached the proxy host (not the secret's unresolvable one) and refused to go on without TLS,
    # which the local server does not offer.
    cause = str(raised.value.__cause__)
    assert server["host"] in cause
    assert "SSL" in cause
    assert password not in str(raised.value) + cause


def test_postgres_without_a_database_setting_is_a_configuration_error() -> None:
    with pytest.raises(RuntimeError, match="DATABASE_URL or DATABASE_SECRET_ARN"):
        build_vacancy_store(Settings.from_env({"VACANCY_STORE": "postgres"}))

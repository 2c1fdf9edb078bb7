"""The vacancy store on PostgreSQL (Aurora or RDS, reached through RDS Proxy in AWS).

One connection per process, opened at start-up (after the schema migrations) and reused by every warm
invocation; a broken one is replaced once before the error is handed to SQS as transient. A vacancy
and its candidates go in one transaction keyed by the unique `job_id`, so a job stored twice, one
after the other or at the same moment, ends in one vacancy with one set of candidates.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow

from ai_interviewer.documents.formats import DocumentFormat
from ai_interviewer.documents.outcome import Unreadable
from ai_interviewer.errors import PermanentError, TransientError
from ai_interviewer.models.requests import ResumeIn
from ai_interviewer.settings import secret_string
from ai_interviewer.stores.vacancies.base import StoredCandidate, StoredVacancy, VacancyStore

if TYPE_CHECKING:
    from ai_interviewer.settings import Settings

Connection = psycopg.Connection[TupleRow]
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any fixed number works; every process migrating this schema takes the same transaction-level lock.
MIGRATION_LOCK_KEY = 0x41495F5641434E  # "AI_VACN"
CONNECT_TIMEOUT_SECONDS = 10


def conninfo_from_secret(secret: Mapping[str, Any], host: str | None = None) -> str:
    """libpq conninfo from the usual RDS secret JSON; `host` (the RDS Proxy endpoint) wins when given.

    TLS is required: RDS Proxy accepts it everywhere and the credentials must not cross the VPC in clear.
    """
    return make_conninfo(
        host=host or str(secret["host"]),
        port=str(secret.get("port", 5432)),
        user=str(secret["username"]),
        password=str(secret["password"]),
        dbname=str(secret.get("dbname") or "postgres"),
        sslmode="require",
    )


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def apply_migrations(conn: Connection) -> list[str]:
    """Apply, in order, the migration files not yet recorded in `schema_migrations`; return their names.

    All in one transaction behind an advisory lock: concurrent cold starts wait for the first one and
    then find nothing left to do, and a failing migration leaves the schema as it was.
    """
    applied_now: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for path in migration_files():
            if path.stem in applied:
                continue
            # No parameters: the file may hold several statements (simple query protocol).
            conn.execute(path.read_bytes())
            conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (path.stem,))
            applied_now.append(path.stem)
    return applied_now


def _connect(conninfo: str) -> Connection:
    # No server-side prepared statements: they would pin the client to one backend behind RDS Proxy.
    return psycopg.connect(
        conninfo,
        autocommit=True,
        prepare_threshold=None,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        client_encoding="utf8",
    )


def _has_nul(*texts: str) -> bool:
    return any("\x00" in text for text in texts)


class PostgresVacancyStore(VacancyStore):
    def __init__(self, connection: Connection | str, *, migrate: bool = True) -> None:
        """Take an open connection (its owner reopens it if it breaks) or a conninfo to connect with."""
        self._lock = threading.Lock()  # one connection: one transaction at a time
        if isinstance(connection, str):
            self._conninfo: str | None = connection
            self._conn: Connection | None = None
        else:
            self._conninfo = None
            connection.autocommit = True  # every unit of work below opens its own transaction
            self._conn = connection
        if migrate:
            self._run(apply_migrations)

    @classmethod
    def from_settings(cls, settings: Settings) -> PostgresVacancyStore:
        """DATABASE_URL when set (local); in AWS the RDS secret, through RDS Proxy."""
        if settings.database_url is not None:
            return cls(settings.database_url.get_secret_value())
        if settings.database_secret_arn:
            secret = json.loads(secret_string(settings.database_secret_arn))
            return cls(conninfo_from_secret(secret, host=settings.database_host))
        raise RuntimeError("VACANCY_STORE=postgres needs DATABASE_URL or DATABASE_SECRET_ARN")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()

    # -- connection ------------------------------------------------------------------------------

    def _connection(self) -> Connection:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        if self._conninfo is None:
            raise TransientError("the vacancy database connection is closed and has no conninfo to reopen")
        self._conn = _connect(self._conninfo)
        return self._conn

    def _run(self, work: Callable[[Connection], T]) -> T:
        """Run `work` (idempotent, one transaction) on the process's connection, retrying once on a
        connection failure (an idle connection closed by the proxy, a failover, a serialisation
        conflict); past that the error is transient and SQS brings the message back."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return work(self._connection())
                except psycopg.OperationalError as error:
                    if attempt == 2:
                        raise TransientError(
                            f"the vacancy database failed: {type(error).__name__}"
                        ) from error
            raise AssertionError("unreachable")

    # -- the port --------------------------------------------------------------------------------

    def add_vacancy(
        self,
        job_id: str,
        filename: str,
        content: str,
        candidates: Sequence[ResumeIn],
        *,
        vacancy_format: DocumentFormat | None = None,
    ) -> int:
        texts = [filename, content, *(c.filename for c in candidates), *(c.content for c in candidates)]
        if _has_nul(*texts):
            # PostgreSQL text cannot hold NUL; retrying would never help.
            raise PermanentError("unsupported_text", "texts must not contain NUL characters")

        def insert(conn: Connection) -> int:
            with conn.transaction():
                row = conn.execute(
                    "INSERT INTO vacancies (job_id, filename, content, format) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (job_id) DO NOTHING RETURNING vacancy_id",
                    (job_id, filename, content, vacancy_format),
                ).fetchone()
                if row is None:
                    # Stored already, or a racing delivery committed first (its insert blocked ours
                    # until then): its vacancy, with its candidates, is the one.
                    existing = conn.execute(
                        "SELECT vacancy_id FROM vacancies WHERE job_id = %s", (job_id,)
                    ).fetchone()
                    if existing is None:
                        raise TransientError("the vacancy of this job vanished while it was being stored")
                    return int(existing[0])
                vacancy_id = int(row[0])
                with (
                    conn.cursor() as cursor,
                    cursor.copy(
                        "COPY candidates (vacancy_id, candidate_id, filename, content, format, unreadable)"
                        " FROM STDIN"
                    ) as copy,
                ):
                    for position, candidate in enumerate(candidates, start=1):
                        document = candidate.document
                        copy.write_row(
                            (
                                vacancy_id,
                                position,
                                candidate.filename,
                                candidate.content,
                                None if document is None else document.format,
                                None if document is None else document.unreadable,
                            )
                        )
                return vacancy_id

        try:
            return self._run(insert)
        except psycopg.DataError:
            # The server's message may quote the offending row, i.e. resume text: keep it out of logs.
            raise PermanentError("unsupported_text", "a text could not be stored") from None

    def get_vacancy(self, vacancy_id: int) -> StoredVacancy | None:
        def select(conn: Connection) -> StoredVacancy | None:
            with conn.transaction():
                row = conn.execute(
                    "SELECT vacancy_id, filename, content, created_at, job_id, format FROM vacancies"
                    " WHERE vacancy_id = %s",
                    (vacancy_id,),
                ).fetchone()
                if row is None:
                    return None
                candidates = conn.execute(
                    "SELECT candidate_id, filename, content, format, unreadable FROM candidates"
                    " WHERE vacancy_id = %s ORDER BY candidate_id",
                    (vacancy_id,),
                ).fetchall()
            return StoredVacancy(
                vacancy_id=row[0],
                filename=row[1],
                content=row[2],
                created_at=row[3],
                job_id=row[4],
                format=row[5] and DocumentFormat(row[5]),
                candidates=[
                    StoredCandidate(
                        candidate_id=c[0],
                        filename=c[1],
                        content=c[2],
                        format=c[3] and DocumentFormat(c[3]),
                        unreadable=c[4] and Unreadable(c[4]),
                    )
                    for c in candidates
                ],
            )

        return self._run(select)

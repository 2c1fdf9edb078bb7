"""The PostgreSQL server the tests use: `TEST_DATABASE_URL`, by default the trust-auth server on
127.0.0.1:5432 with a database `test`.

`python -m tests.database` (run by `.ci/run`) creates that database when the server is up but the
database is missing, as on a stock PostgreSQL, and prints one status line: exit 0 when the database is
there, 1 when PostgreSQL cannot be reached (the PostgreSQL tests then skip, saying why)."""

from __future__ import annotations

import os
import sys

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

TEST_DATABASE_URL_ENV = "TEST_DATABASE_URL"
DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"


def database_url() -> str:
    return os.environ.get(TEST_DATABASE_URL_ENV) or DEFAULT_TEST_DATABASE_URL


def unreachable_reason(url: str) -> str | None:
    """Why the tests cannot use the server at `url`, or None when they can."""
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        return f"PostgreSQL unavailable at {_shown(url)} ({_one_line(error)}); set {TEST_DATABASE_URL_ENV}"
    return None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _shown(url: str) -> str:
    """Host, port and database of `url`, never its password."""
    params = conninfo_to_dict(url)
    return f"{params.get('host', 'localhost')}:{params.get('port', 5432)}/{params.get('dbname', '')}"


def main() -> int:
    url = database_url()
    name = str(conninfo_to_dict(url).get("dbname") or "test")
    shown = _shown(url)
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as missing:
        if f'"{name}" does not exist' not in str(missing):
            print(f"PostgreSQL: not reachable at {shown} ({_one_line(missing)})")
            return 1
        # The server is there; the database is not: create it from the maintenance database.
        try:
            with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as admin:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            print(f"PostgreSQL: cannot create the database {shown} ({_one_line(error)})")
            return 1
        print(f"PostgreSQL: created the database {shown}")
        return 0
    print(f"PostgreSQL: database {shown} is there")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every store test runs on SQLite and on a real PostgreSQL server (started here, or TEST_DATABASE_URL)."""
import itertools

import pytest
from sqlalchemy import create_engine, text

from engine.store import Store
from tests.support import postgres_server

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'progress.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    name = f"trainer_test_{next(_names)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.engine.dispose()

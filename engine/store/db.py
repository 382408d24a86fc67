"""Opening the store: SQLite by default (a file in a data folder outside the repo), PostgreSQL by DATABASE_URL.

The schema is versioned with Alembic; ``open_engine`` brings any database up to the newest revision, so an
upgrade of the app never loses a learner's history.
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_data_dir() -> Path:
    """``TRAINER_DATA_DIR`` or ``$XDG_DATA_HOME/trainer-70-412`` (``~/.local/share/…``): never the repo tree."""
    if os.environ.get("TRAINER_DATA_DIR"):
        return Path(os.environ["TRAINER_DATA_DIR"]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "trainer-70-412"


def database_url(url: str | None = None, data_dir: Path | None = None) -> str:
    """The URL to use: the argument, else ``DATABASE_URL``, else a SQLite file in the data folder."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        # Plain postgresql:// URLs (as hosting platforms hand them out) mean psycopg 3 here.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    folder = data_dir or default_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'progress.sqlite3'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")      # readers never block the writer; crash-safe commits
    cursor.execute("PRAGMA synchronous=NORMAL")    # with WAL: durable at checkpoints, never corrupt
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")     # several app threads/replicas on one file wait, not fail
    cursor.close()


def open_engine(url: str | None = None, *, data_dir: Path | None = None, migrate: bool = True) -> Engine:
    """Create the SQLAlchemy engine and upgrade the schema to the newest revision."""
    resolved = database_url(url, data_dir)
    kwargs = {"pool_pre_ping": True}
    if make_url(resolved).get_backend_name() == "sqlite":
        kwargs = {}
    engine = create_engine(resolved, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()

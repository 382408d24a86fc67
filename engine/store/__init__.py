"""The progress store (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL by DATABASE_URL."""
from engine.store.repo import LearnerInfo, Store, StoredLabSession, StoredSession, StoreError

__all__ = ["Store", "StoreError", "LearnerInfo", "StoredSession", "StoredLabSession"]

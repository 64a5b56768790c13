"""One storage interface for everything the coach keeps (see `agent.storage.base`):
SQLite under COACH_HOME by default, PostgreSQL with COACH_DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

from agent.storage.base import Backend, Storage
from tools.errors import ConfigError

__all__ = ["Storage", "database_url", "open_storage"]


def database_url() -> str | None:
    """COACH_DATABASE_URL, or None to keep everything in SQLite under COACH_HOME."""
    return os.environ.get("COACH_DATABASE_URL", "").strip() or None


def open_storage(home: Path, database_url: str | None = None) -> Storage:
    """Open (creating and migrating if needed) the coach's storage: PostgreSQL when a
    `postgresql://` URL is given, else the SQLite file under `home`."""
    if database_url:
        if not database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(
                "COACH_DATABASE_URL must be a postgresql:// URL (unset it to use SQLite under COACH_HOME)."
            )
        from agent.storage.postgres import PostgresBackend

        backend: Backend = PostgresBackend(database_url)
    else:
        from agent.storage.sqlite import SqliteBackend

        backend = SqliteBackend(home)
    storage = Storage(backend)
    try:
        storage.backend.migrate()
    except BaseException:
        storage.close()
        raise
    return storage

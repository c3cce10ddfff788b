"""SqliteDatabase: short-lived connections to one SQLite file, with errors in core terms."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from interview_core.errors import ConfigurationError, InterviewError, TransientError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

_SCHEMA_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
)

_TRANSIENT_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_INTERRUPT,
        sqlite3.SQLITE_NOMEM,
    }
)
"""Primary result codes that a later attempt may not meet: locks, I/O trouble, a full disk."""

_CONFIGURATION_CODES = frozenset(
    {
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_AUTH,
    }
)
"""Primary result codes that only a change of path, file or permissions can cure."""


class SqliteDatabase:
    """One SQLite file that several threads and processes share safely.

    Every operation opens its own connection and closes it at the end, so no connection is
    ever shared between threads or inherited across a fork. The file runs in WAL journal
    mode: readers never wait for the writer, and every read-modify-write starts with
    `BEGIN IMMEDIATE`, which takes the single write lock at once, so a check and the write
    that follows it are atomic across processes. A writer waits up to
    `busy_timeout_seconds` for the lock. A file of an older schema version is brought up to
    date, in the same transaction, by `migrations`: the statements that take version `n` to
    `n + 1`, keyed by `n`.

    Errors: a lock still held after the busy timeout, an I/O error or a full disk raise
    `unavailable` (the caller's transient error class); a path that cannot be opened, a file
    that is not a database, a read-only file, or a schema of a newer version (or of an older
    one without migrations) raise ConfigurationError.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        component: str,
        version: int,
        schema: Sequence[str],
        migrations: Mapping[int, Sequence[str]] | None = None,
        unavailable: type[TransientError],
        busy_timeout_seconds: float = 30.0,
    ) -> None:
        """Remember where the file is; nothing is opened until the first operation.

        Raises ConfigurationError for an empty path or ":memory:", which a connection per
        operation cannot share, and ValueError for a negative busy timeout.
        """
        text = str(path)
        if not text or text == ":memory:" or text.startswith("file:"):
            raise ConfigurationError(f"a SQLite database needs a file path, not {text!r}")
        if busy_timeout_seconds < 0:
            raise ValueError("busy_timeout_seconds must not be negative")
        self.path = Path(path)
        self._component = component
        self._version = version
        self._schema = tuple(schema)
        self._migrations = dict(migrations or {})
        self._unavailable = unavailable
        self._busy_timeout = busy_timeout_seconds
        self._ready = False
        self._ready_lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode: each statement sees one consistent state."""
        self._ensure_schema()
        with self._translated(), closing(self._connect()) as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside `BEGIN IMMEDIATE`, committed on exit, rolled back on error."""
        self._ensure_schema()
        with self._translated(), closing(self._connect()) as connection:
            with _immediate(connection):
                yield connection

    def purge_journal(self) -> None:
        """Copy the write-ahead log into the file and empty it, so that pages an erasure
        overwrote stay in neither; best effort (a reader that holds the log keeps it)."""
        with self._translated(), closing(self._connect()) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- helpers --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        try:
            connection.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            connection.close()
            raise
        return connection

    def _ensure_schema(self) -> None:
        """Create the tables on first use and record the schema version, once per instance."""
        if self._ready:
            return
        with self._ready_lock, self._translated():
            if self._ready:
                return
            with closing(self._connect()) as connection:
                if self._stored_version(connection) != self._version:
                    connection.execute("PRAGMA journal_mode = WAL")
                    with _immediate(connection):
                        self._create_or_migrate(connection)
                    stored = self._stored_version(connection)
                    if stored != self._version:
                        raise ConfigurationError(
                            f"{self.path} holds {self._component} schema version {stored}, "
                            f"this version reads {self._version}"
                        )
            self._ready = True

    def _create_or_migrate(self, connection: sqlite3.Connection) -> None:
        """Inside one transaction: create the tables, or bring an older schema up to date."""
        connection.execute(_SCHEMA_TABLE)
        stored = self._stored_version(connection)
        if stored is None:
            for statement in self._schema:
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_version (component, version) VALUES (?, ?)",
                (self._component, self._version),
            )
            return
        while stored < self._version and stored in self._migrations:
            for statement in self._migrations[stored]:
                connection.execute(statement)
            stored += 1
            connection.execute(
                "UPDATE schema_version SET version = ? WHERE component = ?",
                (stored, self._component),
            )

    def _stored_version(self, connection: sqlite3.Connection) -> int | None:
        try:
            row = connection.execute(
                "SELECT version FROM schema_version WHERE component = ?", (self._component,)
            ).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else int(row[0])

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn sqlite3 errors into the core's, keeping the original as the cause."""
        try:
            yield
        except InterviewError:
            raise
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def _translate(self, exc: sqlite3.Error) -> InterviewError:
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        where = f"SQLite database {self.path}"
        if primary in _TRANSIENT_CODES:
            return self._unavailable(f"{where}: {exc}")
        if primary is None and "locked" in str(exc):
            return self._unavailable(f"{where}: {exc}")
        if primary in _CONFIGURATION_CODES:
            return ConfigurationError(f"{where} cannot be used: {exc}")
        return self._unavailable(f"{where}: {exc}")


@contextmanager
def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """Run the block in a `BEGIN IMMEDIATE` transaction: commit on success, else roll back."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")

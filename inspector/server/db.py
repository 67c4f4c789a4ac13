"""The server's database: SQLAlchemy Core tables, the engine, and numbered schema migrations.

SQLite (WAL, ``synchronous=FULL``) is the default; nothing here is SQLite-only except the pragmas
and the ``BEGIN IMMEDIATE`` of writing transactions, so PostgreSQL can follow by its URL alone.
Uniqueness is the database's job: every upload is ``INSERT … ON CONFLICT DO NOTHING`` on a unique
key, then read back, so two identical uploads racing each other make one row.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

metadata = MetaData()
T = TypeVar("T")
MAX_GROUP = 100
"""At most this many uploads share one transaction."""

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),
)

# One row per enrolment: a person may be enrolled again (a new laptop) after a revocation.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
    # a staff member's password for the web console (scrypt, see accounts.py); none: tokens only
    Column("password_hash", String(200)),
)

# ``seq`` is the receipt a laptop keeps: the server's number for this upload.
visits = Table(
    "visits",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("seal", String(64), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("site_id", String(40), nullable=False),
    Column("uploaded_by", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("received_at", String(40), nullable=False),
    UniqueConstraint("uuid", "version", name="uq_visits_uuid_version"),
    sqlite_autoincrement=True,
)

photos = Table(
    "photos",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("uploaded_by", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("received_at", String(40), nullable=False),
)

# The change feed every laptop pulls: checklists, registers, rectification events, numbered by seq.
feed = Table(
    "feed",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("key", String(200), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("body", Text, nullable=False),
    # no account: published from the server's own command line
    Column("published_by", Integer, ForeignKey("accounts.id")),
    Column("published_at", String(40), nullable=False),
    UniqueConstraint("kind", "key", name="uq_feed_kind_key"),
    sqlite_autoincrement=True,
)


def _create_first_tables(conn: Connection) -> None:
    for table in (accounts, visits, photos, feed):
        table.create(conn, checkfirst=True)


# How far a county server has forwarded to each higher-level server: one row per target URL.
forwarding = Table(
    "forwarding",
    metadata,
    Column("target", String(400), primary_key=True),
    Column("visits_seq", Integer, nullable=False),
    Column("events_seq", Integer, nullable=False),
    Column("last_forwarded_at", String(40)),
    Column("last_error", Text),
    Column("last_error_at", String(40)),
    # the higher-level server's epoch when last seen: a new one means it was restored from a backup
    Column("upstream_epoch", String(64)),
)


def _create_forwarding(conn: Connection) -> None:
    forwarding.create(conn, checkfirst=True)


# Which life of the database this is: a new value after every restore from a backup, so that the
# laptops learn that the server forgot what it acknowledged after the backup, and send it again.
server_epoch = Table(
    "server_epoch",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", String(64), nullable=False),
)
_EPOCH_ROW = 1


def _create_server_epoch(conn: Connection) -> None:
    server_epoch.create(conn, checkfirst=True)
    conn.execute(insert(server_epoch).values(id=_EPOCH_ROW, epoch=secrets.token_hex(16)))


def current_epoch(conn: Connection) -> str:
    return conn.execute(select(server_epoch.c.epoch).where(server_epoch.c.id == _EPOCH_ROW)).scalar_one()


def start_new_epoch(database: Database) -> str:
    """After a restore: from now on the server is a different life of itself (see ``server_epoch``)."""
    epoch = secrets.token_hex(16)
    with database.writing() as conn:
        conn.execute(update(server_epoch).where(server_epoch.c.id == _EPOCH_ROW).values(epoch=epoch))
    return epoch


def _add_upstream_epoch(conn: Connection) -> None:
    # a database made after this column joined the table's definition has it already
    if "upstream_epoch" not in {column["name"] for column in inspect(conn).get_columns("forwarding")}:
        conn.execute(text("ALTER TABLE forwarding ADD COLUMN upstream_epoch VARCHAR(64)"))


# The county's rectification board (``server/board.py``): a projection of the visits and the
# feed's events, brought up to date before it is read; ``open`` and ``due`` find the overdue.
board_rows = Table(
    "board_rows",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("source", String(100), nullable=False),
    Column("site_id", String(40), nullable=False),
    Column("site_name", String(200), nullable=False),
    Column("township", String(100), nullable=False),
    Column("item_text", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("due", String(10), nullable=False),
    Column("state", String(24), nullable=False),
    Column("open", Boolean, nullable=False),
    Column("record", Text, nullable=False),
    Index("ix_board_open_due", "open", "due"),
    Index("ix_board_source_open_due", "source", "open", "due"),
)
board_events = Table(
    "board_events",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("rectification_id", String(200), nullable=False, index=True),
    Column("body", Text, nullable=False),
)
board_progress = Table(
    "board_progress",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("visits_seq", Integer, nullable=False),
    Column("events_seq", Integer, nullable=False),
)


def _create_board(conn: Connection) -> None:
    for table in (board_rows, board_events, board_progress):
        table.create(conn, checkfirst=True)
    conn.execute(insert(board_progress).values(id=1, visits_seq=0, events_seq=0))


# Blocks of document numbers (号段) granted to the laptops: each issues numbers only from its own
# blocks, offline, so no two laptops ever give the same number. ``request_id`` is the laptop's:
# a request sent again (a lost answer, a crash) gets the block it already got, never a second.
number_blocks = Table(
    "number_blocks",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("series", String(40), nullable=False),
    Column("first", Integer, nullable=False),
    Column("last", Integer, nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("granted_at", String(40), nullable=False),
    UniqueConstraint("series", "first", name="uq_number_blocks_series_first"),
)


def _create_number_blocks(conn: Connection) -> None:
    number_blocks.create(conn, checkfirst=True)


# The web console's signed-in browsers: only a session id's SHA-256 is kept, with its CSRF token
# and expiry, so signing out (or revoking the account) ends a session at once.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)


def _add_web_console(conn: Connection) -> None:
    # a database made after this column joined the table's definition has it already
    if "password_hash" not in {column["name"] for column in inspect(conn).get_columns("accounts")}:
        conn.execute(text("ALTER TABLE accounts ADD COLUMN password_hash VARCHAR(200)"))
    web_sessions.create(conn, checkfirst=True)


# What the province refused, set aside so that the rest flows on: one row per item and target, the
# item named by its ``seq`` in the county (``visits.seq`` or ``feed.seq``). An admin asks for a
# retry (``retry``) or drops the row; the checkpoint has moved past it either way.
forwarding_parked = Table(
    "forwarding_parked",
    metadata,
    Column("target", String(400), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("key", Text, nullable=False),
    Column("refusal", Text, nullable=False),
    Column("parked_at", String(40), nullable=False),
    Column("retry", Boolean, nullable=False),
)


def _create_forwarding_parked(conn: Connection) -> None:
    forwarding_parked.create(conn, checkfirst=True)


# Inspection rounds (``server/rounds.py``): one row per round, one per sealed version of its draw
# (a redraw is a new version naming the seal it supersedes; no version is ever changed).
rounds = Table(
    "rounds",
    metadata,
    Column("round_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("start", String(10), nullable=False),
    Column("end", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("closed_at", String(40)),
)
round_versions = Table(
    "round_versions",
    metadata,
    Column("round_id", String(36), ForeignKey("rounds.round_id"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("seal", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("drawn_at", String(40), nullable=False),
)


def _create_rounds(conn: Connection) -> None:
    for table in (rounds, round_versions):
        table.create(conn, checkfirst=True)


def _rebuild_board(conn: Connection) -> None:
    """The board made again from the visits and the feed: boards made before the one rule
    (``core.rectifications.contribution``) held a second row for each item a re-inspection failed."""
    conn.execute(delete(board_rows))
    conn.execute(delete(board_events))
    conn.execute(update(board_progress).values(visits_seq=0, events_seq=0))


def _publish_stored_records(conn: Connection) -> None:
    """Publish the rectification records of the visits stored before records were published, in
    the order they came, as an upload publishes them now (laptops take them at their next sync)."""
    from inspector.core.canonical import canonical_bytes, sha256_hex
    from inspector.core.clock import now, to_iso
    from inspector.server.published import RECT_RECORDS, UNREADABLE, records_entry

    first = select(visits.c.uuid, accounts.c.name).join_from(visits, accounts, visits.c.uploaded_by == accounts.c.id)
    owners = {row.uuid: row.name for row in conn.execute(first.where(visits.c.version == 1))}
    published_at = to_iso(now())
    last = 0
    while True:
        rows = conn.execute(
            select(visits.c.seq, visits.c.uuid, visits.c.body, visits.c.uploaded_by)
            .where(visits.c.seq > last)
            .order_by(visits.c.seq)
            .limit(500)
        ).all()
        if not rows:
            return
        last = rows[-1].seq
        for row in rows:
            try:
                made = records_entry(row.body, owners.get(row.uuid, ""))
            except UNREADABLE:
                continue  # the board leaves it off too, and says so
            if made is None:
                continue
            key, content = made
            body = canonical_bytes(content)
            conn.execute(
                insert(feed).values(
                    kind=RECT_RECORDS,
                    key=key,
                    body_sha256=sha256_hex(body),
                    body=body.decode("utf-8"),
                    published_by=row.uploaded_by,
                    published_at=published_at,
                )
            )


Migration = Callable[[Connection], None]
MIGRATIONS: Sequence[Migration] = (
    _create_first_tables,
    _create_forwarding,
    _create_server_epoch,
    _add_upstream_epoch,
    _create_board,
    _create_number_blocks,
    _add_web_console,
    _create_forwarding_parked,
    _create_rounds,
    _rebuild_board,
    _publish_stored_records,
)
"""Migration N (1-based) brings the schema from version N-1 to N; append, never edit."""

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchema(Exception):
    """The database was written by a newer server than this one."""

    def __init__(self, found: int) -> None:
        super().__init__(f"schema version {found} > {SCHEMA_VERSION}")
        self.found = found


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve().as_posix()}"


def engine_url(url: str) -> str:
    """PostgreSQL through psycopg 3 whichever way the URL names it (``postgresql://``, ``postgres://``)."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def make_engine(url: str) -> Engine:
    engine = create_engine(engine_url(url), pool_size=10, max_overflow=20, pool_timeout=60, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    """WAL, fsync on every commit, wait for the lock, and BEGIN IMMEDIATE before any write.

    pysqlite's own transaction handling is switched off (the documented SQLAlchemy recipe), so
    that a writing transaction takes the write lock at BEGIN: a read-then-write transaction can
    then never fail on lock upgrade while another writes.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=60000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("writing", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITER_LOCK_KEY = 0x1B5EC7
"""The advisory lock every writing transaction takes on PostgreSQL (any fixed number: ours alone)."""
_TAKE_WRITER_TURN = text(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


class Database:
    """The engine and the two kinds of transaction the server uses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        # SQLite has one writer at a time; waiting on a lock here wakes the next writer at once,
        # where SQLite's busy handler would sleep in steps of up to 100 ms.
        self._one_writer: AbstractContextManager[Any] = (
            threading.Lock() if self.engine.dialect.name == "sqlite" else nullcontext()
        )
        self._group = _GroupCommit(self)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A writing transaction; writers take turns, so numbers are committed in the order given.

        The change feed and the visit listing are read as "rows after N". On PostgreSQL a
        sequence number is taken before its transaction commits, so with two writers at once a
        row numbered 7 could commit after a reader has already seen 8 and moved past 7 for ever.
        Every writing transaction therefore starts by taking one transaction-scoped advisory lock
        (released by its commit or rollback): the next writer takes its numbers only after the
        previous one has committed. SQLite has one writer at a time by itself (BEGIN IMMEDIATE).
        """
        with self._one_writer, self.engine.connect().execution_options(writing=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(_TAKE_WRITER_TURN)
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def write_together(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a writing transaction shared with whatever other calls wait meanwhile.

        Each commit is an fsync, and with SQLite one writer at a time: one upload per transaction
        makes the disk's flush rate the server's upload rate. Here the uploads that arrive while a
        transaction commits go into the next one together (a group commit), each in its own
        savepoint, so one refusal undoes only its own statements. Every caller returns only after
        the commit that holds its work: what the laptop is told is stored is on disk.
        """
        return self._group.submit(work)

    def dispose(self) -> None:
        self._group.stop()
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()


class _GroupCommit:
    """One thread that commits the queued works in batches (see ``Database.write_together``)."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._queue: list[tuple[Callable[[Connection], Any], Future[Any]]] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def submit(self, work: Callable[[Connection], T]) -> T:
        future: Future[T] = Future()
        with self._wake:
            self._queue.append((work, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._wake.notify()
        return future.result()

    def stop(self) -> None:
        """Commit what is queued and end the thread; a later ``submit`` starts a new one."""
        with self._wake:
            thread = self._thread
            self._stopping = thread is not None
            self._wake.notify()
        if thread is not None:
            thread.join(30)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._stopping:
                    self._wake.wait()
                if not self._queue:  # asked to stop, and all is committed
                    self._stopping = False
                    self._thread = None
                    return
                batch, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            self._commit(batch)

    def _commit(self, batch: list[tuple[Callable[[Connection], Any], Future[Any]]]) -> None:
        done: list[tuple[Future[Any], Any]] = []
        failed: list[tuple[Future[Any], BaseException]] = []
        try:
            with self._database.writing() as conn:
                for work, future in batch:
                    try:
                        with conn.begin_nested():
                            done.append((future, work(conn)))
                    except Exception as error:  # this caller's refusal (or fault), answered after the commit
                        failed.append((future, error))
        except Exception as error:  # the commit itself failed: nothing of the batch is stored
            for _, future in batch:
                future.set_exception(error)
            return
        for future, result in done:
            future.set_result(result)
        for future, error in failed:
            future.set_exception(error)


def migrate(database: Database, *, applied_at: str) -> int:
    """Bring the schema up to date; returns the version it is at. Each step is one transaction."""
    with database.writing() as conn:
        schema_version.create(conn, checkfirst=True)
        current = conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).scalar()
    current = current or 0
    if current > SCHEMA_VERSION:
        raise NewerSchema(current)
    for number in range(current + 1, SCHEMA_VERSION + 1):
        with database.writing() as conn:
            MIGRATIONS[number - 1](conn)
            conn.execute(insert(schema_version).values(version=number, applied_at=applied_at))
    return SCHEMA_VERSION


def insert_once(conn: Connection, table: Table, values: Mapping[str, Any], key: Sequence[str]) -> bool:
    """Insert unless a row with the same unique ``key`` exists; True when this call made the row."""
    return conn.execute(_insert_once_statement(conn.dialect.name, table, tuple(key)), dict(values)).rowcount == 1


def insert_all_once(conn: Connection, table: Table, rows: list[Mapping[str, Any]], key: Sequence[str]) -> None:
    """``insert_once`` for many rows in one statement execution."""
    conn.execute(_insert_once_statement(conn.dialect.name, table, tuple(key)), [dict(row) for row in rows])


@functools.cache
def _insert_once_statement(dialect_name: str, table: Table, key: tuple[str, ...]) -> Any:
    # built once per table: building a statement per upload costs more than running it
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    # SQLAlchemy keeps an INSERT's rowcount only when asked (psycopg's would read -1 otherwise)
    return (
        dialect.insert(table).on_conflict_do_nothing(index_elements=list(key)).execution_options(preserve_rowcount=True)
    )

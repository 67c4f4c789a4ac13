"""PostgreSQL alone: rows committed out of order never slip past a reader of the change feed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import insert

from inspector.server.db import Database, feed, migrate
from inspector.server.records import feed_page
from tests.server.postgres import PostgresCluster


@pytest.fixture
def database(postgres_cluster: PostgresCluster) -> Iterator[Database]:
    made = Database(postgres_cluster.new_database())
    migrate(made, applied_at="2026-11-28T12:00:00+08:00")
    yield made
    made.dispose()


def add_feed_row(conn, key: str) -> None:
    conn.execute(
        insert(feed).values(
            kind="checklist", key=key, body_sha256="0" * 64, body="{}", published_at="2026-11-28T12:00:00+08:00"
        )
    )


def test_a_row_numbered_first_but_committed_last_is_still_read_once(database: Database) -> None:
    """Writer A takes its number and waits; writer B starts after it. A reader polls all along.

    Without writers taking turns B would commit first with the higher number, the reader would
    move past it, and A's row would then appear below the reader's position: never read.
    """
    a_inserted, release_a, b_started = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer_a() -> None:
        try:
            with database.writing() as conn:
                add_feed_row(conn, "a")
                a_inserted.set()
                release_a.wait(20)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    def writer_b() -> None:
        try:
            a_inserted.wait(20)
            b_started.set()
            with database.writing() as conn:
                add_feed_row(conn, "b")
        except BaseException as error:
            errors.append(error)

    seen: list[int] = []
    since = 0

    def poll() -> None:
        nonlocal since
        page = feed_page(database, since, 100)
        seen.extend(entry["seq"] for entry in page["entries"])
        since = page["next"]

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    b_started.wait(20)
    for _ in range(20):  # B is waiting for its turn now; nothing of either is visible
        poll()
        time.sleep(0.01)
    assert seen == []
    release_a.set()
    for thread in threads:
        thread.join(20)
    for _ in range(3):
        poll()
    assert not errors
    with database.reading() as conn:
        numbers = sorted(row.seq for row in conn.execute(feed.select()))
    assert len(numbers) == 2
    assert seen == numbers  # each once, in order


def test_the_server_speaks_postgresql_by_its_plain_url(postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.new_database().replace("postgresql+psycopg://", "postgresql://")
    database = Database(url)
    try:
        assert migrate(database, applied_at="2026-11-28T12:00:00+08:00") >= 1
        assert database.engine.dialect.name == "postgresql" and database.engine.dialect.driver == "psycopg"
    finally:
        database.dispose()

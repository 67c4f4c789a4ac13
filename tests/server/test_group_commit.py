"""Uploads that arrive together are committed together, each in its own savepoint."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from inspector.server.accounts import Role, add_account
from inspector.server.db import Database, migrate, sqlite_url, visits


class Refusal(Exception):
    pass


def test_a_refused_work_undoes_only_its_own_rows_and_every_caller_gets_its_answer(tmp_path: Path) -> None:
    database = Database(sqlite_url(tmp_path / "bureau.sqlite3"))
    migrate(database, applied_at="2026-11-28T12:00:00+08:00")
    account, _ = add_account(database, "组长", Role.LEAD)
    answers: dict[int, object] = {}
    start = threading.Barrier(20)

    def work(number: int) -> None:
        def insert_row(conn: Connection) -> int:
            conn.execute(
                insert(visits).values(
                    uuid=f"00000000-0000-0000-0000-{number:012d}",
                    version=1,
                    seal="s",
                    body_sha256="h",
                    body=b"{}",
                    site_id="X",
                    uploaded_by=account.id,
                    received_at="2026-11-28T12:00:00+08:00",
                )
            )
            if number == 7:
                raise Refusal("seven is refused after its insert")
            return number

        start.wait()
        try:
            answers[number] = database.write_together(insert_row)
        except Refusal as error:
            answers[number] = error

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert isinstance(answers.pop(7), Refusal)
    assert answers == {n: n for n in range(20) if n != 7}
    with database.reading() as conn:
        stored = set(conn.execute(select(visits.c.uuid)).scalars())
        assert conn.execute(select(func.count()).select_from(visits)).scalar() == 19
    assert "00000000-0000-0000-0000-000000000007" not in stored
    database.dispose()
    assert not any(thread.name == "group-commit" for thread in threading.enumerate())
    assert database.write_together(lambda conn: "after dispose, a new thread") == "after dispose, a new thread"
    database.dispose()

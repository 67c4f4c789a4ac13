"""What grows with history is journalled: appends, torn tails, compaction, the outbox's archive,
an index that is empty, cut or stale, damaged visits seen read-only, and the upgrade from the
whole-file layout (interrupted and resumed)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from inspector.core.vocabulary import Result
from inspector.paths import sample_register
from inspector.services import rectifications as rectification_services
from inspector.services import visits as services
from inspector.services.demo import fill_demo
from inspector.services.register import import_register
from inspector.store import migrations
from inspector.store.journal import Journal
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY


def start(store: Store) -> str:
    return services.start_visit(store, "LS-EC-001", lead="张建国", arrived_at=DEMO_TODAY).uuid


@pytest.fixture
def registered(store: Store) -> Store:
    import_register(store, sample_register())
    return store


# -- the journal itself ------------------------------------------------------------------------


def test_a_torn_last_line_is_ignored_and_cut_before_the_next_append(tmp_path: Path) -> None:
    path = tmp_path / "things.jsonl"
    journal = Journal(path, "things", "id", readonly=False)
    journal.append([{"id": "a", "n": 1}, {"id": "b", "n": 1}])
    with open(path, "ab") as handle:
        handle.write(b'{"id": "c", "n"')  # a crash in the middle of an append
    reader = Journal(path, "things", "id", readonly=True)
    assert set(reader.records()) == {"a", "b"} and reader.skipped == []
    writer = Journal(path, "things", "id", readonly=False)
    writer.append([{"id": "a", "n": 2}])
    assert Journal(path, "things", "id", readonly=True).records() == {
        "a": {"id": "a", "n": 2},
        "b": {"id": "b", "n": 1},
    }
    assert b'"n"{' not in path.read_bytes()


def test_superseded_lines_are_compacted_away_in_one_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "things.jsonl"
    journal = Journal(path, "things", "id", readonly=False)
    for n in range(500):
        journal.append([{"id": str(n % 10), "n": n}])
    assert len(path.read_bytes().splitlines()) < 100
    assert Journal(path, "things", "id", readonly=True).records() == journal.records()
    assert journal.records()["3"]["n"] == 493


def test_a_damaged_line_is_skipped_reported_and_copied_aside(store: Store) -> None:
    journal = store.journal("things.jsonl", "id")
    journal.append([{"id": "a"}, {"id": "b"}])
    root = store.root
    store.close()
    raw = (root / "things.jsonl").read_bytes().replace(b'{"id":"a"}', b'{"id":\x00}')
    (root / "things.jsonl").write_bytes(raw)
    with Store.open(root) as reopened:
        assert set(reopened.journal("things.jsonl", "id").records()) == {"b"}
        (problem,) = reopened.problems
        assert Path(problem.moved_to).read_bytes() == raw
    with Store.open(root) as again:
        assert set(again.journal("things.jsonl", "id").records()) == {"b"} and again.problems == []


# -- the outbox --------------------------------------------------------------------------------


def test_sent_entries_move_to_an_archive_that_is_only_appended_to(store: Store) -> None:
    store.unsent_outbox()  # read first, as the sync does before it records receipts
    for n in range(100):
        store.put_outbox({"kind": "visit", "key": f"v{n}", "state": "pending"})
    store.put_outbox_many({"kind": "visit", "key": f"v{n}", "state": "sent", "receipt": n} for n in range(100))
    archive = store.root / "outbox-sent.jsonl"
    written: list[bytes] = []
    for round_number in range(3):
        for n in range(70):
            key = f"w{round_number}-{n}"
            store.put_outbox({"kind": "visit", "key": key, "state": "pending"})
            store.put_outbox({"kind": "visit", "key": key, "state": "sent", "receipt": n})
        written.append(archive.read_bytes())
    assert all(later.startswith(earlier) for earlier, later in pairwise(written))
    assert store.unsent_outbox() == []
    assert len(store.outbox()) == 100 + 3 * 70
    assert store.outbox_entry("visit", "v7") == {"kind": "visit", "key": "v7", "state": "sent", "receipt": 7}
    assert len((store.root / "outbox.jsonl").read_bytes().splitlines()) < 140


def test_an_outbox_not_read_is_appended_to_without_reading_it_and_compacted_once_read(tmp_path: Path) -> None:
    """A sign-off queues its version without parsing the whole queue; whoever reads the outbox
    (the sync, before recording receipts) finds every entry and compacts it as it appends."""
    with Store.open(tmp_path / "data") as writer:
        writer.put_outbox_many({"kind": "visit", "key": f"v{n}", "state": "pending"} for n in range(100))
    with Store.open(tmp_path / "data") as writer:
        for n in range(100):
            writer.put_outbox({"kind": "visit", "key": f"v{n}", "state": "sent", "receipt": n})
        assert writer.loaded_journal("outbox.jsonl") is None
        assert len(writer.unsent_outbox()) == 0 and len(writer.outbox()) == 100
        writer.put_outbox({"kind": "visit", "key": "w", "state": "pending"})  # read now: compacted
        assert len((writer.root / "outbox.jsonl").read_bytes().splitlines()) < 10
        assert len(writer.outbox()) == 101


# -- the visit index: empty, cut, stale --------------------------------------------------------


def test_an_empty_index_is_rebuilt_never_an_empty_list(registered: Store, run_cli) -> None:
    uuids = {start(registered), start(registered)}
    root = registered.root
    registered.close()
    (root / "index.jsonl").write_bytes(b"")
    result = run_cli("--data-dir", root, "visits", "list")
    assert result.code == 0 and all(uuid[:8] in result.out for uuid in uuids)
    assert "还没有检查记录" not in result.out
    with Store.open(root, readonly=True) as reader:
        assert {summary.uuid for summary in reader.visit_summaries()} == uuids


def test_a_reader_says_so_when_the_index_is_unusable_and_the_app_holds_the_folder(registered: Store, run_cli) -> None:
    uuid = start(registered)
    (registered.root / "index.jsonl").write_bytes(b"")
    result = run_cli("--data-dir", registered.root, "visits", "list")
    assert result.code == 1 and "索引" in result.err and "还没有检查记录" not in result.out
    registered.close()
    with Store.open(registered.root) as reopened:
        assert [summary.uuid for summary in reopened.visit_summaries()] == [uuid]


def test_a_visit_file_the_index_lacks_is_found(registered: Store) -> None:
    uuid = start(registered)
    root = registered.root
    registered.close()
    (root / "index.jsonl").write_bytes((root / "index.jsonl").read_bytes().splitlines(keepends=True)[0])
    with Store.open(root) as reopened:
        assert [summary.uuid for summary in reopened.visit_summaries()] == [uuid]


def test_a_damaged_visit_read_only_is_moved_when_nobody_writes_and_stops_being_listed(
    registered: Store, run_cli
) -> None:
    damaged, healthy = start(registered), start(registered)
    root = registered.root
    (root / "visits" / f"{damaged}.json").write_bytes(b"\x00garbage")
    held = run_cli("--data-dir", root, "visits", "show", damaged[:8])
    assert held.code == 1 and "已损坏" in held.err and "已移到 。" not in held.err and "移到 ." not in held.err
    assert (root / "visits" / f"{damaged}.json").exists(), "nothing is moved while the app holds the folder"
    registered.close()
    shown = run_cli("--data-dir", root, "visits", "show", damaged[:8])
    assert shown.code == 1 and "damaged" in shown.err
    assert not (root / "visits" / f"{damaged}.json").exists()
    listed = run_cli("--data-dir", root, "visits", "list")
    assert damaged[:8] not in listed.out and healthy[:8] in listed.out


def test_a_new_visit_is_written_whole_in_one_step(registered: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector.store import store as store_module

    writes: list[tuple[Path, bytes]] = []
    real = store_module.atomic_write_bytes

    def recording(target: Path, data: bytes) -> None:
        writes.append((target, data))
        real(target, data)

    monkeypatch.setattr(store_module, "atomic_write_bytes", recording)
    uuid = start(registered)
    visit_writes = [data for target, data in writes if target.parent.name == "visits"]
    assert len(visit_writes) == 1
    assert json.loads(visit_writes[0])["visit"]["1"]["uuid"] == uuid


# -- the upgrade from the whole-file layout ----------------------------------------------------


def _tinydb_table(rows: list[dict]) -> dict:
    return {str(n): row for n, row in enumerate(rows, start=1)}


def write_version_1_layout(root: Path) -> None:
    """Turn a data dir back into the layout of schema version 1: whole-file TinyDB tables."""
    with Store.open(root) as store:
        summaries = [summary.to_dict() for summary in store.visit_summaries()]
        outbox = store.outbox()
        events = [{"origin": row["origin"], "event": row["event"]} for row in rectification_services._event_rows(store)]
        index_rows = list(rectification_services._indexed_visits(store).values())
    for name, table, rows in (
        ("index.json", "visits", summaries),
        ("outbox.json", "outbox", outbox),
        ("rectifications.json", "events", events),
        ("rectification-index.json", "visits", index_rows),
    ):
        (root / name).write_text(json.dumps({table: _tinydb_table(rows)}, ensure_ascii=False), encoding="utf-8")
    for name in (
        "index.jsonl",
        "outbox.jsonl",
        "outbox-sent.jsonl",
        "rectification-events.jsonl",
        "rectification-index.jsonl",
    ):
        (root / name).unlink(missing_ok=True)
    (root / "meta.json").write_text('{"app": "inspector", "schema_version": 1}', encoding="utf-8")


def state_of(store: Store) -> tuple:
    views = rectification_services.rectification_views(store)
    return (
        [summary.to_dict() for summary in store.visit_summaries()],
        sorted((entry["kind"], entry["key"], entry["state"]) for entry in store.outbox()),
        [(view.id, view.state, view.due, view.notice_number, len(view.history)) for view in views],
    )


def test_an_upgrade_from_the_whole_file_layout_interrupted_and_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "laptop"
    with Store.open(root) as store:
        fill_demo(store, today=DEMO_TODAY)
        expected = state_of(store)
    write_version_1_layout(root)
    real_create = Journal.create
    calls = 0

    def crash_on_the_third(self: Journal, records=()) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # as a kill would, in the middle of the upgrade
        real_create(self, records)

    monkeypatch.setattr(Journal, "create", crash_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        Store.open(root)
    assert json.loads((root / "meta.json").read_text(encoding="utf-8"))["schema_version"] == 1
    assert (root / "rectifications.json").exists(), "an old file goes only after its journal is written"
    monkeypatch.setattr(Journal, "create", real_create)
    with Store.open(root) as upgraded:
        assert state_of(upgraded) == expected
    assert json.loads((root / "meta.json").read_text(encoding="utf-8"))["schema_version"] == migrations.SCHEMA_VERSION
    assert not any((root / name).exists() for name in ("index.json", "outbox.json", "rectifications.json"))


def test_an_empty_index_of_the_old_layout_is_rebuilt_at_the_upgrade(registered: Store) -> None:
    uuid = start(registered)
    services.record_answer(registered, uuid, "ec-mech-01", result=Result.PASS)
    root = registered.root
    registered.close()
    write_version_1_layout(root)
    (root / "index.json").write_bytes(b"")
    with Store.open(root, readonly=True) as reader:
        assert [summary.uuid for summary in reader.visit_summaries()] == [uuid]


def test_a_compaction_keeps_the_last_appended_record_last(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "index.jsonl", "index", "uuid", readonly=False)
    journal.append([{"uuid": "a", "n": 0}, {"uuid": "b", "n": 0}])
    for n in range(1, 100):
        journal.append([{"uuid": "b", "n": n}])
        journal.append([{"uuid": "a", "n": n}])  # the update of an early key: its compaction puts it last
        last_line = json.loads((tmp_path / "index.jsonl").read_bytes().splitlines()[-1])
        assert last_line == {"uuid": "a", "n": n}
    assert len((tmp_path / "index.jsonl").read_bytes().splitlines()) < 80

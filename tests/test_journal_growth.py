"""``store.snapshot.growth_since``: the lines appended to a journal since a position, or None when
the file is not provably the same file grown (the persisted fold and the sync's note both use it)."""

from __future__ import annotations

import json
from pathlib import Path

from inspector.store.journal import NO_FILE, SAMPLE_WINDOW, Journal
from inspector.store.snapshot import growth_since


def journal(path: Path, count: int, *, note: str = "") -> Journal:
    made = Journal(path, "index", "uuid", readonly=False)
    made.append({"uuid": f"v{number}", "note": note} for number in range(count))
    return made


def end_of(path: Path):
    growth = growth_since(path, NO_FILE)
    assert growth is not None
    return growth.position


def records(growth) -> list[dict]:
    return [json.loads(line) for line in growth.lines()]


def test_only_the_lines_after_the_position_are_read_and_it_moves_past_them(tmp_path: Path) -> None:
    path = tmp_path / "index.jsonl"
    grown = journal(path, 200, note="x" * 40)  # longer than a sample window
    end = end_of(path)
    assert end.size == path.stat().st_size > SAMPLE_WINDOW
    assert growth_since(path, end).lines() == []
    grown.append([{"uuid": "new", "note": ""}, {"uuid": "v3", "_gone": True}])
    growth = growth_since(path, end)
    assert [record["uuid"] for record in records(growth)] == ["new", "v3"]
    assert growth.position == end_of(path)
    assert growth_since(path, growth.position).lines() == []


def test_a_torn_last_line_is_left_for_the_next_look(tmp_path: Path) -> None:
    path = tmp_path / "index.jsonl"
    journal(path, 3)
    end = end_of(path)
    with open(path, "ab") as handle:
        handle.write(b'{"uuid": "half')
    growth = growth_since(path, end)
    assert growth.lines() == [] and growth.position == end
    assert end_of(path) == end


def test_a_file_replaced_or_cut_since_the_position_is_not_taken_for_the_same(tmp_path: Path) -> None:
    path = tmp_path / "index.jsonl"
    made = journal(path, 50)
    end = end_of(path)
    made.compact()  # the same records, rewritten: a new file
    assert growth_since(path, end) is None
    end = end_of(path)
    with open(path, "r+b") as handle:
        handle.truncate(end.size - 10)
    assert growth_since(path, end) is None


def test_a_missing_file_has_nothing_unless_it_was_there(tmp_path: Path) -> None:
    path = tmp_path / "rectification-events.jsonl"
    assert growth_since(path, NO_FILE).position == NO_FILE
    assert growth_since(path, NO_FILE).lines() == []
    journal(path, 2)
    whole = growth_since(path, NO_FILE)
    assert [record.get("uuid") for record in records(whole)] == [None, "v0", "v1"]  # the header too
    path.unlink()
    assert growth_since(path, whole.position) is None

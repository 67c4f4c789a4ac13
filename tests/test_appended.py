"""``store.appended``: the lines appended to a journal since a mark, or None when the file is not
provably the same file grown."""

from __future__ import annotations

from pathlib import Path

from inspector.store.appended import WINDOW, appended_since, end_mark
from inspector.store.journal import Journal


def journal(path: Path, count: int, *, note: str = "") -> Journal:
    made = Journal(path, "index", "uuid", readonly=False)
    made.append({"uuid": f"v{number}", "note": note} for number in range(count))
    return made


def test_only_the_lines_after_the_mark_are_read_and_the_mark_moves_past_them(tmp_path: Path) -> None:
    path = tmp_path / "index.jsonl"
    grown = journal(path, 200, note="x" * 40)  # longer than the window
    mark = end_mark(path)
    assert mark is not None and mark.size == path.stat().st_size > WINDOW
    assert appended_since(path, mark).records == []
    grown.append([{"uuid": "new", "note": ""}, {"uuid": "v3", "_gone": True}])
    appended = appended_since(path, mark)
    assert [record["uuid"] for record in appended.records] == ["new", "v3"]
    assert appended.end == end_mark(path)
    assert appended_since(path, appended.end).records == []


def test_a_torn_last_line_is_left_for_the_next_look(tmp_path: Path) -> None:
    path = tmp_path / "index.jsonl"
    journal(path, 3)
    mark = end_mark(path)
    with open(path, "ab") as handle:
        handle.write(b'{"uuid": "half')
    appended = appended_since(path, mark)
    assert appended.records == [] and appended.end == mark
    assert end_mark(path) == mark


def test_a_file_replaced_or_cut_since_the_mark_is_not_taken_for_the_same(tmp_path: Path) -> None:
    path = tmp_path / "index.jsonl"
    made = journal(path, 50)
    mark = end_mark(path)
    made.compact()  # the same records, rewritten: a new file
    assert appended_since(path, mark) is None
    mark = end_mark(path)
    with open(path, "r+b") as handle:
        handle.truncate(mark.size - 10)
    assert appended_since(path, mark) is None


def test_a_missing_file_has_nothing_unless_it_was_there(tmp_path: Path) -> None:
    path = tmp_path / "rectification-events.jsonl"
    assert end_mark(path) is None
    assert appended_since(path, None).records == []
    journal(path, 2)
    whole = appended_since(path, None)
    assert [record.get("uuid") for record in whole.records] == [None, "v0", "v1"]  # the header too
    path.unlink()
    assert appended_since(path, whole.end) is None

"""The store: one writer, atomic files, damaged files set aside, foreign folders refused, evidence by hash."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.core.vocabulary import Result, VisitStatus
from inspector.paths import sample_register
from inspector.services import visits as services
from inspector.services.register import import_register
from inspector.store.atomic import atomic_write_bytes, temp_path_for
from inspector.store.errors import DataDirLocked, StoreError, UnreadableFile
from inspector.store.migrations import migrate
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY


@pytest.fixture
def registered(store: Store) -> Store:
    import_register(store, sample_register())
    return store


def start(store: Store) -> str:
    return services.start_visit(store, "LS-EC-001", lead="张建国", members=["李娜"], arrived_at=DEMO_TODAY).uuid


def test_an_answer_is_on_disk_when_record_answer_returns(registered: Store, tmp_path: Path) -> None:
    uuid = start(registered)
    services.record_answer(registered, uuid, "ec-mech-01", result=Result.FAIL, note="预案未修订")
    on_disk = json.loads((registered.root / "visits" / f"{uuid}.json").read_text(encoding="utf-8"))
    log = on_disk["visit"]["1"]["answer_log"]
    assert log[-1]["item_id"] == "ec-mech-01" and log[-1]["note"] == "预案未修订"


def test_files_are_utf8_json_with_chinese_kept_readable(registered: Store) -> None:
    raw = (registered.root / "register.json").read_bytes()
    assert "鲁阳街道敬老院".encode() in raw


def test_saving_an_answer_does_not_rewrite_the_index(registered: Store) -> None:
    uuid = start(registered)
    index = registered.root / "index.jsonl"
    before = index.stat().st_mtime_ns, index.read_bytes()
    services.record_answer(registered, uuid, "ec-mech-01", result=Result.PASS)
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before


def test_a_second_writer_is_refused_with_a_clear_error(store: Store) -> None:
    with pytest.raises(DataDirLocked):
        Store.open(store.root)


def test_a_second_program_is_refused_too(store: Store, run_cli) -> None:
    probe = f"from inspector.store.store import Store\nStore.open({str(store.root)!r})"
    failed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "DataDirLocked" in failed.stderr
    result = run_cli("--data-dir", store.root, "sites", "import", sample_register())
    assert result.code == 1 and "另一个检查程序正在使用数据目录" in result.err and "Traceback" not in result.err


def test_readers_work_while_the_writer_holds_the_lock(registered: Store, run_cli) -> None:
    uuid = start(registered)
    result = run_cli("--data-dir", registered.root, "visits", "list")
    assert result.code == 0 and uuid[:8] in result.out


def test_stray_temp_files_are_removed_at_start(tmp_path: Path) -> None:
    Store.open(tmp_path / "d").close()
    strays = [temp_path_for(tmp_path / "d" / "index.json"), temp_path_for(tmp_path / "d" / "visits" / "x.json")]
    for stray in strays:
        stray.write_bytes(b'{"half":')
    Store.open(tmp_path / "d").close()
    assert not any(stray.exists() for stray in strays)


def test_a_damaged_register_is_moved_aside_and_the_rest_stays_usable(registered: Store, tmp_path: Path) -> None:
    uuid = start(registered)
    root = registered.root
    registered.close()
    (root / "register.json").write_bytes(b'{"sites": {"1": {"id": "LS-')
    with Store.open(root) as reopened:
        (problem,) = reopened.problems
        assert problem.path == str(root / "register.json")
        assert Path(problem.moved_to).read_bytes() == b'{"sites": {"1": {"id": "LS-'
        assert "not JSON" in problem.reason
        assert reopened.sites() == []
        assert reopened.load_visit(uuid).site.id == "LS-EC-001"


def test_a_damaged_index_is_rebuilt_from_the_visit_files(registered: Store) -> None:
    uuid = start(registered)
    root = registered.root
    registered.close()
    (root / "index.jsonl").write_bytes("乱码".encode("gb18030"))
    with Store.open(root) as reopened:
        assert [s.uuid for s in reopened.visit_summaries()] == [uuid]
        assert reopened.problems[0].path.endswith("index.jsonl")


def test_a_damaged_visit_file_is_set_aside_and_named(registered: Store) -> None:
    damaged, healthy = start(registered), start(registered)
    (registered.root / "visits" / f"{damaged}.json").write_bytes(b"\x00\x01garbage")
    registered.close()
    with Store.open(registered.root) as reopened:
        with pytest.raises(UnreadableFile) as error:
            reopened.load_visit(damaged)
        assert error.value.moved_to is not None and error.value.moved_to.exists()
        assert [s.uuid for s in reopened.visit_summaries()] == [healthy]
        assert reopened.load_visit(healthy).uuid == healthy


def test_reading_visits_one_by_one_shares_their_checklist_and_sets_damaged_ones_aside(registered: Store) -> None:
    """What an export reads: each visit as ``load_visit`` gives it, with the members its file holds;
    visits of one checklist share one parsed copy; a file written otherwise (spaced out, keys in
    another order) is read all the same; a damaged one is set aside and skipped."""
    first, second, spaced, damaged = (start(registered) for _ in range(4))
    spaced_file = registered.root / "visits" / f"{spaced}.json"
    spaced_file.write_text(
        json.dumps(json.loads(spaced_file.read_text(encoding="utf-8")), ensure_ascii=False, indent=2, sort_keys=True),
        encoding="utf-8",
    )
    (registered.root / "visits" / f"{damaged}.json").write_bytes(b"\x00\x01garbage")
    registered.close()
    with Store.open(registered.root) as reopened:
        read = {
            visit.uuid: (visit, members) for visit, members in reopened.iter_visits([first, second, spaced, damaged])
        }
        assert list(read) == [first, second, spaced]
        for uuid, (visit, members) in read.items():
            assert visit == reopened.load_visit(uuid)
            assert members == {key: value for key, value in visit.to_dict().items() if key != "checklist"}
        assert read[first][0].checklist is read[second][0].checklist
        assert [s.uuid for s in reopened.visit_summaries()].count(damaged) == 0
        assert list((reopened.root / "damaged").iterdir())


def test_a_crash_between_index_and_visit_is_repaired_at_the_next_start(registered: Store) -> None:
    uuid = start(registered)
    root = registered.root
    visit_file = (root / "visits" / f"{uuid}.json").read_bytes()
    services.complete_visit(registered, uuid)
    registered.close()
    # as if killed after the index line was appended but before the visit file was replaced
    (root / "visits" / f"{uuid}.json").write_bytes(visit_file)
    with Store.open(root, readonly=True) as reader:
        assert reader.visit_summaries()[0].status is VisitStatus.DRAFT
    with Store.open(root) as reopened:
        assert reopened.visit_summaries()[0].status is VisitStatus.DRAFT
    assert json.loads((root / "index.jsonl").read_bytes().splitlines()[-1])["status"] == "draft"


def test_a_rebuild_marker_left_by_a_crash_has_the_index_rebuilt(registered: Store) -> None:
    uuid = start(registered)
    root = registered.root
    visit = services.complete_visit(registered, uuid)
    registered.close()
    lines = (root / "index.jsonl").read_bytes().splitlines(keepends=True)
    (root / "index.jsonl").write_bytes(lines[0])  # a valid, empty index, as a crash mid-rebuild once left
    atomic_write_bytes(root / "index.rebuild", b"{}")
    with Store.open(root) as reopened:
        assert reopened.visit_summaries()[0].status is VisitStatus.COMPLETED == visit.status
        assert not (root / "index.rebuild").exists()


def test_a_folder_of_other_files_is_not_taken_over(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(StoreError) as refused:
        Store.open(tmp_path)
    assert refused.value.code == "foreign_dir"
    assert (tmp_path / "thesis.docx").read_bytes() == b"mine"
    assert not (tmp_path / "meta.json").exists()


@pytest.mark.parametrize(
    ("meta", "code"),
    [
        (b'{"app": "inspector", "schema_version": 99}', "newer_schema"),
        (b'{"app": "other"}', "foreign_dir"),
        (b"not json", "bad_meta"),
    ],
)
def test_a_data_dir_we_cannot_read_safely_is_refused(tmp_path: Path, meta: bytes, code: str, run_cli) -> None:
    (tmp_path / "meta.json").write_bytes(meta)
    with pytest.raises(StoreError) as refused:
        Store.open(tmp_path)
    assert refused.value.code == code
    assert (tmp_path / "meta.json").read_bytes() == meta
    result = run_cli("--data-dir", tmp_path, "visits", "list")
    assert result.code == 1 and "Traceback" not in result.err and str(tmp_path) in result.err


def test_migrations_run_in_order_and_each_only_once(tmp_path: Path) -> None:
    ran: list[int] = []
    steps = {1: lambda root: ran.append(1), 2: lambda root: ran.append(2), 3: lambda root: ran.append(3)}
    migrate(tmp_path, 2, 4, steps)
    assert ran == [2, 3]


def test_evidence_is_copied_under_its_hash_and_only_once(registered: Store, tmp_path: Path) -> None:
    photo = tmp_path / "现场 照片.jpg"
    photo.write_bytes(b"\xff\xd8photo-bytes")
    first = registered.add_evidence(photo)
    second = registered.add_evidence(photo)
    assert first == second
    assert first.sha256 == hashlib.sha256(b"\xff\xd8photo-bytes").hexdigest() and first.name == "现场 照片.jpg"
    assert registered.evidence_path(first.sha256).read_bytes() == b"\xff\xd8photo-bytes"
    assert list(registered.iter_evidence()) == [registered.evidence_path(first.sha256)]
    photo.unlink()
    assert registered.evidence_path(first.sha256).exists()


def test_a_photo_with_the_longest_legal_chinese_name_attaches(registered: Store, tmp_path: Path) -> None:
    name = "微信图片" * 19 + "现场1.jpg"  # 239 bytes in UTF-8, as WeChat names a photo; ext4 allows 255
    assert len(name.encode("utf-8")) == 239
    photo = tmp_path / name
    photo.write_bytes(b"\xff\xd8\xfflong-name")
    uuid = start(registered)
    visit = services.record_answer(
        registered, uuid, "ec-mech-01", result=Result.FAIL, note="未见方案", add_evidence=[photo]
    )
    (evidence,) = visit.answers["ec-mech-01"].evidence
    assert evidence.name == name  # the original name is kept beside the hash it is stored under
    assert registered.evidence_path(evidence.sha256).read_bytes() == b"\xff\xd8\xfflong-name"
    assert all(len(path.name.encode("utf-8")) < 128 for path in registered.root.rglob("*"))


def test_a_missing_evidence_file_is_a_clear_error(registered: Store, tmp_path: Path) -> None:
    uuid = start(registered)
    with pytest.raises(StoreError) as refused:
        services.record_answer(registered, uuid, "ec-mech-01", result=Result.FAIL, add_evidence=[tmp_path / "nope.jpg"])
    assert refused.value.code == "evidence_missing"
    assert "ec-mech-01" not in registered.load_visit(uuid).answers


def test_numbers_never_repeat_or_skip_and_stay_with_what_they_were_given_for(store: Store) -> None:
    assert [store.next_number("notice-2026", issued_for=f"v{n}", at=DEMO_TODAY) for n in (1, 2, 3)] == [1, 2, 3]
    assert store.next_number("notice-2026", issued_for="v2", at=DEMO_TODAY) == 2
    assert store.next_number("notice-2027", issued_for="v9", at=DEMO_TODAY) == 1
    root = store.root
    store.close()
    with Store.open(root) as reopened:
        assert reopened.next_number("notice-2026", issued_for="v4", at=DEMO_TODAY) == 4


def test_sealed_bytes_are_frozen(registered: Store) -> None:
    registered.save_sealed("abc", 1, b"{}")
    registered.save_sealed("abc", 1, b"{}")
    with pytest.raises(StoreError):
        registered.save_sealed("abc", 1, b'{"changed":1}')
    assert registered.sealed("abc", 1) == b"{}"


def test_a_read_only_store_refuses_writes(registered: Store) -> None:
    with Store.open(registered.root, readonly=True) as reader, pytest.raises(StoreError):
        reader.update_settings(language="en")

"""The rules behind the visit flow's safeguards: a finding not lost by a slip, notes the notice can
carry, evidence that is a photo or a scan and can be taken off, sites added on the spot, and the
visits already in progress at a site."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from inspector.core import visits as rules
from inspector.core.errors import DomainError
from inspector.core.evidence import evidence_format
from inspector.core.sites import Site
from inspector.core.vocabulary import Result, SiteKind
from inspector.paths import sample_register
from inspector.services import visits as services
from inspector.services.register import LOCAL_SITE_PREFIX, add_local_site, import_register
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY


@pytest.fixture
def registered(store: Store) -> Store:
    import_register(store, sample_register())
    return store


def start(store: Store, site_id: str = "LS-EC-001") -> str:
    return services.start_visit(store, site_id, lead="张建国", arrived_at=DEMO_TODAY).uuid


def test_a_pass_that_keeps_the_note_written_for_its_failure_is_flagged_at_review(registered: Store) -> None:
    uuid = start(registered)
    visit = services.record_answer(registered, uuid, "ec-mech-01", result=Result.FAIL, note="无应急预案")
    failed = visit.answers["ec-mech-01"]
    assert rules.drops_finding(failed, Result.PASS) and rules.drops_finding(failed, Result.NOT_APPLICABLE)
    assert not rules.drops_finding(failed, Result.FAIL) and rules.review_flags(visit) == []
    slipped = services.record_answer(registered, uuid, "ec-mech-01", result=Result.PASS)
    assert slipped.answers["ec-mech-01"].note == "无应急预案"
    assert rules.review_flags(slipped) == [rules.ReviewFlag("flag.pass_with_finding", "ec-mech-01")]
    rewritten = services.record_answer(registered, uuid, "ec-mech-01", note="复核：预案齐全，已张贴")
    assert rules.review_flags(rewritten) == []
    # a pass with a note of its own, never a finding, is not flagged
    own = services.record_answer(registered, uuid, "ec-mech-02", result=Result.PASS, note="台账完整")
    assert rules.review_flags(own) == [] and not rules.drops_finding(own.answers["ec-mech-02"], Result.PASS)


def test_a_finding_longer_than_the_notice_cell_carries_is_flagged_and_kept_whole(registered: Store) -> None:
    uuid = start(registered)
    long_note = "问" * (rules.NOTE_CELL_LIMIT + 1)
    visit = services.record_answer(registered, uuid, "ec-mech-01", result=Result.FAIL, note=long_note)
    assert rules.review_flags(visit) == [rules.ReviewFlag("flag.note_too_long", "ec-mech-01")]
    assert registered.load_visit(uuid).answers["ec-mech-01"].note == long_note
    fits = services.record_answer(registered, uuid, "ec-mech-01", note="问" * rules.NOTE_CELL_LIMIT)
    assert rules.review_flags(fits) == []


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "HEIC"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"%PDF-1.7\n", "PDF"),
        (b"II*\x00\x08\x00", "TIFF"),
        ("不是照片".encode(), None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_a_photo_or_a_scan_is_known_by_its_first_bytes(head: bytes, found: str | None) -> None:
    assert evidence_format(head) == found


def test_only_photos_and_scans_are_taken_as_evidence_and_a_wrong_one_can_be_taken_off(
    registered: Store, tmp_path: Path
) -> None:
    uuid = start(registered)
    text = tmp_path / "照片.jpg"
    text.write_text("不是照片", encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        services.record_answer(registered, uuid, "ec-mech-01", result=Result.FAIL, add_evidence=[text])
    assert refused.value.code == "evidence.not_photo_or_scan" and refused.value.params["name"] == "照片.jpg"
    assert list(registered.iter_evidence()) == [] and "ec-mech-01" not in registered.load_visit(uuid).answers
    photo, scan = tmp_path / "a.heic", tmp_path / "b.pdf"
    photo.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00")
    scan.write_bytes(b"%PDF-1.7\n")
    visit = services.record_answer(registered, uuid, "ec-mech-01", result=Result.FAIL, add_evidence=[photo, scan])
    wrong = visit.answers["ec-mech-01"].evidence[0]
    visit = services.record_answer(registered, uuid, "ec-mech-01", remove_evidence=[wrong.sha256])
    assert [e.name for e in registered.load_visit(uuid).answers["ec-mech-01"].evidence] == ["b.pdf"]
    # superseded, not erased: the earlier answer still names it and the store keeps the file
    assert wrong in visit.answer_log[0].evidence
    assert registered.evidence_path(wrong.sha256).exists()


def test_a_site_added_on_the_spot_gets_a_local_id_and_is_marked_as_added_here(store: Store) -> None:
    site = add_local_site(store, name=" 新华社区养老服务中心 ", kind=SiteKind.ELDERLY_CARE, township="新华街道")
    assert site.id.startswith(LOCAL_SITE_PREFIX) and site.added_on_laptop
    assert store.site(site.id) == site and site.name == "新华社区养老服务中心"
    assert Site.from_dict(site.to_dict()) == site
    # only such a site carries the mark, so every other visit's seal stays as it was
    assert "added_on_laptop" not in replace(site, added_on_laptop=False).to_dict()
    visit = services.start_visit(store, site.id, lead="张建国", arrived_at=DEMO_TODAY)
    assert visit.site.added_on_laptop and visit.site.id == site.id
    for name, township, code in (("", "新华街道", "name_required"), ("某单位", " ", "township_required")):
        with pytest.raises(DomainError) as refused:
            add_local_site(store, name=name, kind=SiteKind.ELDERLY_CARE, township=township)
        assert refused.value.code == f"local_site.{code}"


def test_the_visits_in_progress_at_a_site(registered: Store) -> None:
    assert services.visits_in_progress_at(registered, "LS-EC-001") == []
    first = start(registered)
    start(registered, "LS-EC-002")
    assert [s.uuid for s in services.visits_in_progress_at(registered, "LS-EC-001")] == [first]
    for item in registered.load_visit(first).checklist.items:
        services.record_answer(registered, first, item.id, result=Result.PASS)
    services.sign_off_visit(registered, first, by="张建国", at=DEMO_TODAY)
    assert services.visits_in_progress_at(registered, "LS-EC-001") == []

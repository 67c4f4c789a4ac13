"""The rules of a visit: answering, progress, what blocks sign-off, the seal, amendments, deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from inspector.core import visits as rules
from inspector.core.canonical import canonical_bytes, content_hash
from inspector.core.checklists import Checklist, Item
from inspector.core.clock import BUREAU_TZ
from inspector.core.errors import DomainError
from inspector.core.sites import Site
from inspector.core.visits import Answer, Visit, summarize
from inspector.core.vocabulary import Area, Method, Result, Severity, SiteKind, VisitStatus

ARRIVED = datetime(2026, 11, 28, 9, 5, tzinfo=BUREAU_TZ)
SITE = Site("LS-EC-900", SiteKind.ELDERLY_CARE, "鲁阳街道", "测试敬老院", features=frozenset({"canteen"}))


def item(item_id: str, area: Area, deadline: int = 7, **extra: object) -> Item:
    return Item(item_id, area, f"检查内容 {item_id}", Method.DOCUMENTS, Severity.MAJOR, deadline, "依据", **extra)


CHECKLIST = Checklist(
    id="test",
    version=1,
    title="测试检查表",
    site_kinds=(SiteKind.ELDERLY_CARE,),
    items=(
        item("a-1", Area.MECHANISM),
        item("b-1", Area.DISINFECTION, deadline=0),
        item("c-1", Area.DUTY, applies_when_features=frozenset({"medical_unit"})),
        item("d-1", Area.STOCKPILES, deadline=30),
        item("e-1", Area.EDUCATION),
    ),
)


def started() -> Visit:
    return rules.start_visit(
        uuid="11111111-2222-3333-4444-555555555555",
        site=SITE,
        checklist=CHECKLIST,
        lead="张建国",
        members=["李娜", " "],
        arrived_at=ARRIVED,
    )


def answer(item_id: str, result: Result, note: str = "", **extra: object) -> Answer:
    return Answer(item_id, result, by="李娜", at=ARRIVED.isoformat(), note=note, **extra)


def answered_all(visit: Visit, failing: dict[str, str] | None = None) -> Visit:
    failing = failing or {}
    for frozen in visit.checklist.items:
        note = failing.get(frozen.id, "")
        visit = rules.record_answer(visit, answer(frozen.id, Result.FAIL if note else Result.PASS, note))
    return visit


def signed(failing: dict[str, str] | None = None) -> Visit:
    visit = rules.complete(answered_all(started(), failing), ARRIVED + timedelta(hours=1))
    return rules.sign_off(visit, "张建国", ARRIVED + timedelta(hours=1, minutes=5))


def test_start_freezes_only_items_that_apply_and_stamps_arrival() -> None:
    visit = started()
    assert [i.id for i in visit.checklist.items] == ["a-1", "b-1", "d-1", "e-1"]
    assert visit.checklist.content_hash == CHECKLIST.content_hash
    assert visit.arrived_at == "2026-11-28T09:05:00+08:00"
    assert visit.members == ("李娜",)
    assert visit.unannounced is True
    assert visit.cursor == "a-1"


def test_a_checklist_for_another_kind_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        rules.start_visit(
            uuid="u",
            site=replace(SITE, kind=SiteKind.FUNERAL),
            checklist=CHECKLIST,
            lead="张",
            members=[],
            arrived_at=ARRIVED,
        )
    assert refused.value.code == "visit.checklist_not_for_site"


def test_a_newer_checklist_does_not_change_a_started_visit() -> None:
    visit = started()
    newer = replace(CHECKLIST, version=2, items=(replace(CHECKLIST.items[0], text="改过的内容"), *CHECKLIST.items[1:]))
    assert newer.content_hash != visit.checklist.content_hash
    assert visit.checklist.item("a-1").text == "检查内容 a-1"


def test_answering_again_supersedes_but_keeps_the_earlier_answer() -> None:
    visit = rules.record_answer(started(), answer("a-1", Result.FAIL, "无预案"))
    visit = rules.record_answer(visit, answer("a-1", Result.PASS))
    assert visit.answers["a-1"].result is Result.PASS
    assert [a.result for a in visit.answer_log] == [Result.FAIL, Result.PASS]


def test_progress_counts_answers_and_failures_per_area() -> None:
    visit = rules.record_answer(started(), answer("a-1", Result.FAIL, "x"))
    visit = rules.record_answer(visit, answer("b-1", Result.NOT_APPLICABLE))
    rows = {row.area: row for row in rules.progress(visit)}
    assert (rows[Area.MECHANISM].answered, rows[Area.MECHANISM].failed, rows[Area.MECHANISM].total) == (1, 1, 1)
    assert rows[Area.DUTY].total == 0 and rows[Area.DUTY].done
    assert not rows[Area.STOCKPILES].done


def test_unanswered_items_and_silent_failures_block_sign_off() -> None:
    visit = rules.record_answer(started(), answer("a-1", Result.FAIL))
    codes = [(b.code, b.item_id) for b in rules.sign_off_blockers(visit)]
    assert codes == [
        ("blocker.fail_without_note", "a-1"),
        ("blocker.unanswered", "b-1"),
        ("blocker.unanswered", "d-1"),
        ("blocker.unanswered", "e-1"),
        ("blocker.not_completed", ""),
    ]
    with pytest.raises(DomainError) as refused:
        rules.sign_off(visit, "张建国", ARRIVED)
    assert refused.value.code == "visit.blocked" and refused.value.params["count"] == 5


def test_not_checked_needs_a_reason_and_then_no_longer_blocks() -> None:
    with pytest.raises(DomainError) as refused:
        rules.record_answer(started(), answer("a-1", Result.NOT_CHECKED))
    assert refused.value.code == "answer.reason_required"
    visit = answered_all(started())
    visit = rules.record_answer(visit, answer("a-1", Result.NOT_CHECKED, "负责人不在，资料锁在柜中"))
    visit = rules.complete(visit, ARRIVED)
    assert rules.sign_off_blockers(visit) == []


def test_overrides_only_on_a_failed_item_and_within_range() -> None:
    with pytest.raises(DomainError) as refused:
        rules.record_answer(started(), answer("a-1", Result.PASS, severity_override=Severity.SERIOUS))
    assert refused.value.code == "answer.override_needs_fail"
    with pytest.raises(DomainError) as refused:
        rules.record_answer(started(), answer("a-1", Result.FAIL, "x", deadline_override_days=400))
    assert refused.value.code == "answer.bad_deadline"


def test_a_visit_is_in_progress_until_it_is_signed_off() -> None:
    draft = started()
    awaiting = rules.complete(answered_all(draft), ARRIVED)
    assert summarize(draft).in_progress and summarize(awaiting).in_progress
    assert not summarize(signed({"a-1": "应急预案未修订"})).in_progress


def test_only_the_lead_signs_off() -> None:
    visit = rules.complete(answered_all(started()), ARRIVED)
    with pytest.raises(DomainError) as refused:
        rules.sign_off(visit, "李娜", ARRIVED)
    assert refused.value.code == "visit.only_lead_signs"


def test_sign_off_seals_the_canonical_json_and_makes_the_visit_read_only() -> None:
    visit = signed({"a-1": "应急预案未修订"})
    payload = {key: value for key, value in visit.to_dict().items() if key not in ("seal", "cursor")}
    assert visit.seal == content_hash(payload)
    assert rules.verify_seal(visit)
    assert visit.version == 1 and visit.status is VisitStatus.SIGNED_OFF
    assert rules.sealed_bytes(visit) == canonical_bytes({**payload, "seal": visit.seal})
    with pytest.raises(DomainError) as refused:
        rules.record_answer(visit, answer("a-1", Result.PASS))
    assert refused.value.code == "visit.sealed"
    tampered = replace(visit, lead="别人")
    assert not rules.verify_seal(tampered)


def test_the_seal_is_the_same_whatever_the_notes_say() -> None:
    """The checklist's bytes are spliced into the visit's at its slot: notes that spell the slot, or
    a checklist member, change nothing but themselves."""
    slot = '"checklist":"\\u0000checklist\\u0000"'
    for note in ("\x00checklist\x00", slot, '{"checklist":"\x00checklist\x00"}'):
        visit = signed({"a-1": note})
        payload = {key: value for key, value in visit.to_dict().items() if key not in ("seal", "cursor")}
        assert visit.seal == content_hash(payload)
        assert rules.sealed_bytes(visit) == canonical_bytes({**payload, "seal": visit.seal})


@pytest.mark.parametrize("note", ["应急预案未修订", '\u2028行\u2029段\x7f\x1f\t"引号"\\', "\x00checklist\x00"])
def test_a_stored_visits_members_hold_its_seal_as_the_visit_does(note: str) -> None:
    """The quick check on the members as stored gives the visit's own verdict: true as signed
    (whichever encoder wrote the bytes that matched), false once a word was changed."""
    visit = signed({"a-1": note})
    members = {key: value for key, value in visit.to_dict().items() if key != "checklist"}
    assert rules.members_hold_seal(members, visit.checklist)
    changed = replace(visit, answer_log=(replace(visit.answer_log[0], note=note + "。"), *visit.answer_log[1:]))
    altered = {key: value for key, value in changed.to_dict().items() if key != "checklist"}
    assert not rules.verify_seal(changed) and not rules.members_hold_seal(altered, visit.checklist)
    assert not rules.members_hold_seal({**members, "seal": None}, visit.checklist)


def test_the_seal_survives_a_round_trip_through_a_dict() -> None:
    visit = signed({"b-1": "消毒记录缺失"})
    again = Visit.from_dict(visit.to_dict())
    assert again == visit
    assert rules.verify_seal(again)


def test_the_cursor_is_not_sealed() -> None:
    visit = signed()
    assert rules.compute_seal(replace(visit, cursor="e-1")) == visit.seal


def test_an_amendment_is_a_new_version_naming_the_seal_it_supersedes() -> None:
    visit = signed({"a-1": "应急预案未修订"})
    first_seal = visit.seal
    amended = rules.amend(
        visit,
        by="张建国",
        at=ARRIVED + timedelta(days=1),
        reason="误判，预案已于上月修订",
        answers=[answer("a-1", Result.PASS)],
    )
    assert amended.version == 2
    assert amended.amendments[0].supersedes_seal == first_seal
    assert amended.seal != first_seal and rules.verify_seal(amended)
    assert amended.answers["a-1"].amendment == 1
    assert [a.result for a in amended.answer_log if a.item_id == "a-1"] == [Result.FAIL, Result.PASS]
    assert rules.rectifications(amended) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [({"reason": " "}, "visit.reason_required"), ({"answers": []}, "amendment.empty")],
)
def test_an_amendment_needs_a_reason_and_a_change(change: dict, code: str) -> None:
    arguments = {"by": "张建国", "at": ARRIVED, "reason": "更正", "answers": [answer("a-1", Result.PASS)], **change}
    with pytest.raises(DomainError) as refused:
        rules.amend(signed(), **arguments)
    assert refused.value.code == code


def test_a_draft_cannot_be_amended() -> None:
    with pytest.raises(DomainError) as refused:
        rules.amend(started(), by="张建国", at=ARRIVED, reason="x", answers=[answer("a-1", Result.PASS)])
    assert refused.value.code == "visit.not_signed_off"


def test_one_rectification_per_failed_item_with_its_due_date() -> None:
    visit = signed({"a-1": "预案未修订", "b-1": "未消毒", "d-1": "物资不足"})
    found = {r.item_id: r for r in rules.rectifications(visit)}
    assert set(found) == {"a-1", "b-1", "d-1"}
    assert found["b-1"].due == date(2026, 11, 28) and found["b-1"].immediate
    assert found["a-1"].due == date(2026, 12, 5)
    assert found["d-1"].due == date(2026, 12, 28)
    assert found["a-1"].id == f"{visit.uuid}/a-1"
    assert found["a-1"].note == "预案未修订"


def test_due_dates_count_days_in_the_bureau_time_zone() -> None:
    # 23:30 UTC on 30 November is already 1 December in Shanghai
    assert rules.due_date("2026-11-30T23:30:00+00:00", 0) == date(2026, 12, 1)
    assert rules.due_date("2026-01-31T10:00:00+08:00", 30) == date(2026, 3, 2)
    assert rules.due_date("2028-02-28T10:00:00+08:00", 1) == date(2028, 2, 29)


def test_overrides_change_severity_and_deadline_of_the_rectification() -> None:
    visit = rules.record_answer(
        answered_all(started()),
        answer("e-1", Result.FAIL, "未培训", severity_override=Severity.SERIOUS, deadline_override_days=3),
    )
    visit = rules.sign_off(rules.complete(visit, ARRIVED), "张建国", ARRIVED)
    (only,) = rules.rectifications(visit)
    assert only.severity is Severity.SERIOUS and only.deadline_days == 3 and only.due == date(2026, 12, 1)


def test_next_unanswered_wraps_round() -> None:
    visit = rules.record_answer(started(), answer("b-1", Result.PASS))
    assert rules.next_unanswered(visit, after="d-1") == "e-1"
    assert rules.next_unanswered(visit, after="e-1") == "a-1"
    assert rules.next_unanswered(answered_all(visit)) is None


def test_changing_the_arrival_needs_a_reason() -> None:
    with pytest.raises(DomainError):
        rules.change_arrival(started(), ARRIVED - timedelta(minutes=20), "")
    visit = rules.change_arrival(started(), ARRIVED - timedelta(minutes=20), "进门时未及时开机")
    assert visit.arrived_at == "2026-11-28T08:45:00+08:00" and visit.arrival_change_reason == "进门时未及时开机"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        rules.complete(started(), datetime(2026, 11, 28, 10, 0))

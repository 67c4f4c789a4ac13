"""Every transition of a rectification, allowed or refused, and the message a refusal shows."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from inspector.core.errors import DomainError
from inspector.core.rectifications import RectificationState, advance, fold, initial_view, make_event
from inspector.core.vocabulary import Result
from inspector.i18n import catalogue, error_text, set_language

from .helpers import RECORD_ID, event, record

OPEN, FEEDBACK, RE_INSPECTED, CLOSED = (
    RectificationState.OPEN,
    RectificationState.FEEDBACK_RECEIVED,
    RectificationState.RE_INSPECTED,
    RectificationState.CLOSED,
)

# how to reach each state from a fresh record
SETUPS = {
    "open": [],
    "reopened": ["fail", "reopened"],
    "feedback_received": ["feedback"],
    "passed": ["feedback", "pass"],
    "failed": ["fail"],
    "closed": ["pass", "closed"],
}

# state x step -> the state it leads to, or the rule that refuses it
ALLOWED = {
    ("open", "issued"): OPEN,
    ("open", "feedback"): FEEDBACK,
    ("open", "pass"): RE_INSPECTED,
    ("open", "fail"): RE_INSPECTED,
    ("reopened", "issued"): OPEN,
    ("reopened", "feedback"): FEEDBACK,
    ("reopened", "pass"): RE_INSPECTED,
    ("reopened", "fail"): RE_INSPECTED,
    ("feedback_received", "feedback"): FEEDBACK,
    ("feedback_received", "pass"): RE_INSPECTED,
    ("feedback_received", "fail"): RE_INSPECTED,
    ("passed", "closed"): CLOSED,
    ("failed", "reopened"): OPEN,
}
REFUSED = {
    ("open", "reopened"): ("rectification.reopened_needs_reinspection", "只有复查不合格的问题才能重新限期整改"),
    ("open", "closed"): ("rectification.closed_needs_reinspection", "未经复查的问题不能销号"),
    ("reopened", "closed"): ("rectification.closed_needs_reinspection", "未经复查的问题不能销号"),
    ("reopened", "reopened"): ("rectification.reopened_needs_reinspection", "只有复查不合格"),
    ("feedback_received", "issued"): ("rectification.notice_not_open", "不能再下发整改通知"),
    ("feedback_received", "reopened"): ("rectification.reopened_needs_reinspection", "只有复查不合格"),
    ("feedback_received", "closed"): ("rectification.closed_needs_reinspection", "未经复查的问题不能销号"),
    ("passed", "issued"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("passed", "feedback"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("passed", "pass"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("passed", "fail"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("passed", "reopened"): ("rectification.reopen_after_pass", "复查合格的问题应予销号"),
    ("failed", "issued"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("failed", "feedback"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("failed", "pass"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("failed", "fail"): ("rectification.awaiting_decision", "须先销号或重新限期整改"),
    ("failed", "closed"): ("rectification.close_after_fail", "复查不合格的问题不能销号"),
    **{
        ("closed", step): ("rectification.closed", "该问题已销号，不能再记录")
        for step in ("issued", "feedback", "pass", "fail", "reopened", "closed")
    },
}


def reach(setup: str):
    view = initial_view(record())
    for step in SETUPS[setup]:
        view = advance(view, event(step))
    return view


def test_the_table_covers_every_state_and_step() -> None:
    steps = ("issued", "feedback", "pass", "fail", "reopened", "closed")
    assert set(ALLOWED) | set(REFUSED) == {(setup, step) for setup in SETUPS for step in steps}
    assert not set(ALLOWED) & set(REFUSED)


@pytest.mark.parametrize(("setup", "step"), sorted(ALLOWED))
def test_allowed_transition(setup: str, step: str) -> None:
    after = advance(reach(setup), event(step))
    assert after.state is ALLOWED[(setup, step)]
    assert after.history[-1].refused is None


@pytest.mark.parametrize(("setup", "step"), sorted(REFUSED))
def test_refused_transition_says_why(setup: str, step: str) -> None:
    before = reach(setup)
    with pytest.raises(DomainError) as refused:
        advance(before, event(step))
    code, words = REFUSED[(setup, step)]
    assert refused.value.code == code
    assert f"error.{code}" in catalogue()
    set_language("zh")
    assert words in error_text(refused.value)
    set_language("en")
    assert error_text(refused.value) != str(refused.value)


def test_what_each_step_records() -> None:
    view = fold(record(), [event("issued"), event("feedback"), event("fail"), event("reopened", due="2026-12-20")])
    assert view.notice_number == "鲁民督改〔2026〕1号"
    assert view.feedback is not None and view.feedback.responsible == "刘桂兰"
    assert view.feedback.date == date(2026, 11, 5)
    assert view.last_result is Result.FAIL and view.reinspections == ("re-visit",)
    assert view.due == date(2026, 12, 20) and view.state is OPEN
    closed = fold(record(), [event("pass", by="王强"), event("closed", by="张建国")])
    assert closed.closed_by == "张建国" and closed.closed_at is not None


@pytest.mark.parametrize(
    ("step", "payload", "code"),
    [
        ("issued", {"notice_number": " "}, "rectification.missing.notice_number"),
        ("feedback", {"measures": ""}, "rectification.missing.measures"),
        ("feedback", {"responsible": ""}, "rectification.missing.responsible"),
        ("feedback", {"date": "2026/11/05"}, "rectification.bad_date"),
        ("feedback", {"status": "maybe"}, "rectification.bad_event"),
        ("pass", {"result": "na"}, "rectification.bad_result"),
        ("reopened", {"due": ""}, "rectification.missing.due"),
        ("reopened", {"due": "2026-11-01"}, "rectification.due_in_past"),
    ],
)
def test_an_event_keeps_its_own_rules(step: str, payload: dict, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        event(step, **payload)
    assert refused.value.code == code
    assert f"error.{code}" in catalogue()


def test_someone_records_every_event() -> None:
    with pytest.raises(DomainError) as refused:
        event("feedback", by="  ")
    assert error_text(refused.value) == "请填写记录人"


def test_a_new_deadline_may_be_the_day_of_the_re_inspection_in_shanghai() -> None:
    # 23:30 UTC on 1 Dec is 07:30 on 2 Dec in Shanghai: the 1st is already past there
    late_evening_utc = datetime.fromisoformat("2026-12-01T23:30:00+00:00")
    assert event("reopened", due="2026-12-02", at=late_evening_utc).payload["due"] == "2026-12-02"
    with pytest.raises(DomainError, match="due_in_past"):
        event("reopened", due="2026-12-01", at=late_evening_utc)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="zone"):
        make_event(
            id="x",
            rectification_id=RECORD_ID,
            kind=event("closed").kind,
            at=datetime(2026, 11, 2, 9, 0),
            by="张建国",
        )


def test_an_event_for_another_rectification_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        advance(initial_view(record()), event("feedback", rectification_id="other/ec-x"))
    assert refused.value.code == "rectification.wrong_record"

"""Events from two laptops, merged in any order, fold to the same state; none is lost."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.core.rectifications import RectificationEvent, RectificationState, RectificationView, fold

from .helpers import PAYLOADS, START, event, record

SHANGHAI = timezone(timedelta(hours=8))


def snapshot(view: RectificationView) -> tuple:
    """What a view says, comparable across folds (a refusal compared by its rule)."""
    return (
        view.state,
        view.due,
        view.notice_number,
        view.feedback,
        view.last_result,
        view.reinspections,
        view.closed_at,
        tuple((step.event.id, step.refused.code if step.refused else None) for step in view.history),
    )


@st.composite
def laptop_events(draw: st.DrawFn) -> list[RectificationEvent]:
    """Any steps, at any minutes, stamped in either zone: most of them conflict with each other."""
    steps = draw(st.lists(st.sampled_from(sorted(PAYLOADS)), min_size=1, max_size=8))
    events = []
    for step in steps:
        minute = draw(st.integers(min_value=0, max_value=30))
        zone = draw(st.sampled_from([UTC, SHANGHAI]))
        events.append(
            event(
                step,
                at=(START + timedelta(minutes=minute)).astimezone(zone),
                event_id=str(uuid.UUID(int=draw(st.integers(min_value=0, max_value=2**128 - 1)))),
            )
        )
    return events


@settings(max_examples=60, deadline=None)
@given(laptop_a=laptop_events(), laptop_b=laptop_events(), data=st.data())
def test_any_arrival_order_gives_the_same_state(
    laptop_a: list[RectificationEvent], laptop_b: list[RectificationEvent], data: st.DataObject
) -> None:
    together = laptop_a + laptop_b
    shuffled = data.draw(st.permutations(together))
    with_repeats = shuffled + data.draw(st.lists(st.sampled_from(together), max_size=4))
    merged = fold(record(), with_repeats)
    assert snapshot(merged) == snapshot(fold(record(), together))
    assert {step.event.id for step in merged.history} == {event.id for event in together}


@settings(max_examples=60, deadline=None)
@given(laptop_a=laptop_events(), laptop_b=laptop_events(), data=st.data())
def test_steps_naming_what_they_saw_fold_the_same_in_any_order_even_in_a_forged_circle(
    laptop_a: list[RectificationEvent], laptop_b: list[RectificationEvent], data: st.DataObject
) -> None:
    together = {item.id: item for item in laptop_a + laptop_b}
    ids = sorted(together)
    linked = [
        replace(item, payload={**item.payload, "seen": data.draw(st.sampled_from(ids))})
        if data.draw(st.booleans())
        else item
        for item in together.values()
    ]
    merged = fold(record(), data.draw(st.permutations(linked)))
    assert snapshot(merged) == snapshot(fold(record(), linked))
    assert sorted(step.event.id for step in merged.history) == ids
    placed = [step.event.id for step in merged.history]
    for item in linked:  # a step comes after the one it saw, unless only a circle put it first
        seen = item.payload.get("seen")
        if seen and seen != item.id and placed.index(seen) > placed.index(item.id):
            assert _leads_into_a_circle(item, {each.id: each for each in linked})


def _leads_into_a_circle(start: RectificationEvent, by_id: dict[str, RectificationEvent]) -> bool:
    current, visited = start, set()
    while (seen := current.payload.get("seen")) in by_id and current.id not in visited:
        visited.add(current.id)
        current = by_id[seen]
        if current.id == start.id:
            return True
    return current.id in visited


def test_a_step_recorded_on_a_clock_hours_behind_still_follows_the_notice_it_saw() -> None:
    notice = event("issued", at=START + timedelta(hours=3), event_id="z-notice")
    answered = event("feedback", at=START, event_id="a-feedback")
    answered = replace(answered, payload={**answered.payload, "seen": notice.id})
    view = fold(record(), [answered, notice])
    assert [step.event.id for step in view.history] == ["z-notice", "a-feedback"]
    assert view.notice_number and view.state is RectificationState.FEEDBACK_RECEIVED


def test_same_moment_in_two_zones_is_ordered_by_id() -> None:
    moment = START + timedelta(hours=1)
    feedback = event("feedback", at=moment.astimezone(UTC), event_id="b-feedback")
    passed = event("pass", at=moment.astimezone(SHANGHAI), event_id="a-pass")
    view = fold(record(), [feedback, passed])
    assert [step.event.id for step in view.history] == ["a-pass", "b-feedback"]
    assert view.state is RectificationState.RE_INSPECTED
    assert view.history[1].refused is not None and view.history[1].refused.code == "rectification.awaiting_decision"


def test_a_closure_on_one_laptop_and_feedback_on_the_other_both_stay_in_the_history() -> None:
    closed_on_a = [event("pass", at=START + timedelta(hours=1)), event("closed", at=START + timedelta(hours=2))]
    feedback_on_b = [event("feedback", at=START + timedelta(hours=3))]
    view = fold(record(), feedback_on_b + closed_on_a)
    assert view.state is RectificationState.CLOSED
    assert [step.event.kind.value for step in view.history] == ["re_inspected", "closed", "feedback"]
    assert view.history[-1].refused is not None and view.history[-1].refused.code == "rectification.closed"


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_two_contents_under_one_id_resolve_the_same_in_any_order(data: st.DataObject) -> None:
    """Should an id ever arrive with two contents (a bug elsewhere, a hand-edited file), every
    laptop keeps the same one of them: the earlier, then the smaller in canonical bytes."""
    shared = "00000000-0000-4000-8000-00000000dup1"
    at = START + timedelta(hours=1)
    variants = [
        event("feedback", at=at, event_id=shared, measures="已整改"),
        event("feedback", at=at, event_id=shared, measures="正在整改"),
        event("feedback", at=at.astimezone(UTC), event_id=shared, measures="另一份"),
        event("pass", at=at + timedelta(minutes=1), event_id=shared),
    ]
    others = [event("issued", at=START), event("fail", at=at + timedelta(hours=1))]
    arrived = data.draw(st.permutations(variants + others))
    reference = fold(record(), variants + others)
    assert snapshot(fold(record(), arrived)) == snapshot(reference)
    assert [step.event.id for step in reference.history].count(shared) == 1
    kept = next(step.event for step in reference.history if step.event.id == shared)
    assert kept in variants[:3]  # the earliest moment wins; the later 'pass' under the same id is dropped

"""How a rectification reads, in the chosen language: one line, its feedback, its whole history.

The command line and the app show the same words from here.
"""

from __future__ import annotations

from datetime import date

from inspector.core.rectifications import RectificationEvent, RectificationView
from inspector.core.vocabulary import Result
from inspector.i18n import error_text, label, t


def short_id(view: RectificationView) -> str:
    return f"{view.record.visit_uuid[:8]}/{view.record.item_id}"


def found_by(view: RectificationView) -> str:
    """Which team found it: this laptop's own team, or the account another team's visit came from."""
    return view.record.found_by or t("rect.found_by_us")


def summary_line(view: RectificationView, today: date) -> str:
    record = view.record
    parts = [
        short_id(view),
        view.due.isoformat(),
        label(view.state),
        t("rect.overdue", days=view.days_overdue(today)) if view.overdue_on(today) else "",
        f"{record.township} {record.site_name}",
        f"[{label(record.severity)}] {label(record.area)}",
        record.item_text,
        t("rect.found_by_other", team=record.found_by) if record.found_by else "",
    ]
    return "  ".join(part for part in parts if part)


def describe(view: RectificationView, today: date) -> list[str]:
    """A rectification with the whole story: the finding, the feedback, every event."""
    record = view.record
    state = label(view.state)
    if view.overdue_on(today):
        state += "  " + t("rect.overdue", days=view.days_overdue(today))
    lines = [
        t("rect.id", id=view.id),
        t("rect.site", township=record.township, site=record.site_name),
        *([t("rect.found_by", team=record.found_by)] if record.found_by else []),
        t("rect.item", area=label(record.area), item_id=record.item_id, text=record.item_text),
        f"[{label(record.severity)}]  {t('rect.due', due=view.due.isoformat())}",
        t("rect.state", state=state),
        *finding_lines(view),
    ]
    if view.notice_number:
        lines.append(t("rect.notice", number=view.notice_number))
    lines.append(feedback_line(view))
    lines.append(t("rect.history"))
    lines.extend(f"  {line}" for line in history_lines(view))
    return lines


def finding_lines(view: RectificationView) -> list[str]:
    """What the team found at the first visit: the note, and the evidence when there is some."""
    record = view.record
    lines = [t("rect.finding", note=record.note)]
    if record.evidence:
        lines.append(t("rect.evidence", names="、".join(item.name for item in record.evidence)))
    return lines


def story_lines(view: RectificationView) -> list[str]:
    """What a re-inspection shows beside each item: the first finding and its evidence, the unit's
    feedback, and every step since."""
    return [*finding_lines(view), feedback_line(view), *(f"  {line}" for line in history_lines(view))]


def feedback_line(view: RectificationView) -> str:
    feedback = view.feedback
    if feedback is None:
        return t("rect.no_feedback")
    return t(
        "rect.feedback",
        date=feedback.date.isoformat(),
        status=label(feedback.status),
        measures=feedback.measures,
        responsible=feedback.responsible,
    )


def _minute(moment: str) -> str:
    return moment[:16].replace("T", " ")


def signature(event: RectificationEvent) -> str:
    """Who recorded a step: the account the server signed it with, the name typed on the laptop beside it."""
    if event.signed_by and event.signed_by != event.by:
        return t("rect.signed_by", account=event.signed_by, typed=event.by)
    return event.author


def history_lines(view: RectificationView) -> list[str]:
    """One line per event, oldest first; a conflicting event is shown with why it did not count."""
    lines = []
    for step in view.history:
        event = step.event
        payload = dict(event.payload)
        if "result" in payload:
            payload["result"] = label(Result(payload["result"]))
        what = t(f"rect.event.{event.kind.value}", **payload)
        parts = [_minute(event.at), signature(event), label(event.kind), what, event.reason]
        if event.received_at:  # the server's clock beside the recording laptop's
            parts.insert(1, t("rect.received_at", at=_minute(event.received_at)))
        if event.evidence:
            parts.append(t("rect.evidence", names="、".join(item.name for item in event.evidence)))
        if step.refused is not None:
            parts.append(t("rect.refused", reason=error_text(step.refused)))
        lines.append("  ".join(part for part in parts if part))
    return lines

"""The selected item in full: what to check, how, on what basis, how serious, and its answer."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from inspector.core.checklists import Item
from inspector.core.clock import from_iso
from inspector.core.visits import Answer, Evidence, effective_deadline_days, effective_severity
from inspector.core.vocabulary import Result
from inspector.i18n import label, t

RESULT_STYLES = {
    Result.PASS: "bold $text-success",
    Result.FAIL: "bold $text-error",
    Result.NOT_APPLICABLE: "bold $text-muted",
    Result.NOT_CHECKED: "bold $text-warning",
}


def deadline_text(days: int) -> str:
    return t("deadline.immediate") if days == 0 else t("deadline.days", days=days)


def evidence_text(evidence: tuple[Evidence, ...], *, addable: bool = True) -> str:
    """The evidence files of an answer; ``addable`` adds how to attach one (in the runner)."""
    names = "、".join(f"{e.name} ({_size(e.size)})" for e in evidence) or t("tui.review.none")
    return t("tui.detail.evidence", names=names) + (t("tui.detail.evidence_add") if addable else "")


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} B"


class ItemDetail(Static):
    def show(self, number: int, item: Item, answer: Answer | None, *, sealed: bool) -> None:
        severity = effective_severity(item, answer) if answer else item.severity
        days = effective_deadline_days(item, answer) if answer else item.deadline_days
        overridden = answer is not None and (
            answer.severity_override is not None or answer.deadline_override_days is not None
        )
        lines: list[Content] = [
            Content.styled(t("tui.detail.heading", number=number, area=label(item.area)), "bold $text-accent"),
            Content(item.text),
            Content(
                t(
                    "tui.detail.meta",
                    method=label(item.method),
                    severity=label(severity),
                    deadline=deadline_text(days),
                )
                + (t("tui.detail.overridden") if overridden else "")
            ),
            Content.styled(t("tui.detail.basis", basis=item.basis), "$text-muted"),
            self._answer_line(answer),
        ]
        if not sealed:
            lines.append(Content.styled(t("tui.detail.keys_hint"), "$text-muted"))
        self.update(Content("\n").join(lines))

    def _answer_line(self, answer: Answer | None) -> Content:
        if answer is None:
            return Content.assemble(
                (t("tui.detail.result_label"), "bold"), (t("tui.detail.unanswered"), "bold $text-warning")
            )
        when = from_iso(answer.at).strftime("%H:%M")
        return Content.assemble(
            (t("tui.detail.result_label"), "bold"),
            (label(answer.result), RESULT_STYLES[answer.result]),
            t("tui.detail.answered_by", by=answer.by, time=when),
        )

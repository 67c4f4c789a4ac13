"""What a sync run says, in the user's words: shared by ``inspector sync`` and the app's sync screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from inspector.i18n import catalogue, t

if TYPE_CHECKING:
    from inspector.services.sync import SyncReport


def sync_error_text(error: Exception) -> str:
    """The message for a SyncError; an authentication refusal names its reason."""
    code = getattr(error, "code", "")
    params: dict[str, Any] = dict(getattr(error, "params", {}))
    if code == "auth_refused":
        return t(f"sync.auth.{params.get('reason', 'token_unknown')}")
    key = f"sync.error.{code}"
    return t(key, **params) if key in catalogue() else t("sync.error.other", code=code)


def refusal_text(code: str, detail: Any = None) -> str:
    """Why an item was refused; a reason that names what (a file, a field) takes it from ``detail``."""
    key = f"sync.reason.{code}"
    if key not in catalogue():
        return t("sync.reason.other", code=code)
    try:
        return t(key, **detail) if isinstance(detail, dict) and detail else t(key)
    except (KeyError, IndexError, ValueError):  # a server's detail the words do not use
        return t(key)


@dataclass(frozen=True)
class ReportLine:
    text: str
    problem: bool = False


def clock_warning(offset_seconds: float) -> str:
    """This laptop's clock is off: by how much, which way, and what to do."""
    minutes = round(abs(offset_seconds) / 60)
    key = "sync.report.clock_behind" if offset_seconds > 0 else "sync.report.clock_ahead"
    return t(key, hours=minutes // 60, minutes=minutes % 60)


def report_lines(report: SyncReport) -> list[ReportLine]:
    """What was sent and received, then each refused item with the server's reason."""
    lines = [ReportLine(t("sync.report.server_restored"))] if report.server_restored else []
    if report.clock_off and report.clock_offset_seconds is not None:
        lines.append(ReportLine(clock_warning(report.clock_offset_seconds), problem=True))
    lines += [
        ReportLine(
            t(
                "sync.report.pushed",
                visits=report.visits_sent,
                already=report.visits_already,
                photos=report.photos_sent,
                events=report.events_sent,
            )
        ),
        ReportLine(
            t(
                "sync.report.pulled",
                checklists=report.checklists_added,
                added=report.sites_added,
                changed=report.sites_changed,
                events=report.events_received,
            )
        ),
    ]
    if report.profile_received:
        lines.append(ReportLine(t("sync.report.profile_received")))
    if report.assignments_held:
        lines.append(ReportLine(t("rounds.sync.assignments", count=report.assignments_held)))
    if report.records_received:
        lines.append(ReportLine(t("sync.report.records", count=report.records_received)))
    if report.number_blocks_granted:
        lines.append(ReportLine(t("sync.report.number_blocks", count=report.number_blocks_granted)))
    lines += [
        ReportLine(t("sync.report.numbers_low", series=series.replace(":", " ")), problem=True)
        for series in report.numbers_low
    ]
    lines += [
        ReportLine(
            t("sync.report.set_aside_item", seq=item.seq, kind=item.kind, key=item.key, reason=item.reason), True
        )
        for item in report.set_aside
    ]
    if report.set_aside:
        lines.append(ReportLine(t("sync.report.set_aside", count=len(report.set_aside)), problem=True))
    if report.held_for_role:
        lines.append(ReportLine(t("sync.report.held_for_role", count=report.held_for_role)))
    lines += [
        ReportLine(
            t("sync.report.refused_item", key=item.key, reason=refusal_text(item.code, item.detail)), problem=True
        )
        for item in report.refused
    ]
    if report.refused:
        lines.append(ReportLine(t("sync.report.refused", count=len(report.refused)), problem=True))
    return lines

"""Review and sign-off: the areas' summary, the failed items, what blocks sign-off, the seal.

Once signed off the visit is sealed and read-only here; a later correction is an amendment
with a reason, which makes a new sealed version.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from inspector.core import visits as rules
from inspector.core.clock import from_iso
from inspector.core.errors import DomainError
from inspector.core.visits import Answer, Visit, effective_deadline_days, effective_severity
from inspector.core.vocabulary import Result
from inspector.i18n import label, t
from inspector.services.documents import WrittenDocument, issue_notice
from inspector.services.visits import amend_visit, record_answer, sign_off_visit
from inspector.store.errors import StoreError
from inspector.tui.screens.amend_dialog import AmendDialog, AmendRequest
from inspector.tui.screens.base import InspectorScreen, problem_text
from inspector.tui.screens.reason_dialog import ReasonDialog
from inspector.tui.screens.sign_off_dialog import SignOffDialog
from inspector.tui.session import Session
from inspector.tui.widgets.item_detail import deadline_text, evidence_text
from inspector.tui.widgets.key_bar import KeyBar

# Signing off a draft records the departure first (the service does it), so this never blocks here.
_HANDLED_BY_SIGN_OFF = "blocker.not_completed"
_TIME = "%Y-%m-%d %H:%M"


def _time(iso: str | None) -> str:
    return from_iso(iso).strftime(_TIME) if iso else t("tui.review.none")


class ReviewScreen(InspectorScreen[str]):
    """Dismissed with the id of a blocking item to go to in the runner, or None."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "sign_off", "tui.key.sign_off"),
        Binding("f4", "mark_unanswered", "tui.key.mark_unanswered"),
        Binding("f7", "amend", "tui.key.amend"),
        Binding("f8", "notice", "tui.key.notice"),
        Binding("escape", "back", "tui.key.back"),
    ]

    def __init__(self, session: Session, uuid: str) -> None:
        super().__init__(session)
        self.uuid = uuid
        self.visit: Visit = self.store.load_visit(uuid)

    def compose(self) -> ComposeResult:
        yield Static(id="review-title", classes="screen-title", markup=False)  # the site's name as written
        with VerticalScroll(id="review-body"):
            yield Static(id="review-facts")
            yield Static(id="seal")
            yield DataTable(cursor_type="none", zebra_stripes=True, id="area-summary")
            yield Static(id="blockers-title", classes="section-title")
            yield OptionList(id="blockers", markup=False)
            yield Static(id="failed-title", classes="section-title")
            yield Static(id="failed-items")
            yield Static(id="amendments")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_visit()
        # what is listed can be gone to at once: Enter and the arrows work on arrival
        blockers = self.query_one("#blockers", OptionList)
        if blockers.display:
            blockers.highlighted = 0
            blockers.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sealed = self.visit.is_sealed
        # an action that does not apply to the visit as it stands is hidden, so the footer stays short
        if action in {"sign_off", "mark_unanswered"}:
            return not sealed
        if action == "amend":
            return sealed
        if action == "notice":
            return sealed and bool(rules.failed_items(self.visit))
        return True

    def _blockers(self) -> list[rules.Blocker]:
        return [b for b in rules.sign_off_blockers(self.visit) if b.code != _HANDLED_BY_SIGN_OFF]

    # -- what is shown ---------------------------------------------------------------------------

    def show_visit(self) -> None:
        visit = self.visit
        self.query_one("#review-title", Static).update(
            t(
                "tui.review.title_reinspection" if visit.reinspects else "tui.review.title",
                site=visit.site.name,
                status=label(visit.status),
                version=visit.version,
            )
        )
        self.query_one("#review-facts", Static).update(
            t(
                "tui.review.facts",
                township=visit.site.township,
                kind=label(visit.site.kind),
                arrived=_time(visit.arrived_at),
                departed=_time(visit.departed_at),
                lead=visit.lead,
                members="、".join(visit.members) or t("tui.review.none"),
                unannounced=t("tui.yes") if visit.unannounced else t("tui.no"),
            )
            + (
                t("tui.review.arrival_changed", reason=visit.arrival_change_reason)
                if visit.arrival_change_reason
                else ""
            )
        )
        self._show_seal()
        self._show_summary()
        self._show_blockers()
        self._show_failed()
        self._show_amendments()
        self.refresh_bindings()

    def _show_seal(self) -> None:
        seal = self.query_one("#seal", Static)
        seal.display = self.visit.is_sealed
        if self.visit.is_sealed:
            seal.update(
                Content.styled(
                    t(
                        "tui.review.sealed",
                        at=_time(self.visit.signed_off_at),
                        by=self.visit.signed_off_by or "",
                        seal=self.visit.seal or "",
                    ),
                    "bold $text-success",
                )
            )

    def _show_summary(self) -> None:
        table = self.query_one("#area-summary", DataTable)
        table.clear(columns=True)
        table.add_columns(
            t("tui.col.area"),
            t("tui.col.total"),
            t("tui.col.answered"),
            *(label(result) for result in Result),
        )
        answers = self.visit.answers
        for row in rules.progress(self.visit):
            if not row.total:
                continue
            counts = rules.count_results(
                {
                    item.id: answers[item.id]
                    for item in self.visit.checklist.items
                    if item.area is row.area and item.id in answers
                }
            )
            table.add_row(
                label(row.area), str(row.total), str(row.answered), *(str(counts[result]) for result in Result)
            )

    def _show_blockers(self) -> None:
        """What blocks sign-off and what to look at before it (a pass that keeps a finding's note …)."""
        blockers = self._blockers()
        flags = rules.review_flags(self.visit)
        title = self.query_one("#blockers-title", Static)
        options = self.query_one("#blockers", OptionList)
        options.display = bool(blockers or flags) and not self.visit.is_sealed
        if self.visit.is_sealed:
            title.display = False
            return
        title.display = True
        title.update(
            (t("tui.review.blockers", count=len(blockers)) if blockers else t("tui.review.ready", key="F9"))
            + (t("tui.review.flags", count=len(flags)) if flags else "")
        )
        numbers = {item.id: n for n, item in enumerate(self.visit.checklist.items, start=1)}

        def line(code: str, item_id: str, style: str = "") -> Option:
            text = t(
                "tui.review.blocker",
                number=numbers.get(item_id, ""),
                why=t(f"tui.{code}"),
                text=self.visit.checklist.item(item_id).text if item_id else "",
            )
            return Option(Content.styled(text, style) if style else text, item_id or None)

        # the few flags first: under a long list of unanswered items they would go unseen
        options.set_options(
            [line(flag.code, flag.item_id, "$text-warning") for flag in flags]
            + [line(blocker.code, blocker.item_id) for blocker in blockers]
        )

    def _show_failed(self) -> None:
        failed = rules.failed_items(self.visit)
        self.query_one("#failed-title", Static).update(t("tui.review.failed", count=len(failed)))
        numbers = {item.id: n for n, item in enumerate(self.visit.checklist.items, start=1)}
        blocks = []
        for item, answer in failed:
            blocks.append(
                Content.assemble(
                    (f"{numbers[item.id]} {label(item.area)}  ", "bold $text-error"),
                    item.text,
                    "\n",
                    (t("tui.review.finding", note=answer.note or t("tui.review.none")), "bold"),
                    "\n",
                    t(
                        "tui.review.failed_meta",
                        severity=label(effective_severity(item, answer)),
                        deadline=deadline_text(effective_deadline_days(item, answer)),
                    ),
                    "  ",
                    evidence_text(answer.evidence, addable=False),
                )
            )
        self.query_one("#failed-items", Static).update(
            Content("\n\n").join(blocks) if blocks else Content(t("tui.review.no_failed"))
        )

    def _show_amendments(self) -> None:
        lines = [
            t(
                "tui.review.amendment",
                number=amendment.number,
                at=_time(amendment.at),
                by=amendment.by,
                reason=amendment.reason,
            )
            for amendment in self.visit.amendments
        ]
        widget = self.query_one("#amendments", Static)
        widget.display = bool(lines)
        widget.update("\n".join(lines))

    # -- actions ---------------------------------------------------------------------------------

    def _reload(self, visit: Visit) -> None:
        self.visit = visit
        self.show_visit()

    def _reload_from_disk(self) -> None:
        try:
            self._reload(self.store.load_visit(self.uuid))
        except (StoreError, OSError) as error:
            self.show_problem(error)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(event.option.id)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_sign_off(self) -> None:
        blockers = self._blockers()
        if blockers:
            self.notify(t("tui.review.cannot_sign", count=len(blockers)), severity="warning")
            self.query_one("#blockers").focus()
            return

        def signed(name: str | None) -> None:
            if not name:
                return
            try:
                visit = sign_off_visit(self.store, self.uuid, by=name, at=self.session.clock())
            except (DomainError, StoreError) as error:
                self.show_problem(error)
                return
            except OSError as error:
                # the visit file is the commit point: it may be sealed though its frozen copy was not
                # written (the next start writes and queues it); show the visit as it is on disk
                self._reload_from_disk()
                if self.visit.is_sealed:
                    self.notify(t("tui.review.sealed_copy_later", problem=problem_text(error)), timeout=20)
                else:
                    self.show_problem(error)
                return
            self._reload(visit)
            self.notify(t("tui.review.signed", seal=(visit.seal or "")[:12]))

        self.app.push_screen(SignOffDialog(self.session, self.visit.lead), signed)

    def action_mark_unanswered(self) -> None:
        """Mark every unanswered item 'not checked' with one reason (the site was closed, say)."""
        unanswered = [b.item_id for b in self._blockers() if b.code == "blocker.unanswered"]
        if not unanswered:
            self.notify(t("tui.review.nothing_unanswered"))
            return

        def marked(reason: str | None) -> None:
            if not reason:
                return

            def job() -> Visit:
                visit = self.visit
                for item_id in unanswered:
                    visit = record_answer(
                        self.store,
                        self.uuid,
                        item_id,
                        result=Result.NOT_CHECKED,
                        note=reason,
                        at=self.session.clock(),
                    )
                return visit

            self.run_busy(t("tui.review.marking", count=len(unanswered)), job, self._reload)

        self.app.push_screen(
            ReasonDialog(
                self.session,
                t("tui.not_checked.title"),
                t("tui.review.mark_prompt", count=len(unanswered)),
            ),
            marked,
        )

    def action_notice(self) -> None:
        """Write the 整改通知书 (with its feedback form) into the exports folder, off the UI thread."""
        self.run_busy(
            t("tui.review.writing_notice"),
            lambda: issue_notice(self.store, self.uuid),
            self._notice_written,
        )

    def _notice_written(self, written: WrittenDocument) -> None:
        self.notify(t("tui.review.notice_written", number=written.number, path=written.path), timeout=15)
        if written.numbers_low:  # the bureau's blocks of numbers come with the next sync
            self.notify(t("document.numbers_low", left=written.numbers_left), severity="warning", timeout=15)

    def action_amend(self) -> None:
        def amended(request: AmendRequest | None) -> None:
            if request is None:
                return
            current = self.visit.answers.get(request.item_id)
            answer = Answer(
                item_id=request.item_id,
                result=request.result,
                by=request.by,
                at=self.session.clock().isoformat(),
                note=request.note,
                evidence=current.evidence if current else (),
            )
            try:
                visit = amend_visit(
                    self.store,
                    self.uuid,
                    by=request.by,
                    reason=request.reason,
                    answers=[answer],
                    at=self.session.clock(),
                )
            except (DomainError, StoreError, OSError) as error:
                self.show_problem(error)
                self._reload_from_disk()
                return
            self._reload(visit)
            self.notify(t("tui.review.amended", version=visit.version))

        self.app.push_screen(AmendDialog(self.session, self.visit), amended)

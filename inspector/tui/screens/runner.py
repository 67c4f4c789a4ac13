"""The checklist runner: walk the items, answer each with one key, note and evidence, saved at once.

Every change goes to ``record_answer`` and is on disk when it returns; only then does the screen
say 已保存. Moving to another item is remembered too (``move_cursor``), so after a crash or a
power cut the runner reopens on the same item.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import OptionList, Static, TextArea

from inspector.core import visits as rules
from inspector.core.errors import DomainError
from inspector.core.visits import Answer, Visit
from inspector.core.vocabulary import Area, Result
from inspector.i18n import label, t
from inspector.services.visits import UNCHANGED, move_cursor, record_answer
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorScreen, problem_text
from inspector.tui.screens.choice_dialog import Choice, ChoiceDialog
from inspector.tui.screens.evidence_dialog import EvidenceChange, EvidenceDialog
from inspector.tui.screens.override_dialog import Override, OverrideDialog
from inspector.tui.screens.reason_dialog import ReasonDialog
from inspector.tui.screens.review import ReviewScreen
from inspector.tui.session import Session
from inspector.tui.widgets.area_bar import AreaBar
from inspector.tui.widgets.item_detail import ItemDetail, evidence_text
from inspector.tui.widgets.item_list import MARKS, ItemList
from inspector.tui.widgets.key_bar import KeyBar
from inspector.tui.widgets.save_status import SaveStatus

NOTE_SAVE_DELAY = 1.0
"""Seconds after the last keystroke in a note before it is saved (leaving the note saves at once)."""
EVIDENCE_DIR_SETTING = "tui_evidence_dir"
_CHANGING_ACTIONS = frozenset({"answer", "not_checked", "edit_note", "evidence", "override", "next_unanswered"})


def _preview(note: str, length: int = 60) -> str:
    """The start of a note, to recognise it by in a dialog (a pasted page would not fit)."""
    note = " ".join(note.split())
    return note if len(note) <= length else note[:length] + "..."


class RunnerScreen(InspectorScreen[None]):
    CSS_PATH = "runner.tcss"
    # Digits answer: with a Chinese input method active, letters go to the IME but digits and
    # function keys reach the program (the full-width digits come from the IME's full-width mode).
    # The answer keys are not in the footer: the detail pane beside the list says them for every
    # item, and the footer has room at 80 columns, in English too, only for the function keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1,１", "answer('pass')", "tui.key.pass", show=False),
        Binding("2,２", "answer('fail')", "tui.key.fail", show=False),
        Binding("3,３", "answer('na')", "tui.key.na", show=False),
        Binding("4,４", "not_checked", "tui.key.not_checked", show=False),
        Binding("f2", "edit_note", "tui.key.note"),
        Binding("f3", "evidence", "tui.key.evidence"),
        Binding("f4", "override", "tui.key.override"),
        Binding("f5", "next_unanswered", "tui.key.next_unanswered"),
        Binding("f6", "toggle_failed", "tui.key.only_failed"),
        Binding("left,[", "area(-1)", "tui.key.prev_area", show=False),
        Binding("right,]", "area(1)", "tui.key.next_area", show=False),
        Binding("f9", "review", "tui.key.review"),
        # not in the footer, which in English would run past 80 columns: the help and the note's hint say it
        Binding("escape", "leave", "tui.key.back", show=False),
    ]

    def __init__(self, session: Session, uuid: str) -> None:
        super().__init__(session)
        self.uuid = uuid
        self.visit: Visit = self.store.load_visit(uuid)
        self._stories = self._reinspection_stories()
        self.only_failed = False
        self._note_item: str | None = None
        self._note_timer: Timer | None = None
        self._note_unsaved = False
        """A note whose saving failed is on screen: kept there (not reloaded) until it saves."""
        self._long_note_warned: set[str] = set()

    def _reinspection_stories(self) -> dict[str, list[str]]:
        """For a re-inspection, what each item shows beside it: the first finding, evidence, feedback, history."""
        if not self.visit.reinspects:
            return {}
        from inspector.services.rectification_text import story_lines
        from inspector.services.rectifications import reinspection_items

        return {entry.item.id: story_lines(entry.view) for entry in reinspection_items(self.store, self.uuid)}

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="runner-top"):
            yield Static(id="runner-title", markup=False)  # the site's name as written
            yield SaveStatus(id="save-status")
        yield AreaBar(id="areas")
        with Horizontal(id="runner-body"):
            yield ItemList(id="items")
            with VerticalScroll(id="detail-pane"):
                yield ItemDetail(id="detail")
                yield Static(id="reinspection-story")
                yield Static(t("tui.runner.note_label"), id="note-label")
                yield TextArea(id="note", soft_wrap=True, compact=True, placeholder=t("tui.runner.note_placeholder"))
                yield Static(id="evidence")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#reinspection-story").display = bool(self._stories)
        if self.visit.is_sealed:
            self.query_one("#note", TextArea).read_only = True
            self.query_one(SaveStatus).read_only()
        self.query_one(ItemList).show_visit(self.visit, only_failed=False, keep=self.visit.cursor)
        self.query_one(ItemList).focus()
        self._show_title()
        self._changing_keys = frozenset(
            key for key, binding in self._bindings if parse_action(binding.action)[1] in _CHANGING_ACTIONS
        )

    def help_notes(self) -> list[str]:
        legend = "  ".join(f"{MARKS[result][0]} {label(result)}" for result in Result)
        return [t("tui.runner.legend", legend=legend), t("tui.runner.help_saving")]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A sealed visit is read-only: the actions that would change it are hidden."""
        return not (self.visit.is_sealed and action in _CHANGING_ACTIONS)

    def on_key(self, event: events.Key) -> None:
        """On a sealed visit the keys that would change it are refused aloud, not silently."""
        if self.visit.is_sealed and event.key in self._changing_keys:
            event.stop()
            self.notify(t("tui.runner.sealed_refused"), severity="warning")

    # -- what is shown ---------------------------------------------------------------------------

    @property
    def item_id(self) -> str | None:
        return self.query_one(ItemList).current_item_id

    def _number(self, item_id: str) -> int:
        return next(n for n, item in enumerate(self.visit.checklist.items, start=1) if item.id == item_id)

    def _show_title(self) -> None:
        total = len(self.visit.checklist.items)
        answered = len(self.visit.answers)
        failed = len(rules.failed_items(self.visit))
        self.query_one("#runner-title", Static).update(
            t(
                "tui.runner.title_reinspection" if self.visit.reinspects else "tui.runner.title",
                site=self.visit.site.name,
                status=label(self.visit.status),
                answered=answered,
                total=total,
                failed=failed,
            )
        )

    def _show_item(self, item_id: str) -> None:
        item = self.visit.checklist.item(item_id)
        answer = self.visit.answers.get(item_id)
        self.query_one(ItemDetail).show(self._number(item_id), item, answer, sealed=self.visit.is_sealed)
        if self._stories:
            self.query_one("#reinspection-story", Static).update(Content("\n".join(self._stories[item_id])))
        self.query_one("#evidence", Static).update(evidence_text(answer.evidence if answer else ()))
        self.query_one(AreaBar).show(rules.progress(self.visit), item.area)
        note = self.query_one("#note", TextArea)
        if self._note_item == item_id and self._note_unsaved:
            return
        self._note_unsaved = False
        self._note_item = item_id
        if note.text != (answer.note if answer else ""):
            with note.prevent(TextArea.Changed):
                note.load_text(answer.note if answer else "")

    def _after_save(self, visit: Visit, item_id: str) -> None:
        self.visit = visit
        self._note_unsaved = False
        self.query_one(ItemList).refresh_item(visit, item_id)
        self._show_title()
        if self.item_id == item_id:
            self._show_item(item_id)
        else:
            self.query_one(AreaBar).show(rules.progress(visit), self._current_area())
        self.query_one(SaveStatus).saved(self.session.clock())
        self._warn_long_note(item_id)

    def _warn_long_note(self, item_id: str) -> None:
        """Once per item: a finding longer than the notice's cell carries well is kept, but said."""
        answer = self.visit.answers.get(item_id)
        if answer is None or len(answer.note.strip()) <= rules.NOTE_CELL_LIMIT:
            self._long_note_warned.discard(item_id)
            return
        if item_id not in self._long_note_warned:
            self._long_note_warned.add(item_id)
            self.notify(
                t("tui.runner.note_too_long", count=len(answer.note.strip()), limit=rules.NOTE_CELL_LIMIT),
                severity="warning",
                timeout=10,
            )

    def _current_area(self) -> Area | None:
        return self.visit.checklist.item(self.item_id).area if self.item_id else None

    # -- saving ----------------------------------------------------------------------------------

    def _save(self, item_id: str, **changes: Any) -> bool:
        """Record a change of one item's answer; the screen says 已保存 only once it is on disk.

        When the disk refuses (full, no permission), what was saved before stays as it is on disk
        and the change stays on screen, to be tried again.
        """
        try:
            visit = record_answer(self.store, self.uuid, item_id, at=self.session.clock(), **changes)
        except (DomainError, StoreError) as error:
            self.query_one(SaveStatus).failed(problem_text(error))
            self.show_problem(error)
            return False
        except OSError as error:
            self._note_unsaved = self._note_item == item_id and self._note_draft(item_id) is not UNCHANGED
            self.query_one(SaveStatus).failed(t("tui.save.not_saved", problem=problem_text(error)))
            self.show_problem(error)
            return False
        self._after_save(visit, item_id)
        return True

    def _note_draft(self, item_id: str) -> Any:
        """The note being typed for ``item_id`` when it differs from the saved one, else UNCHANGED."""
        if self._note_item != item_id:
            return UNCHANGED
        answer = self.visit.answers.get(item_id)
        text = self.query_one("#note", TextArea).text
        return text if text != (answer.note if answer else "") else UNCHANGED

    def flush_note(self) -> bool:
        """Save the note being typed now (leaving the note, moving on, or the typing pause ended).

        False when saving it failed: the note is still on screen, unsaved.
        """
        if self._note_timer is not None:
            self._note_timer.stop()
            self._note_timer = None
        item_id = self._note_item
        if item_id is None or self.visit.is_sealed:
            return True
        draft = self._note_draft(item_id)
        if draft is UNCHANGED:
            return True
        if item_id not in self.visit.answers:
            self.query_one(SaveStatus).failed(t("tui.save.note_needs_result"))
            return True
        return self._save(item_id, note=draft)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id != "note" or self.visit.is_sealed:
            return
        if self._note_item is not None and self._note_draft(self._note_item) is UNCHANGED:
            return
        self.query_one(SaveStatus).pending()
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(NOTE_SAVE_DELAY, self.flush_note)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.query_one("#note", TextArea):
            self.flush_note()

    # -- moving ----------------------------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        item_id = event.option.id
        if event.option.disabled or item_id is None:
            return
        if self._note_item is not None and self._note_item != item_id and not self.flush_note():
            # the note could not be saved: stay on its item, with the note on screen, to try again
            self.query_one(ItemList).select_item(self._note_item)
            return
        self._show_item(item_id)
        if not self.visit.is_sealed and self.visit.cursor != item_id:
            try:
                self.visit = move_cursor(self.store, self.uuid, item_id)
            except (DomainError, StoreError, OSError) as error:
                self.show_problem(error)

    def select(self, item_id: str) -> None:
        items = self.query_one(ItemList)
        if item_id not in items.shown_item_ids():
            self.only_failed = False
            items.show_visit(self.visit, only_failed=False, keep=item_id)
        else:
            items.select_item(item_id)
        items.focus()

    def _advance(self) -> None:
        shown = self.query_one(ItemList).shown_item_ids()
        current = self.item_id
        if current in shown and shown.index(current) + 1 < len(shown):
            self.query_one(ItemList).select_item(shown[shown.index(current) + 1])

    # -- actions ---------------------------------------------------------------------------------

    def action_answer(self, result: str) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        chosen = Result(result)
        if rules.drops_finding(self.visit.answers.get(item_id), chosen):
            self._confirm_dropping_finding(item_id, chosen)
            return
        self._answer(item_id, chosen)

    def _confirm_dropping_finding(self, item_id: str, chosen: Result) -> None:
        """A described failure turned into a pass by one key is most often a slip ("1" meant for the
        next item): ask, with keeping the failure and moving on first."""
        keep, change = "keep", "change"

        def decided(choice: str | None) -> None:
            if choice == keep:
                self._advance()
            elif choice == change:
                self._answer(item_id, chosen)

        answer = self.visit.answers[item_id]
        self.app.push_screen(
            ChoiceDialog(
                self.session,
                t("tui.runner.drop_finding.title", number=self._number(item_id), result=label(chosen)),
                t("tui.runner.drop_finding.message", note=_preview(answer.note), result=label(chosen)),
                [
                    Choice(t("tui.runner.drop_finding.keep"), keep),
                    Choice(t("tui.runner.drop_finding.change", result=label(chosen)), change),
                ],
            ),
            decided,
        )

    def _answer(self, item_id: str, chosen: Result) -> None:
        if not self._save(item_id, result=chosen, note=self._note_draft(item_id)):
            return
        if chosen is Result.FAIL:
            self.notify(t("tui.runner.describe_failure"), timeout=4)
            self.action_edit_note()
        else:
            self._advance()

    def action_not_checked(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        answer = self.visit.answers.get(item_id)
        initial = answer.note if answer and answer.result is Result.NOT_CHECKED else ""

        def recorded(reason: str | None) -> None:
            if reason and self._save(item_id, result=Result.NOT_CHECKED, note=reason):
                self._advance()

        self.app.push_screen(
            ReasonDialog(self.session, t("tui.not_checked.title"), t("tui.not_checked.prompt"), initial), recorded
        )

    def action_edit_note(self) -> None:
        self.query_one("#note", TextArea).focus()

    def action_evidence(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        if item_id not in self.visit.answers:
            self.notify(t("tui.runner.result_first"), severity="warning")
            return
        if not self.flush_note():
            return
        start = Path(self.store.settings().get(EVIDENCE_DIR_SETTING) or Path.home())
        if not start.is_dir():
            start = Path.home()

        def chosen(change: EvidenceChange | None) -> None:
            if change is None:
                return
            if change.remove is not None and self._save(item_id, remove_evidence=[change.remove.sha256]):
                self.notify(t("tui.evidence.removed", name=change.remove.name))
                # a wrong file is most often taken off to attach the right one: the dialog is there for it
                self.action_evidence()
            if change.add is not None:
                path = change.add
                self.run_busy(
                    t("tui.evidence.copying", name=path.name),
                    lambda: record_answer(self.store, self.uuid, item_id, add_evidence=[path], at=self.session.clock()),
                    lambda visit: self._evidence_added(visit, item_id, path),
                )

        attached = self.visit.answers[item_id].evidence
        self.app.push_screen(EvidenceDialog(self.session, start, attached), chosen)

    def _evidence_added(self, visit: Visit, item_id: str, path: Path) -> None:
        self._after_save(visit, item_id)
        # only where the file picker opens next time: the evidence itself is saved already
        with contextlib.suppress(StoreError, OSError):
            self.store.update_settings(**{EVIDENCE_DIR_SETTING: str(path.parent)})

    def action_override(self) -> None:
        item_id = self.item_id
        answer: Answer | None = self.visit.answers.get(item_id) if item_id else None
        if item_id is None or answer is None or answer.result is not Result.FAIL:
            self.notify(t("tui.runner.override_needs_fail"), severity="warning")
            return

        def chosen(override: Override | None) -> None:
            if override is not None:
                self._save(item_id, severity=override.severity, deadline_days=override.deadline_days)

        self.app.push_screen(OverrideDialog(self.session, self.visit.checklist.item(item_id), answer), chosen)

    def action_next_unanswered(self) -> None:
        if not self.flush_note():
            return
        found = rules.next_unanswered(self.visit, after=self.item_id)
        if found is None:
            self.notify(t("tui.runner.all_answered"))
            return
        self.select(found)

    def action_toggle_failed(self) -> None:
        self.only_failed = not self.only_failed
        self.query_one(ItemList).show_visit(self.visit, only_failed=self.only_failed, keep=self.item_id)
        self.notify(t("tui.runner.only_failed_on" if self.only_failed else "tui.runner.only_failed_off"), timeout=2)

    def action_area(self, step: int) -> None:
        items = self.query_one(ItemList)
        shown = items.shown_item_ids()
        current = self._current_area()
        if current is None or not shown:
            return
        areas = list(Area)
        first_of_area = {}
        for item_id in shown:
            first_of_area.setdefault(self.visit.checklist.item(item_id).area, item_id)
        position = areas.index(current) + step
        while 0 <= position < len(areas):
            if areas[position] in first_of_area:
                items.select_item(first_of_area[areas[position]])
                return
            position += step

    def action_review(self) -> None:
        if not self.flush_note():
            return
        self.app.push_screen(ReviewScreen(self.session, self.uuid), self._back_from_review)

    def _back_from_review(self, goto: str | None) -> None:
        self.visit = self.store.load_visit(self.uuid)
        items = self.query_one(ItemList)
        items.show_visit(self.visit, only_failed=self.only_failed, keep=goto or self.item_id)
        if self.visit.is_sealed:
            self.query_one("#note", TextArea).read_only = True
            self.query_one(SaveStatus).read_only()
        self._show_title()
        if self.item_id:
            self._show_item(self.item_id)

    def action_leave(self) -> None:
        if self.focused is self.query_one("#note", TextArea):
            self.flush_note()
            self.query_one(ItemList).focus()
            return
        if self.flush_note():
            self.app.pop_screen()

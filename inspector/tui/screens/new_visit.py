"""New visit: find the site (Chinese, pinyin or initials), the team, the arrival, the checklist."""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from inspector.core.clock import BUREAU_TZ, from_iso
from inspector.core.errors import DomainError
from inspector.core.sites import Site
from inspector.core.vocabulary import SiteKind
from inspector.i18n import label, t
from inspector.services.checklists import checklist_for_kind
from inspector.services.site_search import SiteIndex
from inspector.services.visits import change_arrival, remembered_team, start_visit, visits_in_progress_at
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorScreen
from inspector.tui.screens.choice_dialog import Choice, ChoiceDialog
from inspector.tui.screens.local_site_dialog import LocalSiteDialog
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from inspector.tui.widgets.key_bar import KeyBar

ARRIVAL_FORMAT = "%Y-%m-%d %H:%M"
_MEMBER_SEPARATORS = re.compile(r"[、,，;；\s]+")


def split_members(text: str) -> list[str]:
    return [name for name in _MEMBER_SEPARATORS.split(text) if name]


class NewVisitScreen(InspectorScreen[None]):
    CSS_PATH = "new_visit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "start", "tui.key.start"),
        Binding("f4", "add_site", "tui.key.add_site"),
        Binding("escape", "app.pop_screen", "tui.key.back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.index: SiteIndex | None = None
        self.site: Site | None = None
        self.stamped = session.clock()

    def compose(self) -> ComposeResult:
        lead, members = remembered_team(self.store)
        yield Static(t("tui.new.title"), classes="screen-title")
        with Horizontal(id="site-filters"):
            yield Input(placeholder=t("tui.new.search_placeholder"), compact=True, id="site-query")
            yield Select([], prompt=t("tui.new.any_township"), compact=True, id="township")
            yield Select([], prompt=t("tui.new.any_kind"), compact=True, id="kind")
        yield OptionList(id="site-results", markup=False)
        yield Static(t("tui.new.no_site"), id="site-chosen", markup=False)
        with Horizontal(classes="field"):
            yield Label(t("tui.new.lead"))
            yield Input(lead, placeholder=t("tui.new.lead_placeholder"), compact=True, id="lead")
            yield Label(t("tui.new.members"))
            yield Input("、".join(members), placeholder=t("tui.new.members_placeholder"), compact=True, id="members")
        with Horizontal(classes="field"):
            yield Label(t("tui.new.arrival"))
            yield Input(self.stamped.strftime(ARRIVAL_FORMAT), compact=True, id="arrival")
            yield Label(t("tui.new.arrival_reason"))
            yield Input(placeholder=t("tui.new.arrival_reason_placeholder"), compact=True, id="arrival-reason")
        yield Checkbox(t("tui.new.unannounced"), value=True, compact=True, id="unannounced")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#site-results", OptionList).loading = True
        self.query_one("#site-query", Input).focus()
        self.build_index(self.store.sites())

    @work(thread=True, exclusive=True, group="site-index")
    def build_index(self, sites: list[Site]) -> None:
        """Converting every name to pinyin takes a moment: done off the UI, the list shows it loading."""
        index = SiteIndex(sites)
        self.app.call_from_thread(self._index_ready, index)

    def _index_ready(self, index: SiteIndex) -> None:
        self.index = index
        self.query_one("#township", Select).set_options((name, name) for name in index.townships())
        self.query_one("#kind", Select).set_options((label(kind), kind) for kind in index.kinds())
        self.query_one("#site-results", OptionList).loading = False
        self.show_matches()

    def show_matches(self) -> None:
        if self.index is None:
            return
        township = self.query_one("#township", Select).value
        kind = self.query_one("#kind", Select).value
        sites = self.index.search(
            self.query_one("#site-query", Input).value,
            township=township if isinstance(township, str) else None,
            kind=kind if isinstance(kind, SiteKind) else None,
        )
        results = self.query_one("#site-results", OptionList)
        results.set_options(Option(self._site_prompt(site), site.id) for site in sites)
        if sites:
            results.highlighted = 0
        elif not len(self.index):
            # a fresh install: nothing can match until the register is loaded, so say how to load it
            results.add_option(Option(t("tui.new.register_empty"), disabled=True))
        else:
            results.add_option(Option(t("tui.new.no_match_add"), disabled=True))

    @staticmethod
    def _site_prompt(site: Site) -> str:
        added = t("tui.new.added_on_laptop") if site.added_on_laptop else ""
        return f"{site.name}  {site.township}  {label(site.kind)}{added}"

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "site-query":
            self.show_matches()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.show_matches()

    def on_key(self, event: events.Key) -> None:
        """Down from the search box goes to the results, as in a search field anywhere."""
        if event.key == "down" and self.focused is self.query_one("#site-query"):
            self.query_one("#site-results").focus()
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "site-query":
            results = self.query_one("#site-results", OptionList)
            option = results.highlighted_option
            if option is not None and option.id:
                self.choose(option.id)
            return
        self.action_start()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.choose(event.option.id)

    def action_add_site(self) -> None:
        """A site the register does not list: added on the spot, then chosen."""
        township = self.query_one("#township", Select).value

        def added(site: Site | None) -> None:
            if site is None:
                return
            self.build_index(self.store.sites())
            self.notify(t("tui.new.site_added", site=site.name), markup=False)
            self.choose(site.id)

        self.app.push_screen(
            LocalSiteDialog(
                self.session,
                name=self.query_one("#site-query", Input).value.strip(),
                township=township if isinstance(township, str) else "",
            ),
            added,
        )

    def choose(self, site_id: str) -> None:
        site = self.store.site(site_id)
        if site is None:
            return
        try:
            checklist = checklist_for_kind(self.store, site.kind)
        except DomainError as error:
            self.show_problem(error)
            return
        self.site = site
        self.query_one("#site-chosen", Static).update(
            t(
                "tui.new.chosen",
                site=site.name,
                township=site.township,
                kind=label(site.kind),
                checklist=checklist.title,
                version=checklist.version,
                items=len(checklist.items_for(site)),
            )
        )
        lead = self.query_one("#lead", Input)
        (lead if not lead.value.strip() else self.query_one("#members", Input)).focus()

    def _arrival(self) -> tuple[datetime, str] | None:
        """The arrival time and the reason for changing it ('' when unchanged); None when refused."""
        text = self.query_one("#arrival", Input).value.strip()
        reason = self.query_one("#arrival-reason", Input).value.strip()
        if text == self.stamped.strftime(ARRIVAL_FORMAT):
            return self.stamped, ""
        try:
            changed = datetime.strptime(text, ARRIVAL_FORMAT).replace(tzinfo=BUREAU_TZ)
        except ValueError:
            self.notify(t("tui.new.bad_arrival", example=self.stamped.strftime(ARRIVAL_FORMAT)), severity="warning")
            self.query_one("#arrival").focus()
            return None
        if not reason:
            self.notify(t("tui.new.arrival_needs_reason"), severity="warning")
            self.query_one("#arrival-reason").focus()
            return None
        return changed, reason

    def action_start(self) -> None:
        if self.site is None:
            self.notify(t("tui.new.no_site"), severity="warning")
            self.query_one("#site-query").focus()
            return
        arrival = self._arrival()
        if arrival is None:
            return
        site = self.site
        in_progress = visits_in_progress_at(self.store, site.id)
        if not in_progress:
            self._start(site, *arrival)
            return
        latest = in_progress[0]
        start_new = "new"

        def decided(choice: str | None) -> None:
            if choice == start_new:
                self._start(site, *arrival)
            elif choice:
                self.app.switch_screen(RunnerScreen(self.session, choice))

        self.app.push_screen(
            ChoiceDialog(
                self.session,
                t("tui.new.in_progress.title"),
                t(
                    "tui.new.in_progress.message",
                    site=site.name,
                    count=len(in_progress),
                    arrived=from_iso(latest.arrived_at).strftime(ARRIVAL_FORMAT),
                    lead=latest.lead,
                    status=label(latest.status),
                ),
                [Choice(t("tui.new.in_progress.resume"), latest.uuid), Choice(t("tui.new.in_progress.new"), start_new)],
            ),
            decided,
        )

    def _start(self, site: Site, arrived_at: datetime, reason: str) -> None:
        try:
            visit = start_visit(
                self.store,
                site.id,
                lead=self.query_one("#lead", Input).value,
                members=split_members(self.query_one("#members", Input).value),
                arrived_at=self.stamped,
                unannounced=self.query_one("#unannounced", Checkbox).value,
            )
            if reason:
                visit = change_arrival(self.store, visit.uuid, arrived_at, reason)
        except (DomainError, StoreError, OSError) as error:
            self.show_problem(error)
            return
        self.app.switch_screen(RunnerScreen(self.session, visit.uuid))

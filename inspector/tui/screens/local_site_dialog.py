"""Add a site the register does not list, on the spot: its name, kind and township.

The service gives it the laptop's own id and marks it as added here, for the bureau to reconcile.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from inspector.core.errors import DomainError
from inspector.core.sites import Site
from inspector.core.vocabulary import SiteKind
from inspector.i18n import label, t
from inspector.services.register import add_local_site
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session


class LocalSiteDialog(InspectorDialog[Site]):
    """Returns the site added (already in the register), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "confirm", "tui.key.add_site")]

    def __init__(self, session: Session, name: str = "", township: str = "") -> None:
        super().__init__(session)
        self.name_typed = name
        self.township = township

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("tui.local_site.title"), classes="dialog-title")
            yield Static(t("tui.local_site.why"))
            with Horizontal(classes="field"):
                yield Label(t("tui.local_site.name"))
                yield Input(
                    self.name_typed, placeholder=t("tui.local_site.name_placeholder"), compact=True, id="local-name"
                )
            with Horizontal(classes="field"):
                yield Label(t("tui.local_site.kind"))
                yield Select(
                    [(label(kind), kind) for kind in SiteKind],
                    prompt=t("tui.local_site.choose_kind"),
                    compact=True,
                    id="local-kind",
                )
            with Horizontal(classes="field"):
                yield Label(t("tui.local_site.township"))
                yield Input(
                    self.township,
                    placeholder=t("tui.local_site.township_placeholder"),
                    compact=True,
                    id="local-township",
                )
            yield Static(t("tui.local_site.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        kind = self.query_one("#local-kind", Select).value
        if not isinstance(kind, SiteKind):
            self.notify(t("tui.local_site.kind_required"), severity="warning")
            self.query_one("#local-kind").focus()
            return
        try:
            site = add_local_site(
                self.session.store,
                name=self.query_one("#local-name", Input).value,
                kind=kind,
                township=self.query_one("#local-township", Input).value,
            )
        except (DomainError, StoreError, OSError) as error:
            self.show_problem(error)
            return
        self.dismiss(site)

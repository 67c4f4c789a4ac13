"""The checklist's items, grouped under their areas, each with a mark for its state."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from inspector.core.checklists import Item
from inspector.core.visits import Answer, Visit
from inspector.core.vocabulary import Area, Result
from inspector.i18n import label, t

# One cell each, none of ambiguous width, so the column lines up in every terminal.
MARKS: dict[Result | None, tuple[str, str]] = {
    None: (" ", ""),
    Result.PASS: ("o", "$text-success"),
    Result.FAIL: ("X", "bold $text-error"),
    Result.NOT_APPLICABLE: ("/", "$text-muted"),
    Result.NOT_CHECKED: ("?", "$text-warning"),
}
_AREA_PREFIX = "area:"


def item_prompt(number: int, item: Item, answer: Answer | None) -> Content:
    mark, style = MARKS[answer.result if answer else None]
    return Content.assemble(
        Content.styled(mark, style) if style else mark,
        f" {number:>2} ",
        item.text,
    )


class ItemList(OptionList):
    """Items of a visit under area headings; the option ids are the item ids."""

    def show_visit(self, visit: Visit, *, only_failed: bool, keep: str | None) -> None:
        """Fill the list (all items, or only the failed ones) and highlight ``keep`` if it is shown."""
        answers = visit.answers
        options: list[Option] = []
        area: Area | None = None
        for number, item in enumerate(visit.checklist.items, start=1):
            answer = answers.get(item.id)
            if only_failed and (answer is None or answer.result is not Result.FAIL):
                continue
            if item.area is not area:
                area = item.area
                options.append(Option(Content.styled(label(area), "bold $text-accent"), _AREA_PREFIX + area, True))
            options.append(Option(item_prompt(number, item, answer), item.id))
        if not options:
            options.append(Option(t("tui.runner.no_failed"), _AREA_PREFIX + "none", True))
        self.set_options(options)
        self.select_item(keep)
        # the first layout has not happened yet when a screen fills its list: scroll once it has
        self.call_after_refresh(self.scroll_to_highlight)

    def select_item(self, item_id: str | None) -> None:
        """Highlight an item; when it is not shown, the first item that is."""
        if item_id is not None:
            try:
                self.highlighted = self.get_option_index(item_id)
                return
            except OptionDoesNotExist:
                pass
        for index, option in enumerate(self.options):
            if not option.disabled:
                self.highlighted = index
                return

    def refresh_item(self, visit: Visit, item_id: str) -> None:
        """Redraw one item's line after its answer changed."""
        try:
            self.get_option_index(item_id)
        except OptionDoesNotExist:
            return
        number = next(n for n, item in enumerate(visit.checklist.items, start=1) if item.id == item_id)
        self.replace_option_prompt(
            item_id, item_prompt(number, visit.checklist.item(item_id), visit.answers.get(item_id))
        )

    @property
    def current_item_id(self) -> str | None:
        option = self.highlighted_option
        if option is None or option.disabled or option.id is None:
            return None
        return option.id

    def shown_item_ids(self) -> list[str]:
        return [option.id for option in self.options if option.id and not option.disabled]

"""The catalogue in one request's language: the server's process serves Chinese and English
readers at once, so the console never switches the process-wide language (``i18n.set_language``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspector.i18n import catalogue, fill

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Words:
    language: str = "zh"

    def t(self, key: str, /, **params: Any) -> str:
        pair = catalogue().get(key)
        if pair is None:
            return key
        return fill(pair[0] if self.language == "zh" else pair[1], **params)

    def label(self, value: Any) -> str:
        """A vocabulary value's name (``vocab.<class>.<value>``), as ``i18n.label`` gives it."""
        return self.t(f"vocab.{type(value).__name__.lower()}.{value.value}")

    def light(self, item: Any) -> str:
        """An item's 亮灯 in words (never colour alone): overdue N days, due in N days, closed …"""
        return self.t(f"web.light.{item.light}", days=item.days)

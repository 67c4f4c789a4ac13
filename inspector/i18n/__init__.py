"""The one message catalogue: every word shown on screen, on the command line and in errors.

Messages live in modules beside this one, one per part of the program (``core_messages``,
``cli_messages``, ``tui_messages`` …), each a dict ``key -> (中文, English)``, so parts can
grow their words without touching each other's. ``t(key, **params)`` formats a message in
the current language: Chinese by default, English with ``--lang en`` or ``INSPECTOR_LANG=en``.

A count's noun (or verb) agrees with it through a format spec of two words, for one and for any
other number: ``"{days} {days:day|days} overdue"`` says "1 day overdue", "3 days overdue".
Chinese needs none: "逾期{days}天".
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import string
from typing import Any

LANGUAGES = ("zh", "en")
_current = "zh"
_catalogue: dict[str, tuple[str, str]] | None = None


def _load() -> dict[str, tuple[str, str]]:
    catalogue: dict[str, tuple[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module_info.name.endswith("_messages"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for key, pair in module.MESSAGES.items():
            if key in catalogue:
                raise RuntimeError(f"message {key!r} defined twice (again in {module_info.name})")
            catalogue[key] = pair
    return catalogue


def catalogue() -> dict[str, tuple[str, str]]:
    global _catalogue
    if _catalogue is None:
        _catalogue = _load()
    return _catalogue


def set_language(language: str | None) -> str:
    """Choose the language; None takes INSPECTOR_LANG, then Chinese. Returns the one chosen."""
    global _current
    chosen = (language or os.environ.get("INSPECTOR_LANG") or "zh").strip().lower()
    _current = "en" if chosen.startswith("en") else "zh"
    return _current


def language() -> str:
    return _current


class _AgreeingFormatter(string.Formatter):
    """``str.format`` plus the spec ``one|other``: the word for a count of one, or for any other count."""

    def format_field(self, value: Any, format_spec: str) -> str:
        one, bar, other = format_spec.partition("|")
        if bar:
            return one if str(value).strip() == "1" else other
        return super().format_field(value, format_spec)


_AGREEING = _AgreeingFormatter()


def t(key: str, /, **params: Any) -> str:
    """The message ``key`` in the current language, formatted with ``params``.

    An unknown key comes back as itself, so a missing word shows where it is missing rather
    than crashing a screen; ``tests/test_i18n.py`` keeps the catalogue complete.
    """
    pair = catalogue().get(key)
    if pair is None:
        return key
    return fill(pair[0] if _current == "zh" else pair[1], **params)


def fill(text: str, /, **params: Any) -> str:
    """A message's text (from the catalogue) with its ``params``, its counts' words agreeing."""
    if not params:
        return text
    return _AGREEING.format(text, **params) if "|" in text else text.format(**params)


def label(value: Any) -> str:
    """The on-screen name of a vocabulary value (an Area, a Result …): ``vocab.<class>.<value>``."""
    return t(f"vocab.{type(value).__name__.lower()}.{value.value}")


def error_text(error: Any) -> str:
    """The message for a DomainError (``error.<code>``), falling back to its code and params."""
    key = f"error.{error.code}"
    if key in catalogue():
        try:
            return t(key, **error.params)
        except (KeyError, IndexError):
            pass
    return str(error)

"""One error type for every broken rule, carrying a code the adapters translate."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused an action.

    ``code`` names the rule (a key under ``error.`` in the message catalogue) and ``params``
    fill its message, so the core never decides the words or the language shown to people.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{key}={value}" for key, value in params.items())
        super().__init__(f"{code}: {detail}" if detail else code)

"""How a sync fails: the whole run (``SyncError``) or one item (``Refused``). No HTTP library here,
so the services can catch them without importing one."""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """The run cannot go on. ``code`` is a message key under ``sync.error.``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}" if params else code)
        self.code = code
        self.params = params


class Refused(Exception):
    """The server refused one item (the run goes on); ``code`` is the server's reason."""

    def __init__(self, code: str, status: int, detail: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.code = code
        self.status = status
        self.detail = detail or {}

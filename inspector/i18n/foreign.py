"""The English of what we did not write: the standard library's parsers and the operating system.

argparse and tomllib build their messages from fixed English templates; ``ForeignMessages`` matches
a finished message against those templates and says it again from the catalogue, in the user's
language. A message no template matches is shown as it came, so a newer Python with new wording
degrades to English, never to an error.
"""

from __future__ import annotations

import errno
import functools
import re
import string

from inspector.i18n import t


class ForeignMessages:
    """``{English template: catalogue key}``; the template's ``{fields}`` become the key's fields."""

    def __init__(self, templates: dict[str, str]) -> None:
        self._source = templates

    @functools.cached_property
    def _templates(self) -> list[tuple[re.Pattern[str], str]]:
        """Compiled on the first message, not while the program starts."""
        # the most specific template first: "Expected '=' after a key" before "Expected {expected}"
        ordered = sorted(self._source.items(), key=lambda entry: -self._literal_length(entry[0]))
        return [(self._pattern(template), key) for template, key in ordered]

    @staticmethod
    def _pattern(template: str) -> re.Pattern[str]:
        parts = [
            re.escape(literal) + (f"(?P<{field}>.+?)" if field else "")
            for literal, field, _, _ in string.Formatter().parse(template)
        ]
        return re.compile("".join(parts) + r"\Z", re.DOTALL)

    @staticmethod
    def _literal_length(template: str) -> int:
        return sum(len(literal) for literal, _, _, _ in string.Formatter().parse(template))

    def translate(self, text: str) -> str:
        """``text`` in the user's language; a field that is itself a known message is translated too."""
        for pattern, key in self._templates:
            found = pattern.match(text)
            if found:
                return t(key, **{field: self.translate(value) for field, value in found.groupdict().items()})
        return text


_OS_ERRORS = {
    errno.ENOENT: "os.no_such_file",
    errno.EACCES: "os.permission",
    errno.EPERM: "os.permission",
    errno.ENOSPC: "os.disk_full",
    errno.EROFS: "os.read_only",
    errno.EISDIR: "os.is_a_folder",
    errno.ENOTDIR: "os.not_a_folder",
    errno.ENAMETOOLONG: "os.name_too_long",
}


def os_error_text(error: OSError) -> str:
    """Why the system refused, in the user's language (``strerror`` is English on Linux, and in the
    system's language on Windows); an uncommon error by its symbol, such as EIO."""
    key = _OS_ERRORS.get(error.errno or 0)
    if key:
        return t(key)
    return t("os.other", name=errno.errorcode.get(error.errno or 0, type(error).__name__))

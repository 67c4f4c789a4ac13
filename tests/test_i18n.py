"""The catalogue is complete: both languages, the same placeholders, every key the code uses."""

from __future__ import annotations

import re
import string
from pathlib import Path

from inspector.core.vocabulary import Area, Method, Result, Severity, SiteKind, VisitStatus
from inspector.i18n import catalogue, label, set_language, t

SOURCE = Path(__file__).parents[1] / "inspector"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, (chinese, english) in catalogue().items():
        assert chinese.strip() and english.strip(), key
        assert placeholders(chinese) == placeholders(english), key


def test_every_literal_key_used_in_the_code_is_in_the_catalogue() -> None:
    used = {key for path in SOURCE.rglob("*.py") for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(used - set(catalogue()))
    assert missing == []


def test_every_vocabulary_value_has_a_name_in_both_languages() -> None:
    for vocabulary in (Area, SiteKind, Method, Severity, Result, VisitStatus):
        for value in vocabulary:
            set_language("zh")
            assert label(value) == value.zh
            set_language("en")
            assert label(value) != f"vocab.{vocabulary.__name__.lower()}.{value.value}"
    set_language("zh")


def test_language_choice() -> None:
    assert set_language("en-GB") == "en" and t("vocab.result.fail") == "Fail"
    assert set_language(None) == "zh" and t("vocab.result.fail") == "不合格"


def test_words_for_the_screen_have_no_character_of_ambiguous_width() -> None:
    """“ ” — … ① √ and the like are one cell wide in some terminals and two in others: in a toast's or
    a dialog's border, or before a table's next column, they shift what follows. Documents (doc.*)
    and the command line's output (cli.*) are not drawn in cells."""
    import unicodedata

    ambiguous = {
        key: "".join(sorted({char for char in chinese + english if unicodedata.east_asian_width(char) == "A"}))
        for key, (chinese, english) in catalogue().items()
        if not key.startswith(("doc.", "cli."))
    }
    assert {key: chars for key, chars in ambiguous.items() if chars} == {}

"""English counts agree with their nouns: "1 day overdue", "3 days overdue", never "1 days"."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import pytest

from inspector.i18n import catalogue, set_language, t

COUNTED_NOUNS = (
    "accounts|arguments|blocks|bytes|characters|checklists|days|entries|errors|events|findings|inspections|items|"
    "numbers|photos|problems|rectifications|sites|targets|things|times|tokens|townships|units|versions|visits"
)
NOT_COUNTS = {"series", "number", "lead", "name", "path", "width", "height"}
"""Fields before such a noun that name something rather than count it ("document numbers of {series}")."""
A_COUNT_BEFORE_ITS_NOUN = re.compile(
    r"\{(\w+)\} (?:[\w-]+ )?(?:" + COUNTED_NOUNS + r")\b|\{(\w+)\} (?:[\w-]+ )?\w+\(s\)"
)


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh")


@pytest.mark.parametrize(
    ("key", "params", "expected"),
    [
        ("rect.overdue", {"days": 1}, "1 day overdue"),
        ("rect.overdue", {"days": 21}, "21 days overdue"),
        ("tui.review.failed", {"count": 1}, "1 failed item"),
        ("tui.review.failed", {"count": 0}, "0 failed items"),
        ("tui.review.cannot_sign", {"count": 1}, "1 thing still blocks sign-off"),
        ("tui.review.cannot_sign", {"count": 2}, "2 things still block sign-off"),
        ("argparse.expected_count", {"count": "1"}, "expected 1 argument"),  # matched from argparse's text: a str
        ("cli.summary.counts", {"sites": 1, "visits": 5}, "1 site, 5 visits"),
    ],
)
def test_a_count_of_one_takes_the_singular_in_english(
    english: None, key: str, params: dict[str, object], expected: str
) -> None:
    assert t(key, **params) == expected


def test_chinese_needs_no_agreement() -> None:
    assert t("rect.overdue", days=1) == "逾期1天"
    assert t("tui.review.failed", count=1) == "不合格项 1 个"


def test_no_english_count_is_followed_by_a_noun_that_ignores_it() -> None:
    unagreeing = {
        key: found.group(0)
        for key, (_, english_text) in catalogue().items()
        for found in A_COUNT_BEFORE_ITS_NOUN.finditer(english_text)
        if (found.group(1) or found.group(2)) not in NOT_COUNTS
    }
    assert not unagreeing, unagreeing


def test_every_agreeing_spec_names_the_word_for_one_and_for_others() -> None:
    for key, (_, english_text) in catalogue().items():
        for _, field, spec, _ in string.Formatter().parse(english_text):
            if spec and "|" in spec:
                assert spec.count("|") == 1 and all(spec.split("|")), (key, field, spec)


def test_the_web_console_words_agree_too() -> None:
    """The console formats in each request's language itself (``Words``), with the same agreement."""
    from inspector.web.words import Words

    assert Words("en").t("web.stats.times", count=1) == "1 time"
    assert Words("en").t("web.light.overdue", days=3) == "Red: 3 days overdue"
    assert Words("zh").t("web.stats.times", count=1) == "1 次"

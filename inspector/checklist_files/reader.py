"""Read a checklist TOML file into a ``Checklist``, or say exactly what is wrong and where.

Whatever the file holds (binary, empty, another encoding, huge, half a TOML) the answer is a list
of ``FileProblem`` (path, line, item id, message), never an exception. TOML parsers give no line
numbers for values, so ``_locate`` maps each ``[[items]]`` table and key to its line by reading
the text itself; a problem the locator cannot place points at the item's header line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.core.checklists import IMMEDIATE, Checklist, ChecklistProblem, Item, checklist_problems
from inspector.core.vocabulary import Area, Method, Severity, SiteKind
from inspector.i18n.foreign import ForeignMessages

MAX_FILE_BYTES = 2 * 1024 * 1024
IMMEDIATE_WORDS = ("立行立改", "immediate")
_TOP_KEYS = {"id", "version", "title", "site_kinds", "basis_document", "items"}
_ITEM_KEYS = {"id", "area", "text", "method", "severity", "deadline", "basis", "applies_when", "requirement"}
_REQUIRED_ITEM_KEYS = ("id", "area", "text", "method", "severity", "deadline", "basis")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$")
# tomllib's messages (CPython 3.11's _parser.py), said again in the user's language
TOML_MESSAGES = ForeignMessages(
    {
        "Invalid statement": "toml.invalid_statement",
        "Expected newline or end of document after a statement": "toml.expected_newline",
        "Expected {expected}": "toml.expected",
        "Found invalid character {char}": "toml.invalid_character",
        "Cannot declare {key} twice": "toml.declared_twice",
        "Cannot overwrite a value": "toml.overwrite",
        "Expected ']' at the end of a table declaration": "toml.table_end",
        "Expected ']]' at the end of an array declaration": "toml.array_table_end",
        "Cannot mutate immutable namespace {key}": "toml.immutable",
        "Cannot redefine namespace {key}": "toml.redefine",
        "Expected '=' after a key in a key/value pair": "toml.expected_equals",
        "Invalid initial character for a key part": "toml.bad_key",
        "Unclosed array": "toml.unclosed_array",
        "Duplicate inline table key {key}": "toml.inline_duplicate",
        "Unclosed inline table": "toml.unclosed_inline",
        "Unescaped '\\' in a string": "toml.backslash",
        "Invalid hex value": "toml.bad_hex",
        "Escaped character is not a Unicode scalar value": "toml.bad_escape",
        "Unterminated string": "toml.unterminated",
        "Illegal character {char}": "toml.illegal_character",
        "Invalid date or datetime": "toml.bad_date",
        "Invalid value": "toml.bad_value",
    }
)
_ITEMS_HEADER = re.compile(r"^\s*\[\[\s*items\s*\]\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a checklist file. ``message`` is a catalogue key; ``params`` fill it."""

    path: str
    line: int
    item_id: str
    message: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class _Locations:
    top: dict[str, int] = field(default_factory=dict)
    items: list[dict[str, int]] = field(default_factory=list)
    item_headers: list[int] = field(default_factory=list)


def _locate(text: str) -> _Locations:
    where = _Locations()
    in_items = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _ITEMS_HEADER.match(line):
            in_items = True
            where.item_headers.append(number)
            where.items.append({})
            continue
        if _TABLE_HEADER.match(line):
            in_items = False
            continue
        key = _KEY_LINE.match(line)
        if key:
            name = key.group(1).strip("\"'")
            target = where.items[-1] if in_items and where.items else where.top
            target.setdefault(name, number)
    return where


@dataclass(frozen=True)
class ReadResult:
    checklist: Checklist | None
    problems: list[FileProblem]
    item_lines: dict[str, int]


def read_checklist_file(path: Path) -> ReadResult:
    """Parse and check one file. ``checklist`` is None when the problems leave nothing to build."""
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _fail(shown, 0, "file.too_big", size=str(size), limit=str(MAX_FILE_BYTES))
        raw = path.read_bytes()
    except OSError as error:
        return _fail(shown, 0, "file.unreadable", reason=error.strerror or str(error))
    if not raw.strip():
        return _fail(shown, 1, "file.empty")
    if b"\x00" in raw:
        return _fail(shown, 1, "file.binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _fail(shown, line, "file.not_utf8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _toml_problem(shown, text, str(error))
    return _build(shown, data, _locate(text))


def _toml_problem(path: str, text: str, error: str) -> ReadResult:
    """tomllib's "Expected '=' after a key … (at line 2, column 9)" as file:line and the column's
    problem in the user's words; "(at end of document)" is the last line."""
    position = _TOML_POSITION.search(error)
    reason = TOML_MESSAGES.translate(error[: position.start()] if position else error)
    if position and position["line"]:
        return _fail(path, int(position["line"]), "file.bad_toml_at", column=position["column"], reason=reason)
    return _fail(path, max(1, len(text.splitlines())), "file.bad_toml", reason=reason)


def _fail(path: str, line: int, message: str, **params: str) -> ReadResult:
    return ReadResult(None, [FileProblem(path, line, "", message, params)], {})


def _build(path: str, data: dict[str, Any], where: _Locations) -> ReadResult:
    problems: list[FileProblem] = []

    def top_problem(field_name: str, message: str, **params: str) -> None:
        problems.append(FileProblem(path, where.top.get(field_name, 1), "", message, params))

    for key in sorted(set(data) - _TOP_KEYS):
        top_problem(key, "file.unknown_key", key=key)
    checklist_id = _text(data.get("id"))
    if not checklist_id:
        top_problem("id", "file.missing_key", key="id")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        top_problem("version", "file.not_integer", key="version")
        version = 0
    kinds: list[SiteKind] = []
    raw_kinds = data.get("site_kinds")
    if not isinstance(raw_kinds, list) or not raw_kinds:
        top_problem("site_kinds", "file.missing_list", key="site_kinds")
    else:
        for raw in raw_kinds:
            try:
                kinds.append(SiteKind.parse(str(raw)))  # type: ignore[arg-type]
            except ValueError:
                top_problem(
                    "site_kinds", "file.bad_value", key="site_kinds", value=str(raw), allowed=_allowed(SiteKind)
                )
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        top_problem("items", "file.missing_items")
        raw_items = []
    items: list[Item] = []
    headers: dict[str, list[int]] = {}
    for index, raw_item in enumerate(raw_items):
        keys = where.items[index] if index < len(where.items) else {}
        header = where.item_headers[index] if index < len(where.item_headers) else 1
        item, item_problems = _build_item(path, raw_item, keys, header)
        problems.extend(item_problems)
        if item is not None:
            items.append(item)
            headers.setdefault(item.id, []).append(header)
    checklist = Checklist(
        id=checklist_id,
        version=version,
        title=_text(data.get("title")),
        site_kinds=tuple(kinds),
        items=tuple(items),
        basis_document=_text(data.get("basis_document")),
    )
    problems.extend(_place(path, problem, where, headers) for problem in checklist_problems(checklist))
    return ReadResult(checklist, problems, {item_id: lines[0] for item_id, lines in headers.items()})


def _place(path: str, problem: ChecklistProblem, where: _Locations, headers: dict[str, list[int]]) -> FileProblem:
    """Give a meaning problem from the core the line of the field it concerns."""
    params = {"detail": problem.detail}
    if not problem.item_id:
        return FileProblem(path, where.top.get(problem.field, 1), "", problem.code, params)
    occurrences = headers.get(problem.item_id, [1])
    # a duplicate is reported where it occurs again: that is the one to renumber
    header = occurrences[1] if problem.code == "checklist.duplicate_item" and len(occurrences) > 1 else occurrences[0]
    index = where.item_headers.index(header) if header in where.item_headers else -1
    line = where.items[index].get(problem.field, header) if index >= 0 else header
    return FileProblem(path, line, problem.item_id, problem.code, params)


def _build_item(path: str, raw: Any, keys: dict[str, int], header: int) -> tuple[Item | None, list[FileProblem]]:
    problems: list[FileProblem] = []
    item_id = _text(raw.get("id")) if isinstance(raw, dict) else ""

    def item_problem(field_name: str, message: str, **params: str) -> None:
        problems.append(FileProblem(path, keys.get(field_name, header), item_id, message, params))

    if not isinstance(raw, dict):
        item_problem("", "file.item_not_table")
        return None, problems
    for key in sorted(set(raw) - _ITEM_KEYS):
        item_problem(key, "file.unknown_key", key=key)
    for key in _REQUIRED_ITEM_KEYS:
        if key not in raw:
            item_problem(key, "file.missing_key", key=key)
    if problems:
        return None, problems
    parsed: dict[str, Any] = {}
    for key, kind in (("area", Area), ("method", Method), ("severity", Severity)):
        try:
            parsed[key] = kind.parse(str(raw[key]))
        except ValueError:
            item_problem(key, "file.bad_value", key=key, value=str(raw[key]), allowed=_allowed(kind))
    deadline = _deadline_days(raw["deadline"])
    if deadline is None:
        item_problem("deadline", "checklist.bad_deadline", detail=str(raw["deadline"]))
    features = _features(raw.get("applies_when", {}))
    if features is None:
        item_problem("applies_when", "file.bad_applies_when")
    for key in ("id", "text", "basis", "requirement"):
        if not isinstance(raw.get(key, ""), str):
            item_problem(key, "file.not_text", key=key)
    if problems:
        return None, problems
    item = Item(
        id=item_id,
        area=parsed["area"],
        text=raw["text"].strip(),
        method=parsed["method"],
        severity=parsed["severity"],
        deadline_days=deadline,  # type: ignore[arg-type]
        basis=raw["basis"].strip(),
        applies_when_features=features,  # type: ignore[arg-type]
        requirement=raw.get("requirement", "").strip(),
    )
    return item, problems


def _deadline_days(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, str) and value.strip() in IMMEDIATE_WORDS:
        return IMMEDIATE
    return None


def _features(value: Any) -> frozenset[str] | None:
    if not isinstance(value, dict) or set(value) - {"features"}:
        return None
    features = value.get("features", [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        return None
    return frozenset(features)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _allowed(kind: Iterable[Any]) -> str:
    return " | ".join(f"{member.value} ({member.zh})" for member in kind)

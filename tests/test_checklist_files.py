"""Checklist files: the shipped ones are clean; every broken file gets file:line: item: message, exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspector.checklist_files.reader import read_checklist_file
from inspector.checklist_files.validate import validate_files
from inspector.core.vocabulary import Area, SiteKind
from inspector.paths import builtin_checklists_dir

GOOD = """\
id = "demo"
version = 1
title = "演示检查表"
site_kinds = ["elderly_care"]

[[items]]
id = "d-mech-01"
area = "mechanism"
text = "查阅应急预案，已修订并印发"
method = "查阅资料"
severity = "较重"
deadline = 7
basis = "鲁民字〔2022〕22号 四、二是"
requirement = "修订方案并印发执行，职责分工落实到人"

[[items]]
id = "d-dis-01"
area = "卫生消杀"
text = "查阅近7日消毒记录台账，记录完整并有经手人签字"
method = "查阅资料"
severity = "一般"
deadline = "立行立改"
basis = "鲁民字〔2022〕22号 四、三是"
requirement = "修订方案并印发执行，职责分工落实到人"

[[items]]
id = "d-duty-01"
area = "duty"
text = "现场查看值班室，值班人员在岗"
method = "现场查看"
severity = "严重"
deadline = "立行立改"
basis = "鲁民字〔2022〕22号 四、四是"
requirement = "修订方案并印发执行，职责分工落实到人"

[[items]]
id = "d-stock-01"
area = "stockpiles"
text = "查看防护物资台账，登记有效期"
method = "抽查"
severity = "一般"
deadline = 15
basis = "鲁民字〔2022〕22号 四、二是"
requirement = "修订方案并印发执行，职责分工落实到人"
applies_when = { features = ["canteen"] }

[[items]]
id = "d-edu-01"
area = "education"
text = "查阅培训记录和签到表"
method = "查阅资料"
severity = "一般"
deadline = 30
basis = "鲁民字〔2022〕22号 三、（一）"
requirement = "修订方案并印发执行，职责分工落实到人"
"""


def write(tmp_path: Path, text: str | bytes, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return lines[occurrence - 1]


def test_every_shipped_checklist_validates() -> None:
    checklists, problems = validate_files([builtin_checklists_dir()])
    assert problems == []
    assert {kind for c in checklists for kind in c.site_kinds} == set(SiteKind)
    for checklist in checklists:
        assert {item.area for item in checklist.items} == set(Area), checklist.id
        assert all(item.basis for item in checklist.items)


def test_elderly_care_has_eight_to_fifteen_items_per_area() -> None:
    checklists, _ = validate_files([builtin_checklists_dir() / "elderly_care.toml"])
    (elderly,) = checklists
    for area in Area:
        assert 8 <= sum(1 for item in elderly.items if item.area is area) <= 15, area


def test_item_ids_are_unique_across_all_shipped_checklists() -> None:
    checklists, _ = validate_files([builtin_checklists_dir()])
    ids = [item.id for checklist in checklists for item in checklist.items]
    assert len(ids) == len(set(ids))


def test_every_focus_requirement_of_the_notice_is_an_item_somewhere() -> None:
    texts = " ".join(item.text for c in validate_files([builtin_checklists_dir()])[0] for item in c.items)
    for requirement in (
        "工作方案",
        "应急预案",
        "应急处置队伍",
        "封闭管理",
        "探视",
        "测温",
        "口罩",
        "核酸",
        "四早",
        "健康监测",
        "消毒",
        "通风",
        "24小时值班",
        "带班",
        "瞒报",
        "物资",
        "有效期",
        "培训",
        "心理疏导",
        "消防",
        "临时救助区",
        "预约",
        "错峰",
        "颁证",
        "丧葬简办",
        "留守儿童",
        "独居",
        "残疾",
        "流浪乞讨",
        "志愿",
    ):
        assert requirement in texts, requirement


def test_the_good_file_reads_clean(tmp_path: Path) -> None:
    result = read_checklist_file(write(tmp_path, GOOD))
    assert result.problems == []
    assert result.checklist is not None and len(result.checklist.items) == 5
    assert result.checklist.item("d-dis-01").deadline_days == 0
    assert result.checklist.item("d-stock-01").applies_when_features == {"canteen"}


BROKEN = [
    # (what is broken, change to the good text, expected message key, the line to point at, item id)
    (
        "duplicate id",
        lambda t: t.replace('id = "d-dis-01"', 'id = "d-mech-01"'),
        "checklist.duplicate_item",
        lambda t: line_of(t, 'id = "d-mech-01"', 2),
        "d-mech-01",
    ),
    (
        "unknown area",
        lambda t: t.replace('area = "duty"', 'area = "safety"'),
        "file.bad_value",
        lambda t: line_of(t, 'area = "safety"'),
        "d-duty-01",
    ),
    (
        "unknown kind",
        lambda t: t.replace('["elderly_care"]', '["hospital"]'),
        "file.bad_value",
        lambda t: line_of(t, "site_kinds"),
        "",
    ),
    (
        "empty text",
        lambda t: t.replace('text = "查阅培训记录和签到表"', 'text = "  "'),
        "checklist.empty_text",
        lambda t: line_of(t, 'text = "  "'),
        "d-edu-01",
    ),
    (
        "bad deadline",
        lambda t: t.replace("deadline = 15", "deadline = -3"),
        "checklist.bad_deadline",
        lambda t: line_of(t, "deadline = -3"),
        "d-stock-01",
    ),
    (
        "deadline words",
        lambda t: t.replace("deadline = 30", 'deadline = "尽快"'),
        "checklist.bad_deadline",
        lambda t: line_of(t, '"尽快"'),
        "d-edu-01",
    ),
    (
        "deadline too long",
        lambda t: t.replace("deadline = 30", "deadline = 900"),
        "checklist.bad_deadline",
        lambda t: line_of(t, "deadline = 900"),
        "d-edu-01",
    ),
    (
        "missing basis",
        lambda t: t.replace('basis = "鲁民字〔2022〕22号 三、（一）"\n', ""),
        "file.missing_key",
        lambda t: line_of(t, 'id = "d-edu-01"') - 1,
        "d-edu-01",
    ),
    (
        "unknown severity",
        lambda t: t.replace('severity = "严重"', 'severity = "特别严重"'),
        "file.bad_value",
        lambda t: line_of(t, "特别严重"),
        "d-duty-01",
    ),
    (
        "unknown key",
        lambda t: t.replace('method = "抽查"', 'method = "抽查"\nweight = 3'),
        "file.unknown_key",
        lambda t: line_of(t, "weight = 3"),
        "d-stock-01",
    ),
    (
        "bad toml",
        lambda t: t.replace('title = "演示检查表"', 'title = "演示检查表'),
        "file.bad_toml_at",
        lambda t: line_of(t, 'title = "演示检查表'),
        "",
    ),
    ("missing area", lambda t: t[: t.index('[[items]]\nid = "d-edu-01"')], "checklist.area_missing", lambda t: 1, ""),
    (
        "bad item id",
        lambda t: t.replace('"d-edu-01"', '"D EDU 01"'),
        "checklist.bad_item_id",
        lambda t: line_of(t, '"D EDU 01"'),
        "D EDU 01",
    ),
    (
        "unknown feature",
        lambda t: t.replace('["canteen"]', '["swimming_pool"]'),
        "checklist.unknown_feature",
        lambda t: line_of(t, "swimming_pool"),
        "d-stock-01",
    ),
    (
        "version not a number",
        lambda t: t.replace("version = 1", 'version = "一"'),
        "file.not_integer",
        lambda t: line_of(t, "version = "),
        "",
    ),
]


@pytest.mark.parametrize(
    ("change", "message", "expected_line", "item_id"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_a_broken_file_names_the_line_and_the_item(tmp_path: Path, change, message, expected_line, item_id) -> None:
    text = change(GOOD)
    path = write(tmp_path, text)
    _, problems = validate_files([path])
    assert [(p.message, p.line, p.item_id) for p in problems][:1] == [(message, expected_line(text), item_id)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file.binary"),
        ('id = "demo"\ntitle = "检查表"\n'.encode("gb18030"), "file.not_utf8"),
        (b"[[items]]\n" * 3, "file.missing_key"),
        (b"items = 3\nid='x'\nversion=1\ntitle='t'\nsite_kinds=['funeral']\n", "file.missing_items"),
        (b"items = [1, 2]\nid='x'\nversion=1\ntitle='t'\nsite_kinds=['funeral']\n", "file.item_not_table"),
    ],
    ids=["empty", "binary", "gbk", "headers only", "items not a list", "items not tables"],
)
def test_files_that_are_not_checklists_are_refused_without_a_traceback(
    tmp_path: Path, content: bytes, message: str
) -> None:
    _, problems = validate_files([write(tmp_path, content)])
    assert message in [p.message for p in problems]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    _, problems = validate_files([path])
    assert [p.message for p in problems] == ["file.too_big"]


def test_an_id_reused_with_another_meaning_in_a_new_version(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "v1.toml")
    newer = GOOD.replace("version = 1", "version = 2").replace("查阅培训记录和签到表", "现场查看垃圾桶加盖并每日清运")
    write(tmp_path, newer, "v2.toml")
    moved = GOOD.replace("version = 1", "version = 3").replace('area = "education"', 'area = "duty"')
    write(tmp_path, moved, "v3.toml")
    _, problems = validate_files([tmp_path])
    found = [(Path(p.path).name, p.item_id, p.message) for p in problems]
    assert ("v2.toml", "d-edu-01", "checklist.id_reused") in found
    assert ("v3.toml", "d-edu-01", "checklist.id_reused") in found


def test_a_reworded_item_keeps_its_id(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "v1.toml")
    write(
        tmp_path, GOOD.replace("version = 1", "version = 2").replace("培训记录和签到表", "培训记录、签到表"), "v2.toml"
    )
    assert validate_files([tmp_path])[1] == []


def test_cli_validate_prints_file_line_item_message_and_exits_1(tmp_path: Path, run_cli) -> None:
    text = GOOD.replace("deadline = 15", "deadline = 0")
    path = write(tmp_path, text)
    result = run_cli("checklists", "validate", path)
    assert result.code == 1
    first = result.err.splitlines()[0]
    assert re.fullmatch(rf"{re.escape(str(path))}:{line_of(text, 'deadline = 0')}: d-stock-01: .*整改时限.*", first)
    assert "Traceback" not in result.err


def test_cli_validate_shipped_checklists_exits_0(run_cli) -> None:
    result = run_cli("checklists", "validate", builtin_checklists_dir())
    assert result.code == 0 and "216" not in result.err


def test_cli_validate_in_english(tmp_path: Path, run_cli) -> None:
    path = write(tmp_path, GOOD.replace('area = "duty"', 'area = "safety"'))
    result = run_cli("--lang", "en", "checklists", "validate", path)
    assert result.code == 1 and "is not allowed" in result.err


@pytest.mark.parametrize(
    ("change", "line", "chinese", "english"),
    [
        (
            lambda t: t.replace("version = 1", "version 1"),
            lambda t: line_of(t, "version 1"),
            "TOML 格式错误（第 9 列）：键后面缺少 =（应写成 键 = 值）",
            "TOML syntax error (column 9): expected = after a key (write key = value)",
        ),
        (
            lambda t: t.replace('method = "抽查"', "method = 抽查"),
            lambda t: line_of(t, "method = 抽查"),
            "TOML 格式错误（第 10 列）：值的写法不对（文字要加引号）",
            "TOML syntax error (column 10): invalid value (text must be in quotes)",
        ),
        (
            lambda t: t + "basis = [\n",
            lambda t: len(t.splitlines()),  # "at end of document": the last line
            "TOML 格式错误：值的写法不对（文字要加引号）",
            "TOML syntax error: invalid value (text must be in quotes)",
        ),
    ],
)
def test_toml_syntax_errors_are_in_the_users_language_with_file_and_line(
    tmp_path: Path, run_cli, change, line, chinese: str, english: str
) -> None:
    text = change(GOOD)
    path = write(tmp_path, text)
    assert run_cli("checklists", "validate", path).err.splitlines()[0] == f"{path}:{line(text)}: {chinese}"
    assert (
        run_cli("--lang", "en", "checklists", "validate", path).err.splitlines()[0] == f"{path}:{line(text)}: {english}"
    )


def test_every_tomllib_message_has_a_translation() -> None:
    """tomllib's own English, read from its source: a new message in a newer Python shows up here."""
    import ast
    import inspect
    import tomllib._parser

    from inspector.checklist_files.reader import TOML_MESSAGES

    source = inspect.getsource(tomllib._parser)
    literals = re.findall(r"suffixed_err\(\s*src,\s*\w+,\s*f?(\"[^\"]+\")", source)
    # a field of an f-string ({key}) stands for any text: "x" here
    messages = [re.sub(r"\{[^}]*\}", "x", ast.literal_eval(literal)) for literal in literals]
    assert len(messages) > 15
    assert [message for message in messages if TOML_MESSAGES.translate(message) == message] == []


@pytest.mark.parametrize(
    ("requirement", "message"),
    [(None, "file.missing_key"), ("查阅方案，已修订", "file.requirement_not_instruction")],
)
def test_every_item_must_say_what_the_unit_must_do(tmp_path: Path, requirement: str | None, message: str) -> None:
    good = 'requirement = "修订方案并印发执行，职责分工落实到人"\n'
    changed = good if requirement is None else f'requirement = "{requirement}"\n'
    path = write(tmp_path, GOOD.replace(good, "" if requirement is None else changed, 1))
    _, problems = validate_files([path])
    assert [(problem.item_id, problem.message) for problem in problems] == [("d-mech-01", message)]

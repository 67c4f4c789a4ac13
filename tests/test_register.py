"""The site register: CSV from Excel or WPS in, per-row errors, all rows or none, CSV out."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.core.vocabulary import SiteKind
from inspector.paths import sample_register
from inspector.services.register import import_register, parse_register, register_csv
from inspector.store.store import Store

HEADER = "编号,类型,乡镇,名称,地址,负责人,电话,特征\n"


def csv_file(tmp_path: Path, body: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "register.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def test_the_sample_register_imports_whole(store: Store) -> None:
    report = import_register(store, sample_register())
    assert report.problems == [] and report.added == len(store.sites()) >= 50
    assert {site.kind for site in store.sites()} == set(SiteKind)


def test_a_gbk_csv_saved_by_chinese_excel_imports(store: Store, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "LS-X-1,养老机构,鲁阳街道,测试敬老院,,王五,13812345678,canteen\n", "gb18030")
    report = import_register(store, path)
    assert report.problems == [] and store.site("LS-X-1").name == "测试敬老院"


def test_english_headers_and_keys_are_accepted_too() -> None:
    sites, problems = parse_register(b"id,kind,township,name\nA-1,funeral,x,y\n")
    assert problems == [] and sites[0].kind is SiteKind.FUNERAL


def test_bad_rows_are_each_reported_and_nothing_is_imported(store: Store, tmp_path: Path) -> None:
    body = (
        "LS-X-1,养老机构,鲁阳街道,好的一行,,,0375-5012345,\n"
        "LS-X-2,医院,鲁阳街道,类型不对,,,,\n"
        "LS-X-3,养老机构,,缺乡镇,,,,\n"
        "LS-X-4,养老机构,鲁阳街道,电话不对,,,12345,\n"
        "LS-X-1,养老机构,鲁阳街道,编号重复,,,,\n"
        "LS-X-6,养老机构,鲁阳街道,特征不对,,,,swimming_pool\n"
    )
    report = import_register(store, csv_file(tmp_path, body))
    assert [(p.row, p.field, p.message) for p in report.problems] == [
        (3, "kind", "register.bad_kind"),
        (4, "township", "register.required"),
        (5, "phone", "site.bad_phone"),
        (6, "id", "register.duplicate_id"),
        (7, "features", "site.unknown_feature"),
    ]
    assert store.sites() == []


def test_cli_import_prints_row_and_the_files_column_and_exits_1(store: Store, tmp_path: Path, run_cli) -> None:
    path = csv_file(tmp_path, "LS-X-1,养老机构,鲁阳街道,a,,,0375-5012345,\nLS-X-2,养老机构,鲁阳街道,b,,,123,\n")
    root = store.root
    store.close()
    result = run_cli("--data-dir", root, "sites", "import", path)
    assert result.code == 1
    assert f"{path}: 第3行: 电话: 电话号码格式不对" in result.err  # the header the clerk sees, not "phone"
    assert "未导入任何记录" in result.err


@pytest.mark.parametrize(
    ("header", "body", "columns"),
    [
        ("编号,类型,乡镇,名称\n", "A-1,医院,x,y\nA-2,养老机构,,y\n", ["类型", "乡镇"]),
        ("id,kind,township,name\n", "A-1,hospital,x,y\nA-2,funeral,,y\n", ["kind", "township"]),
        ("编号,类型,乡镇\n", "", ["名称"]),  # a missing column, named as the file names the others
        ("id,kind,township\n", "", ["name"]),
        ("单位,电话\n", "", ["编号", "类型", "乡镇", "名称"]),  # no header known: the clerks' Chinese
    ],
)
def test_problems_name_the_column_as_the_files_header_does(header: str, body: str, columns: list[str]) -> None:
    _, problems = parse_register((header + body).encode("utf-8"))
    assert [problem.column for problem in problems] == columns


def test_a_missing_register_file_is_named_not_row_0(tmp_path: Path, run_cli) -> None:
    result = run_cli("--data-dir", tmp_path / "data", "sites", "import", tmp_path / "名册.csv")
    assert result.code == 1 and result.err.strip() == f"找不到文件 {tmp_path / '名册.csv'}"
    folder = run_cli("--lang", "en", "--data-dir", tmp_path / "data", "sites", "import", tmp_path)
    assert folder.code == 1 and folder.err.strip() == f"{tmp_path} is not a file"
    (tmp_path / "名册.csv").write_bytes(b"PK\x03\x04\x14\x00binary-xlsx")
    binary = run_cli("--data-dir", tmp_path / "data", "sites", "import", tmp_path / "名册.csv")
    assert binary.err.splitlines()[0] == f"{tmp_path / '名册.csv'}: 不是 CSV 文本文件（是否选了 .xlsx？请另存为 CSV）"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "register.empty"),
        (b"PK\x03\x04\x14\x00\x00\x00binary-xlsx", "register.binary"),
        (b"name,phone\nx,1\n", "register.missing_column"),
        (b"\xff\xfe\x00\x00garbage", "register.encoding"),
    ],
)
def test_files_that_are_not_a_register_are_refused(raw: bytes, message: str) -> None:
    sites, problems = parse_register(raw)
    assert sites == [] and message in [p.message for p in problems]


def test_reimport_updates_changed_rows_and_keeps_the_old_one(store: Store, tmp_path: Path) -> None:
    import_register(store, csv_file(tmp_path, "LS-X-1,养老机构,鲁阳街道,旧名,,,,\n"))
    report = import_register(
        store, csv_file(tmp_path, "LS-X-1,养老机构,鲁阳街道,新名,,,,\nLS-X-2,殡葬服务机构,x,y,,,,\n")
    )
    assert (report.added, report.changed, report.unchanged) == (1, 1, 0)
    assert store.site("LS-X-1").name == "新名"
    superseded = store.db("register.json").table("superseded").all()
    assert [row["name"] for row in superseded] == ["旧名"]


def test_export_reads_back_the_same(store: Store) -> None:
    import_register(store, sample_register())
    text = register_csv(store.sites())
    assert text.startswith("编号,类型,乡镇,名称")
    sites, problems = parse_register(text.encode("utf-8-sig"))
    assert problems == [] and sorted(sites, key=lambda s: s.id) == sorted(store.sites(), key=lambda s: s.id)


def test_cli_export_writes_a_bom_file_for_excel(store: Store, tmp_path: Path, run_cli) -> None:
    import_register(store, sample_register())
    root = store.root
    store.close()
    result = run_cli("--data-dir", root, "sites", "export", "-o", tmp_path / "out.csv")
    assert result.code == 0
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf\xe7\xbc\x96\xe5\x8f\xb7")

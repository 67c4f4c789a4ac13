"""The console in a real browser (Playwright driving the system's Chromium) against a real server on
loopback: a clerk's whole errand, a leader's read-only visit by keyboard, and an accessibility pass.
Screenshots of the main pages at 1366×768 are left in the test's folder.

Slow (a browser each): kept to a handful, on SQLite only; the same pages on both engines are
tested without a browser in test_console.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from inspector.core.clock import local_date
from inspector.server.board import open_rectifications
from inspector.server.db import board_rows, number_blocks
from tests.conftest import DEMO_TODAY
from tests.web.conftest import PASSWORD, County

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}
TODAY = local_date(DEMO_TODAY)
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, started once per module. Missing: skipped here, a failure under CI."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is not installed (apt-get install chromium): the console's browser tests need it in CI"
            )
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, county: County) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN", base_url=county.url)
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


def shoot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def sign_in(page: Any, name: str) -> None:
    page.goto("/web/")
    assert page.url.endswith("/web/signin?next=%2Fweb%2Fboard")
    page.get_by_label("账号名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/web/board")


def saved(download: Any, folder: Path) -> Path:
    """A download kept under the name the server gave it (what a clerk finds in the folder)."""
    target = folder / download.suggested_filename
    download.save_as(str(target))
    return target


def board_rows_now(county: County) -> list[dict[str, Any]]:
    open_rectifications(county.bureau.database, TODAY)
    with county.bureau.database.reading() as conn:
        return [dict(row._mapping) for row in conn.execute(select(board_rows))]


@ON_SQLITE
def test_a_clerk_finds_a_townships_overdue_items_sees_the_photos_and_downloads_the_documents(
    page: Any, county: County, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    rows = board_rows_now(county)
    overdue = [row for row in rows if row["open"] and row["due"] < TODAY.isoformat()]
    township = overdue[0]["township"]
    expected = [row for row in overdue if row["township"] == township]

    page.goto("/web/signin")
    shoot(page, shots, "1-signin")
    sign_in(page, county.names["admin"])
    shoot(page, shots, "2-board")
    assert page.locator("table.board tbody tr").count() == len(rows)

    page.get_by_label("乡镇（街道）").select_option(township)
    page.get_by_label("亮灯").select_option("overdue")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(re.compile(r".*window=overdue.*"))
    shoot(page, shots, "3-board-overdue")
    listed = page.locator("table.board tbody tr")
    assert listed.count() == len(expected)
    for index in range(listed.count()):
        assert "红灯：逾期" in listed.nth(index).inner_text()
        assert township in listed.nth(index).inner_text()
    # readable at 1366 wide: nothing runs off the side
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]

    with page.expect_download() as downloading:
        page.get_by_role("link", name="导出当前筛选结果（Excel）").click()
    xlsx = saved(downloading.value, tmp_path)
    assert xlsx.name == f"全县整改台账_{TODAY.isoformat()}.xlsx"
    workbook = openpyxl.load_workbook(xlsx)
    ids = {row[-1] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert ids == {row["id"] for row in expected}

    site_name = expected[0]["site_name"]
    listed.first.get_by_role("link", name=site_name).click()
    page.wait_for_url("**/web/sites/**")
    assert page.get_by_role("heading", level=1).inner_text() == site_name
    photo = page.locator(".photos img").first
    photo.scroll_into_view_if_needed()
    assert page.evaluate("(image) => image.complete && image.naturalWidth > 0", photo.element_handle())
    shoot(page, shots, "4-site")
    with page.expect_navigation() as navigated:
        photo.click()
    assert navigated.value.headers["content-type"] == "image/png"
    page.go_back(wait_until="load")

    page.get_by_role("link", name=re.compile("第1版")).first.click()
    page.wait_for_url("**/web/visits/**")
    assert "封存校验通过" in page.locator(".seal").inner_text()
    shoot(page, shots, "5-visit")

    page.get_by_role("link", name="统计").click()
    page.wait_for_url("**/web/stats")
    assert page.locator("svg.chart").count() == 2
    shoot(page, shots, "6-stats")

    page.get_by_role("link", name="导出与通报").click()
    page.wait_for_url("**/web/exports")
    shoot(page, shots, "7-exports")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="出具通报").click()
    bulletin = docx.Document(saved(downloading.value, tmp_path))
    # the bureau's bulletin series is the one the laptops' number blocks come from: the county's
    # bulletin takes the number after every block granted, never one a laptop may give
    numbers = [int(found) for p in bulletin.paragraphs for found in re.findall(r"鲁民督通〔2026〕(\d+)号", p.text)]
    with county.bureau.database.reading() as conn:
        granted = conn.execute(
            select(func.max(number_blocks.c.last)).where(number_blocks.c.series == "bulletin:2026")
        ).scalar()
    assert numbers and numbers[0] == granted
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载催办清单").click()
    chase = docx.Document(saved(downloading.value, tmp_path))
    assert {row["site_name"] for row in overdue} <= {c.text for t in chase.tables for r in t.rows for c in r.cells}

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/web/signin")
    page.goto("/web/board")
    assert "/web/signin" in page.url


def accessibility_problems(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A and AA rules (labels, names, headings, contrast, landmarks …) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
    results = Axe().run(page, options={**options, "resultTypes": ["violations"]})
    return [
        f"{violation['id']}: {node['target']} {node.get('failureSummary', '')[:120]}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def test_the_accessibility_pass_finds_an_unlabelled_field_and_faint_text(browser: Any) -> None:
    page = browser.new_page()
    page.set_content(
        '<html lang="zh"><head><title>t</title></head><body><main><h1>t</h1>'
        '<input name="township"><p style="color:#aaa">灰色的字</p></main></body></html>'
    )
    problems = accessibility_problems(page)
    page.close()
    assert [problem.split(":")[0] for problem in problems] == ["color-contrast", "label"]


@ON_SQLITE
def test_a_leader_reads_by_keyboard_and_may_not_issue_documents(page: Any, county: County, tmp_path: Path) -> None:
    page.goto("/web/signin")
    for _ in range(10):  # by keyboard alone: Tab to the name field, type, Tab, type, Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "name":
            break
    page.keyboard.type(county.names["viewer"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/web/board")
    assert "只读" in page.locator(".who").inner_text()

    page.goto("/web/exports")
    shoot(page, tmp_path / "screenshots", "viewer-exports")
    assert page.get_by_role("button", name="出具通报").count() == 0
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    issued = page.request.post(
        "/web/exports/bulletin.docx", form={"csrf": csrf, "start": "2026-11-01", "end": "2026-11-28"}
    )
    assert issued.status == 403
    forged = page.request.post("/web/signout", form={"csrf": "forged"})
    assert forged.status == 403 and "安全令牌" in forged.text()
    page.goto("/web/board")
    assert "/web/board" in page.url  # still signed in: the forged sign-out did nothing

    row = board_rows_now(county)[0]
    visit = f"/web/visits/{json.loads(row['record'])['visit_uuid']}/1"
    pages = ("/web/board?window=overdue", f"/web/sites/{row['site_id']}", visit, "/web/stats", "/web/exports")
    for path in (*pages, "/web/signin"):
        assert page.goto(path).status == 200, path
        assert accessibility_problems(page) == [], path


@ON_SQLITE
def test_a_team_account_is_turned_away_and_the_english_switch_works(page: Any, county: County, tmp_path: Path) -> None:
    page.goto("/web/signin")
    page.get_by_role("link", name="English").click()
    page.get_by_label("Account name").fill(county.names["lead"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "cannot use the web console" in page.get_by_role("alert").inner_text()
    shoot(page, tmp_path / "screenshots", "lead-refused-en")
    page.goto("/web/board")
    assert "/web/signin" in page.url
    assert all(cookie["name"] != "inspector_session" for cookie in page.context.cookies())

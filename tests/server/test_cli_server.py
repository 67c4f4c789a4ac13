"""The commands: enrolment on the server, login and sync on a laptop, in both languages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.server.accounts import Role
from inspector.sync.client import BureauClient
from tests.server.harness import FAST_RETRY, Bureau


def login(run_cli: Callable, monkeypatch: pytest.MonkeyPatch, root: Path, url: str, token: str, *extra: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    return run_cli("--data-dir", root, "login", url, *extra)


def test_users_add_prints_the_token_alone_on_the_last_line(run_cli: Callable, bureau: Bureau) -> None:
    added = run_cli(*bureau.server_cli("users", "add", "王芳", "--role", "lead"))
    assert added.code == 0
    token = added.out.strip().splitlines()[-1]
    assert len(token) >= 43 and " " not in token
    with BureauClient(bureau.url, token, retry=FAST_RETRY) as client:
        assert client.hello().name == "王芳"
    again = run_cli(*bureau.server_cli("users", "add", "王芳", "--role", "lead"))
    assert again.code == 1 and "王芳" in again.err
    scripted = run_cli(*bureau.server_cli("users", "add", "赵六", "--role", "inspector", "--json"))
    assert json.loads(scripted.out)["role"] == "inspector"


def test_users_list_and_revoke(run_cli: Callable, bureau: Bureau) -> None:
    listed = run_cli(*bureau.server_cli("users", "list", "--json"))
    rows = json.loads(listed.out)
    assert {row["name"] for row in rows} == {f"{role.value}-user" for role in Role}
    assert all("token" not in json.dumps(row) for row in rows)
    assert bureau.tokens["lead"] not in listed.out
    assert run_cli(*bureau.server_cli("users", "revoke", "lead-user")).code == 0
    text = run_cli("--lang", "en", *bureau.server_cli("users", "list"))
    assert "lead-user  team lead  revoked" in text.out
    unknown = run_cli(*bureau.server_cli("users", "revoke", "nobody"))
    assert unknown.code == 1 and "nobody" in unknown.err


def test_login_then_sync_from_the_command_line(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    root = laptop("a")
    logged = login(run_cli, monkeypatch, root, bureau.url, bureau.tokens["lead"])
    assert logged.code == 0 and "lead-user" in logged.out
    assert bureau.tokens["lead"] not in logged.out + logged.err
    first = run_cli("--data-dir", root, "sync")
    assert first.code == 0 and "检查 3 份" in first.out
    second = run_cli("--lang", "en", "--data-dir", root, "sync", "--json")
    report = json.loads(second.out)
    assert (report["visits_sent"], report["photos_sent"], report["events_sent"]) == (0, 0, 0)


def test_an_unenrolled_or_revoked_client_is_refused_with_a_clear_message(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    root = laptop("a")
    refused = login(run_cli, monkeypatch, root, bureau.url, "not-a-real-token")
    assert refused.code == 1 and "服务器不认识此令牌" in refused.err
    assert login(run_cli, monkeypatch, root, bureau.url, bureau.tokens["lead"]).code == 0
    run_cli(*bureau.server_cli("users", "revoke", "lead-user"))
    revoked = run_cli("--lang", "en", "--data-dir", root, "sync")
    assert revoked.code == 1 and "revoked" in revoked.err
    assert "Traceback" not in revoked.err


def test_sync_before_login_and_plain_http_are_refused(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, laptop: Callable[..., Path]
) -> None:
    root = laptop("a")
    assert "inspector login" in run_cli("--data-dir", root, "sync").err
    plain = login(run_cli, monkeypatch, root, "http://bureau.example:8443", "t")
    assert plain.code == 1 and "https" in plain.err


def test_an_offline_sync_keeps_everything_queued(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    from inspector.services import sync as sync_service
    from inspector.store.store import Store
    from inspector.sync.client import ServerInfo

    root = laptop("a")
    with Store.open(root) as store:
        sync_service.save_login(store, "http://127.0.0.1:9", "t", None, ServerInfo("x", "lead", "", ""))
    monkeypatch.setattr("inspector.sync.client.RetryPolicy", lambda: FAST_RETRY)
    offline = run_cli("--lang", "en", "--data-dir", root, "sync")
    assert offline.code == 1 and "Cannot reach" in offline.err
    with Store.open(root, readonly=True) as store:
        assert sync_service.pending_count(store) == len(store.outbox()) > 0


def test_publishing_from_the_server_command_line(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    from inspector.paths import builtin_checklists_dir, sample_register

    assert run_cli(*bureau.server_cli("publish-register", sample_register())).code == 0
    same = run_cli(*bureau.server_cli("publish-register", sample_register()))
    assert "未重复发布" in same.out
    published = run_cli(*bureau.server_cli("publish-checklists", builtin_checklists_dir()))
    assert published.code == 0
    broken = tmp_path / "broken.csv"
    broken.write_text("编号,类型\nX,不存在的类型\n", encoding="utf-8")
    assert run_cli(*bureau.server_cli("publish-register", broken)).code == 1
    root = laptop("reader")
    login(run_cli, monkeypatch, root, bureau.url, bureau.tokens["inspector"])
    report = json.loads(run_cli("--data-dir", root, "sync", "--json").out)
    assert report["checklists_added"] >= 1 and report["held_for_role"] > 0


def test_serve_needs_both_tls_files(run_cli: Callable, tmp_path: Path) -> None:
    answer = run_cli("--data-dir", tmp_path / "srv", "serve", "--tls-cert", tmp_path / "c.pem")
    assert answer.code == 1 and "--tls-key" in answer.err


def test_users_commands_honour_db(run_cli: Callable, tmp_path: Path) -> None:
    from inspector.server.db import sqlite_url

    url = sqlite_url(tmp_path / "elsewhere.sqlite3")
    added = run_cli("--data-dir", tmp_path / "srv", "server", "users", "add", "孙七", "--role", "admin", "--db", url)
    assert added.code == 0 and (tmp_path / "elsewhere.sqlite3").exists()
    assert not (tmp_path / "srv" / "bureau.sqlite3").exists()
    listed = run_cli("server", "users", "list", "--db", url, "--data-dir", tmp_path / "srv")
    assert "孙七" in listed.out


@pytest.mark.parametrize(("lang", "words"), [("zh", "认证页面"), ("en", "captive portal")])
def test_login_behind_a_captive_portal_says_so(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, laptop: Callable[..., Path], lang: str, words: str
) -> None:
    from tests.server.harness import ThreadServer
    from tests.server.test_trust import portal_app

    server = ThreadServer(portal_app("login_page")).start()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("some-token\n"))
        answer = run_cli("--lang", lang, "--data-dir", laptop("a"), "login", server.url)
    finally:
        server.stop()
    assert answer.code == 1 and words in answer.err


@pytest.mark.parametrize("missing", ["starlette", "sqlalchemy"])
def test_without_the_server_extra_serve_says_what_to_install(tmp_path: Path, missing: str) -> None:
    import subprocess
    import sys

    probe = (
        f"import sys\nsys.modules[{missing!r}] = None\nfrom inspector.cli import main\n"
        f"sys.exit(main(['--lang', 'en', '--data-dir', {str(tmp_path)!r}, 'serve']))"
    )
    answer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert answer.returncode == 1
    assert "inspector[server]" in answer.stderr and "Traceback" not in answer.stderr

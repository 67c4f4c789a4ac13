"""The bureau's profile is kept on the server: its own documents carry it, and every laptop receives it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from inspector.services.profile import load_profile
from inspector.store.store import Store
from inspector.web.county import VisitIndex
from inspector.web.exports import chase_list
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau
from tests.server.test_cli_server import login


def test_the_profile_set_on_the_server_signs_its_documents_and_reaches_the_laptops(
    run_cli: Callable, monkeypatch: pytest.MonkeyPatch, bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    assert run_cli(*bureau.server_cli("profile", "set", "organ_name", "宝丰县民政局")).code == 0
    assert run_cli(*bureau.server_cli("profile", "set", "organ_mark", "宝丰县民政局文件")).code == 0
    refused = run_cli(*bureau.server_cli("profile", "set", "contact_phone", "打电话"))
    assert refused.code != 0 and "打电话" in refused.err
    shown = run_cli(*bureau.server_cli("profile", "show", "--json"))
    assert json.loads(shown.out)["organ_name"] == "宝丰县民政局"

    # the server's own documents: the 催办 list signed by the bureau (nothing overdue: said once)
    made = chase_list(bureau.database, VisitIndex(), DEMO_TODAY.date())
    texts = [paragraph.text.strip() for paragraph in docx.Document(io.BytesIO(made.data)).paragraphs]
    assert "宝丰县民政局" in texts and "鲁山县民政局" not in texts
    assert not any("仍有0项" in text for text in texts)

    root = laptop("a")
    login(run_cli, monkeypatch, root, bureau.url, bureau.tokens["lead"])
    synced = run_cli("--data-dir", root, "sync")
    assert synced.code == 0 and "本局信息" in synced.out
    with Store.open(root, readonly=True) as store:
        assert load_profile(store).organ_name == "宝丰县民政局"
    # published once: the next sync receives nothing new
    assert "本局信息" not in run_cli("--data-dir", root, "sync").out

"""The demo data dir made once per session and copied for each test (filling it takes a second)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.services.demo import fill_demo
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-template") / "data"
    with Store.open(root) as store:
        fill_demo(store, today=DEMO_TODAY)
    return root


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_template, root)
    return root


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Store]:
    with Store.open(demo_dir) as store:
        yield store

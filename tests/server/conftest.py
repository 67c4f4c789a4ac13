"""Fixtures of the server and sync tests: a live server on loopback, laptops with demo data."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inspector.services.demo import fill_demo
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau, SwappableApp, ThreadServer, make_bureau


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[Bureau]:
    """A fresh bureau server, listening on a free loopback port."""
    made = make_bureau(tmp_path / "bureau")
    server = ThreadServer(made.app).start()
    made.url = server.url
    yield made
    server.stop()
    made.database.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "laptop"
    with Store.open(root) as store:
        fill_demo(store, today=DEMO_TODAY)
    (root / "inspector.lock").unlink(missing_ok=True)
    return root


@pytest.fixture
def laptop(tmp_path: Path, demo_template: Path) -> Callable[[str], Path]:
    """A copy of the demo laptop (same visits); ``fresh=True`` fills its own (different uuids)."""

    def make(name: str, *, fresh: bool = False) -> Path:
        root = tmp_path / name
        if fresh:
            with Store.open(root) as store:
                fill_demo(store, today=DEMO_TODAY)
        else:
            shutil.copytree(demo_template, root)
        return root

    return make


@pytest.fixture
def swappable_server() -> Iterator[tuple[SwappableApp, ThreadServer]]:
    """One listening server whose app (and so database) each trial replaces."""
    app = SwappableApp(None)
    server = ThreadServer(app).start()
    yield app, server
    server.stop()

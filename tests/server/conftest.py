"""Fixtures of the server and sync tests: a live server on loopback, laptops with demo data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inspector.services.demo import fill_demo
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau, SwappableApp, ThreadServer, listening_bureau
from tests.server.postgres import PostgresCluster, binaries

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the session (one per xdist worker), started on first use.

    Under CI a missing PostgreSQL fails the run: the server must be proven on both engines there.
    """
    bin_dir = binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (apt-get install postgresql): the server tests need it in CI")
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
    cluster = PostgresCluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The bureau's database: a SQLite file in the test's folder (None), or a new PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture
def bureau(tmp_path: Path, database_url: str | None) -> Iterator[Bureau]:
    """A fresh bureau server on each engine, listening on a free loopback port."""
    with listening_bureau(tmp_path / "bureau", database_url=database_url) as made:
        yield made


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


@pytest.fixture(scope="module")
def listening() -> Iterator[tuple[SwappableApp, ThreadServer]]:
    """One listening server for a module's trials; each trial puts in its own app (and database)."""
    app = SwappableApp(None)
    server = ThreadServer(app).start()
    yield app, server
    server.stop()

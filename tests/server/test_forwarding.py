"""County → province forwarding, on loopback: laptops sync to a county server started with
``--forward-to``; the province ends with exactly one copy of every visit version, its photos and
the rectification events — through a faulty link, a province outage and a kill -9 of the county.

CI runs ``INSPECTOR_FORWARD_TRIALS`` seeded fault trials (24 by default).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspector.cli.forwarding_commands import TOKEN_VARIABLE
from inspector.core.canonical import canonical_bytes
from inspector.server import forwarding
from inspector.server.accounts import Role, list_accounts
from inspector.server.app import create_app
from inspector.server.db import Database, feed, sqlite_url, visits
from inspector.server.forwarding import (
    Forwarder,
    ForwardReport,
    ForwardSettings,
    forward_pending,
    forwarding_status,
    retry_parked,
)
from inspector.server.records import PhotoFolder
from inspector.services.demo import fill_demo
from inspector.store.store import Store
from inspector.sync.client import RetryPolicy
from inspector.sync.errors import Refused, SyncError
from tests.conftest import DEMO_TODAY
from tests.server.fault_proxy import FaultProxy
from tests.server.harness import (
    FAST_RETRY,
    Bureau,
    ServerProcess,
    SwappableApp,
    ThreadServer,
    free_port,
    make_bureau,
    wait_until,
)
from tests.server.invariants import check_invariants, local_versions
from tests.server.test_crashes import _sync, enrol_lead, kill_when
from tests.server.test_faults import TRIAL_TIMEOUT, choose_fault
from tests.server.test_sync import _amend

TRIALS = int(os.environ.get("INSPECTOR_FORWARD_TRIALS", "24"))
FAULTED_RETRIES = (FAST_RETRY, RetryPolicy(attempts=1))
"""The faulted round retries (the province answers replays) or gives up at once (the next round
resumes from the checkpoint)."""
COUNTY_ACCOUNT = "鲁山县民政局"


# -- what must hold ----------------------------------------------------------------------------


def held_visits(database: Database) -> dict[tuple[str, int], str]:
    with database.reading() as conn:
        rows = conn.execute(select(visits.c.uuid, visits.c.version, visits.c.body_sha256)).all()
    held = {(row.uuid, row.version): row.body_sha256 for row in rows}
    assert len(held) == len(rows)
    return held


def held_events(database: Database) -> dict[str, tuple[str, str]]:
    """Each event's content (but its signature), and the signature's first signer."""
    with database.reading() as conn:
        rows = conn.execute(select(feed.c.key, feed.c.body).where(feed.c.kind == "rect_event")).all()
    held = {}
    for row in rows:
        event = json.loads(row.body)
        signature = event.pop("signed_by")
        held[row.key] = (hashlib.sha256(canonical_bytes(event)).hexdigest(), signature.rpartition("/")[2])
    return held


def _signatures(database: Database) -> dict[str, str]:
    with database.reading() as conn:
        rows = conn.execute(select(feed.c.key, feed.c.body).where(feed.c.kind == "rect_event")).all()
    return {row.key: json.loads(row.body)["signed_by"] for row in rows}


def relayed_signatures(province: Database, county: Database) -> None:
    """At the province an event is signed by the county's account, before the laptop's account."""
    at_county, at_province = _signatures(county), _signatures(province)
    assert "/" not in "".join(at_county.values())
    relays = {at_province[key].removesuffix(f"/{signature}") for key, signature in at_county.items()}
    assert len(relays) == 1 and "/" not in relays.pop()


def check_forwarded(county: Database, county_photos: Path, province: Bureau, laptops: list[Path]) -> None:
    """The province holds what the laptops signed off, once, with its photos; and exactly what the
    county holds: the same versions with the same hashes, the same events; nothing waits."""
    check_invariants(province.database, province.config.photo_dir, laptops)
    assert held_visits(province.database) == held_visits(county)
    assert held_events(province.database) == held_events(county)
    assert held_events(county), "the demo has rectification events to forward"
    relayed_signatures(province.database, county)
    county_folder, province_folder = PhotoFolder(county_photos), PhotoFolder(province.config.photo_dir)
    for path in Path(county_photos).glob("*/*"):
        copy = province_folder.path(path.name).read_bytes()
        assert copy == county_folder.path(path.name).read_bytes()
        assert hashlib.sha256(copy).hexdigest() == path.name
    [state] = forwarding_status(county)
    assert (state["pending_visits"], state["pending_events"], state["last_error"]) == (0, 0, None)


def last_error_code(county: Database) -> str | None:
    states = forwarding_status(county)
    return (states[0]["last_error"] or {}).get("code") if states else None


def forwarded_everything(county: Database) -> Callable[[], bool]:
    def done() -> bool:
        states = forwarding_status(county)
        return (
            bool(states)
            and states[0]["last_forwarded_at"] is not None
            and states[0]["pending_visits"] == 0 == (states[0]["pending_events"])
        )

    return done


# -- a county server in a child process ----------------------------------------------------------


@dataclass
class County:
    root: Path
    process: ServerProcess
    lead_token: str
    database: Database

    @property
    def photos(self) -> Path:
        return self.root / "photos"


@pytest.fixture
def start_county(
    tmp_path: Path, database_url: str | None, request: pytest.FixtureRequest
) -> Iterator[Callable[..., County]]:
    """``inspector serve --forward-to URL`` on a free port, its token in a file; laptops enrol as its lead.

    The county's database is SQLite or PostgreSQL (the ``database_url`` fixture runs both); on
    PostgreSQL one of its own, apart from the province's.
    """
    started: list[County] = []

    def start(province_url: str, province_token: str, *, token_in_environment: bool = False) -> County:
        root = tmp_path / "county"
        url = sqlite_url(root / "bureau.sqlite3")
        if database_url is not None:
            url = request.getfixturevalue("postgres_cluster").new_database()
        lead_token = enrol_lead(root, url)
        options = ("--db", url, "--forward-to", province_url, "--forward-every", "0.3")
        environment = None
        if token_in_environment:
            environment = {**os.environ, TOKEN_VARIABLE: province_token}
        else:
            token_file = tmp_path / "province.token"
            token_file.write_text(province_token + "\n", encoding="utf-8")
            options += ("--forward-token-file", str(token_file))
        process = ServerProcess(root, free_port(), tmp_path / "county.log", options, environment).start()
        county = County(root, process, lead_token, Database(url))
        started.append(county)
        return county

    yield start
    for county in started:
        county.process.kill()
        county.database.dispose()


def laptops_sync(laptops: list[Path], county: County) -> None:
    for root in laptops:
        assert _sync(root, county.process.url, county.lead_token) == "synced"


def test_a_county_forwards_everything_once_and_a_second_run_sends_nothing(
    bureau: Bureau, start_county: Callable[..., County], laptop: Callable[..., Path]
) -> None:
    province_token = bureau.enrol(COUNTY_ACCOUNT, Role.LEAD)
    county = start_county(bureau.url, province_token)
    laptops = [laptop("a"), laptop("b", fresh=True)]
    laptops_sync(laptops, county)
    wait_until(forwarded_everything(county.database), what="the county to forward everything")
    check_forwarded(county.database, county.photos, bureau, laptops)
    before = held_visits(bureau.database)
    # the province knows the county by its token; each visit's author stays inside its sealed bytes
    [county_account] = [account.id for account in list_accounts(bureau.database) if account.name == COUNTY_ACCOUNT]
    with bureau.database.reading() as conn:
        assert set(conn.execute(select(visits.c.uploaded_by)).scalars()) == {county_account}

    laptops_sync(laptops, county)
    with FaultProxy(int(bureau.url.rsplit(":", 1)[1])) as proxy, bureau.client(url=proxy.url) as client:
        report = forward_pending(county.database, PhotoFolder(county.photos), client, bureau.url)
        assert report == ForwardReport()
        assert proxy.bytes_up == 0, "with nothing waiting the province is not called"
    assert held_visits(bureau.database) == before
    check_forwarded(county.database, county.photos, bureau, laptops)
    assert province_token not in county.process.log.read_text(encoding="utf-8")


def test_a_province_outage_only_delays(
    tmp_path: Path, start_county: Callable[..., County], laptop: Callable[..., Path], run_cli: Callable
) -> None:
    province = make_bureau(tmp_path / "province")
    server = ThreadServer(province.app)  # bound, not yet listening: the province is down
    province.url = server.url
    try:
        county = start_county(server.url, province.enrol(COUNTY_ACCOUNT, Role.LEAD), token_in_environment=True)
        laptops = [laptop("a")]
        laptops_sync(laptops, county)

        wait_until(lambda: last_error_code(county.database) == "offline", what="the county to find the province down")
        status = run_cli(
            "--lang", "en", "server", "forwarding", "status", "--data-dir", county.root, "--db", county.database.url
        )
        assert status.code == 0
        assert f"Cannot reach {server.url}" in status.out and "waiting: 3 visit versions" in status.out
        server.start()
        wait_until(forwarded_everything(county.database), what="the county to forward once the province is up")
        check_forwarded(county.database, county.photos, province, laptops)
        after = run_cli(
            "server", "forwarding", "status", "--json", "--data-dir", county.root, "--db", county.database.url
        )
        assert '"last_error": null' in after.out
    finally:
        server.stop()
        province.database.dispose()


@pytest.mark.parametrize("seed", (1, 2))
def test_kill_9_of_the_county_mid_forward(
    seed: int, bureau: Bureau, start_county: Callable[..., County], laptop: Callable[..., Path]
) -> None:
    laptops = [laptop("a"), laptop("b", fresh=True)]
    with FaultProxy(int(bureau.url.rsplit(":", 1)[1])) as proxy:
        county = start_county(proxy.url, bureau.enrol(COUNTY_ACCOUNT, Role.LEAD))
        total = sum(len(data) for root in laptops for data in local_versions(root).values())
        threshold = random.Random(seed).randrange(1, total)
        done = threading.Event()
        watcher = kill_when(proxy, threshold, county.process.kill, done)
        for root in laptops:  # the kill may land while a laptop still syncs: it syncs again below
            _sync(root, county.process.url, county.lead_token)
        watcher.join(30)
        assert county.process.process is not None and county.process.process.poll() is not None
        county.process.start()
        laptops_sync(laptops, county)
        wait_until(forwarded_everything(county.database), what="the restarted county to forward")
    check_forwarded(county.database, county.photos, bureau, laptops)


# -- the forwarder in this process -------------------------------------------------------------


def test_a_refusing_province_is_recorded_and_forwarding_goes_on_once_allowed(
    bureau: Bureau, tmp_path: Path, laptop: Callable[..., Path], run_cli: Callable
) -> None:
    county = make_bureau(tmp_path / "county")
    laptops = [laptop("a")]
    served: list[Database] = []
    try:
        for role in ("inspector", "lead"):  # an account that may not upload, then the right one
            settings = ForwardSettings(bureau.url, lambda role=role: bureau.client(role), every=0.2, first_retry=0.05)
            app = create_app(replace(county.config, forward=settings))  # its lifespan runs the forwarder
            served.append(app.state.inspector.database)
            county_server = ThreadServer(app).start()
            try:
                if role == "inspector":
                    assert _sync(laptops[0], county_server.url, county.tokens["lead"]) == "synced"
                    wait_until(
                        lambda: last_error_code(county.database) == "forbidden", what="the refusal to be recorded"
                    )
                else:
                    wait_until(forwarded_everything(county.database), what="forwarding with the right account")
            finally:
                county_server.stop()
            if role == "inspector":
                status = run_cli(
                    "--lang",
                    "en",
                    "server",
                    "forwarding",
                    "status",
                    "--data-dir",
                    county.root,
                    "--db",
                    county.database.url,
                )
                assert "may not upload there" in status.out and "waiting: 3 visit versions" in status.out
                assert held_visits(bureau.database) == {}
        check_forwarded(county.database, county.config.photo_dir, bureau, laptops)
    finally:
        for database in (county.database, *served):
            database.dispose()


def test_a_stop_leaves_a_hanging_round_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A round stuck on the network holds the server's stop up for ``STOP_WAIT_SECONDS`` at most."""
    monkeypatch.setattr(forwarding, "STOP_WAIT_SECONDS", 0.2)
    county = make_bureau(tmp_path / "county")
    connecting, released = threading.Event(), threading.Event()

    def hang() -> Any:
        connecting.set()
        released.wait()
        raise OSError("let go")

    forwarder = Forwarder(county.database, PhotoFolder(county.config.photo_dir), ForwardSettings("https://p", hang))

    async def serve_then_stop() -> float:
        async with forwarder.lifespan(None):
            while not connecting.is_set():
                await asyncio.sleep(0.01)
            stopping = time.monotonic()
        return time.monotonic() - stopping

    try:
        assert asyncio.run(serve_then_stop()) < 5
        released.set()
        wait_until(
            lambda: all(thread.name != "forwarder" for thread in threading.enumerate()),
            what="the round left behind to end on its own",
        )
    finally:
        released.set()
        county.database.dispose()


def test_a_version_the_province_refuses_is_parked_and_the_rest_flows_on(
    bureau: Bureau, tmp_path: Path, laptop: Callable[..., Path], run_cli: Callable
) -> None:
    county = make_bureau(tmp_path / "county")
    county_server = ThreadServer(county.app).start()
    first = laptop("a")
    second = tmp_path / "b"
    shutil.copytree(first, second)
    uuid = min(local_versions(first))[0]
    _amend(first, uuid, "县局复核后更正")
    _amend(second, uuid, "另一份更正")  # other bytes under the same version, sent straight to the province
    try:
        assert _sync(first, county_server.url, county.tokens["lead"]) == "synced"
        assert _sync(second, bureau.url, bureau.tokens["lead"]) == "synced"
        with bureau.client() as client:
            report = forward_pending(county.database, PhotoFolder(county.config.photo_dir), client, bureau.url)
        assert report.parked == 1
        with county.database.reading() as conn:
            refused_seq = conn.execute(
                select(visits.c.seq).where(visits.c.uuid == uuid, visits.c.version == 2)
            ).scalar_one()
        [state] = forwarding_status(county.database)
        assert (state["pending_visits"], state["pending_events"]) == (0, 0), "nothing waits behind the refusal"
        assert [(item["kind"], item["seq"], item["refusal"]["code"]) for item in state["parked"]] == [
            ("visit", refused_seq, "different_bytes")
        ]
        assert held_visits(bureau.database)[(uuid, 2)] != held_visits(county.database)[(uuid, 2)], "kept, not replaced"
        assert set(held_visits(bureau.database)) == set(held_visits(county.database))
        assert held_events(bureau.database) == held_events(county.database)
        where = ["--data-dir", county.root, "--db", county.database.url]
        status = run_cli("--lang", "en", "server", "forwarding", "status", *where)
        assert (
            f"parked visit:{refused_seq}: the higher-level server refused visit {uuid} v2: different_bytes (409)"
            in (status.out)
        )
        retried = run_cli("--lang", "en", "server", "forwarding", "retry", f"visit:{refused_seq}", *where)
        assert (
            retried.code == 0
            and "to be retried" in run_cli("--lang", "en", "server", "forwarding", "status", *where).out
        )
        with bureau.client() as client:
            again = forward_pending(county.database, PhotoFolder(county.config.photo_dir), client, bureau.url)
        assert (again.parked, again.unparked) == (1, 0), "refused again: parked again, with the new reason"
        dropped = run_cli("--lang", "en", "server", "forwarding", "drop", f"visit:{refused_seq}", *where)
        assert dropped.code == 0
        assert forwarding_status(county.database)[0]["parked"] == []
        missing = run_cli("--lang", "en", "server", "forwarding", "drop", f"visit:{refused_seq}", *where)
        assert missing.code != 0 and "No parked item" in missing.err
    finally:
        county_server.stop()
        county.database.dispose()


class _MoodyProvince:
    """A province that refuses one event until told otherwise (the parking's retry, without a server)."""

    def __init__(self, refused_key: str) -> None:
        self.refused_key = refused_key
        self.accepted: list[str] = []

    def hello(self) -> Any:
        return type("Info", (), {"epoch": "e1"})()

    def upload_visits(self, items: list[tuple[str, int, bytes]]) -> list[Any]:
        return [type("Receipt", (), {"created": True})() for _ in items]

    def has_photo(self, sha256: str) -> bool:
        return True

    def put_photo(self, sha256: str, data: bytes) -> Any:
        raise AssertionError("not asked")

    def put_event(self, event_id: str, body: bytes) -> Any:
        if event_id == self.refused_key:
            raise Refused("bad_event", 422, {"field": "at"})
        self.accepted.append(event_id)
        return type("Receipt", (), {"created": True})()

    def close(self) -> None:
        pass


def test_a_parked_event_is_retried_when_an_admin_asks(tmp_path: Path, laptop: Callable[..., Path]) -> None:
    county = make_bureau(tmp_path / "county")
    county_server = ThreadServer(county.app).start()
    try:
        assert _sync(laptop("a"), county_server.url, county.tokens["lead"]) == "synced"
        keys = sorted(held_events(county.database))
        province = _MoodyProvince(keys[0])
        folder = PhotoFolder(county.config.photo_dir)
        report = forward_pending(county.database, folder, province, "https://province")
        assert report.parked == 1 and sorted(province.accepted) == keys[1:]
        [state] = forwarding_status(county.database)
        [parked] = state["parked"]
        assert (parked["key"], parked["refusal"]["detail"], state["pending_events"]) == (keys[0], {"field": "at"}, 0)
        assert forward_pending(county.database, folder, province, "https://province").parked == 0, "not asked again"
        province.refused_key = ""
        assert retry_parked(county.database, "event", parked["seq"]) == 1
        retried = forward_pending(county.database, folder, province, "https://province")
        assert (retried.unparked, province.accepted[-1]) == (1, keys[0])
        assert forwarding_status(county.database)[0]["parked"] == []
    finally:
        county_server.stop()
        county.database.dispose()


# -- seeded faults between county and province ---------------------------------------------------


@dataclass(frozen=True)
class CountyTemplate:
    root: Path
    laptops: list[Path]
    visit_bytes: int


@pytest.fixture(scope="module")
def county_template(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> CountyTemplate:
    """A county server's folder after two laptops synced to it (copied for each trial)."""
    base = tmp_path_factory.mktemp("county-template")
    county = make_bureau(base / "county")
    server = ThreadServer(county.app).start()
    laptops = [base / "a", base / "b"]
    shutil.copytree(demo_template, laptops[0])
    with Store.open(laptops[1]) as store:
        fill_demo(store, today=DEMO_TODAY)
    try:
        for root in laptops:
            assert _sync(root, server.url, county.tokens["lead"]) == "synced"
        with county.database.reading() as conn:
            size = sum(len(body) for body in conn.execute(select(visits.c.body)).scalars())
    finally:
        server.stop()
        county.database.dispose()
    return CountyTemplate(base / "county", laptops, size)


@pytest.mark.parametrize("seed", range(TRIALS))
def test_a_faulty_link_to_the_province_loses_and_doubles_nothing(
    seed: int, county_template: CountyTemplate, listening: tuple[SwappableApp, ThreadServer], tmp_path: Path
) -> None:
    rng = random.Random(seed)
    app, server = listening
    shutil.copytree(county_template.root, tmp_path / "county")
    county = Database(sqlite_url(tmp_path / "county" / "bureau.sqlite3"))
    photos = PhotoFolder(tmp_path / "county" / "photos")
    province = make_bureau(tmp_path / "province")
    app.app = province.app
    province.url = server.url
    fault = choose_fault(rng, county_template.visit_bytes + 4_000)
    outcome = "forwarded"
    try:
        with (
            FaultProxy(server.port, fault) as proxy,
            province.client(url=proxy.url, timeout=TRIAL_TIMEOUT, retry=rng.choice(FAULTED_RETRIES)) as client,
        ):
            try:
                forward_pending(county, photos, client, server.url)
            except SyncError as error:
                outcome = error.code
            assert proxy.struck, "the fault is drawn inside the traffic: it must strike"
        with province.client(retry=FAST_RETRY) as client:
            forward_pending(county, photos, client, server.url)
        assert outcome in {"forwarded", "offline", "timeout"}
        check_forwarded(county, tmp_path / "county" / "photos", province, county_template.laptops)
    finally:
        county.dispose()
        province.database.dispose()


# -- the command line ----------------------------------------------------------------------------


def test_serve_says_what_is_missing_for_forwarding(
    run_cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    serve = ("--lang", "en", "--data-dir", tmp_path / "county", "serve", "--port", str(free_port()))
    no_token = run_cli(*serve, "--forward-to", "https://province.example")
    assert no_token.code == 1 and "INSPECTOR_FORWARD_TOKEN" in no_token.err
    no_target = run_cli(*serve, "--forward-token-file", tmp_path / "token")
    assert no_target.code == 1 and "go with --forward-to" in no_target.err
    unreadable = run_cli(*serve, "--forward-to", "https://province.example", "--forward-token-file", tmp_path / "nope")
    assert unreadable.code == 1 and "Cannot read the token file" in unreadable.err
    monkeypatch.setenv(TOKEN_VARIABLE, "a-token")
    in_clear = run_cli(*serve, "--forward-to", "http://province.example")
    assert in_clear.code == 1 and "plain http" in in_clear.err
    assert "a-token" not in in_clear.out + in_clear.err
    never = run_cli("--lang", "en", "server", "forwarding", "status", "--data-dir", tmp_path / "county")
    assert never.code == 0 and "has not forwarded anything" in never.out


def test_a_province_restored_from_a_backup_gets_everything_again(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    """The province forgets what came after its backup; at the county's next round all is sent again."""
    from inspector.server.backup import backup, restore

    province = bureau
    county = make_bureau(tmp_path / "county")
    listening = ThreadServer(county.app).start()
    county.url = listening.url
    province.tokens["county"] = province.enrol(COUNTY_ACCOUNT, Role.LEAD)
    photos = PhotoFolder(county.config.photo_dir)
    laptops = [laptop("a"), laptop("b", fresh=True), laptop("c", fresh=True)]

    def upload_and_forward(root: Path) -> ForwardReport:
        assert _sync(root, county.url, county.tokens["lead"]) == "synced"
        with province.client("county") as upstream:
            return forward_pending(county.database, photos, upstream, province.url)

    try:
        upload_and_forward(laptops[0])
        backup(province.config.database_url, tmp_path / "province.backup")
        upload_and_forward(laptops[1])
        province.database.dispose()
        restore(province.config.database_url, tmp_path / "province.backup")
        assert len(held_visits(province.database)) == 3

        report = upload_and_forward(laptops[2])
        # everything again: what the province kept is answered with its receipt, the rest is sent
        assert (report.visits_already, report.visits_sent) == (3, 6)
        check_forwarded(county.database, county.config.photo_dir, province, laptops)
    finally:
        listening.stop()
        county.database.dispose()

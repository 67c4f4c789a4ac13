"""Document numbers unique across the bureau, offline: each laptop issues from blocks (号段) the
server granted it at sync; a request sent again gets the same block; numbers given twice before
the blocks are reported by the server."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.core.visits import rectifications
from inspector.core.vocabulary import VisitStatus
from inspector.server.accounts import Role
from inspector.server.numbers import duplicate_numbers
from inspector.services import number_blocks
from inspector.services.documents import issue_notice
from inspector.store.errors import StoreError
from inspector.store.store import Store
from inspector.sync.errors import Refused
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau
from tests.server.test_crashes import _sync


def signed_visits(root: Path) -> list[str]:
    """The signed-off visits that found something (a notice can go out), at different sites."""
    with Store.open(root, readonly=True) as store:
        signed = [store.load_visit(s.uuid) for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF]
    by_site = {visit.site.id: visit.uuid for visit in signed if rectifications(visit)}
    return sorted(by_site.values())


def numbers_in(blocks: list[tuple[int, int]]) -> set[int]:
    return {number for first, last in blocks for number in range(first, last + 1)}


def notice(root: Path, visit_uuid: str) -> str:
    with Store.open(root) as store:
        return issue_notice(store, visit_uuid, output=root).number


def test_two_laptops_issuing_offline_never_give_the_same_number(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    first, second = laptop("a"), laptop("b")
    for root in (first, second):
        assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    one, other, *_ = signed_visits(first)
    # offline from here: each laptop numbers from its own block
    numbers = [notice(first, one), notice(second, other), notice(first, other), notice(second, one)]
    assert len(set(numbers)) == 4, numbers
    with Store.open(first, readonly=True) as a, Store.open(second, readonly=True) as b:
        blocks_a, blocks_b = a.number_blocks("notice:2026"), b.number_blocks("notice:2026")
    assert blocks_a and blocks_b
    assert not numbers_in(blocks_a) & numbers_in(blocks_b)
    for root in (first, second):
        assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    assert duplicate_numbers(bureau.database) == []


def test_a_request_sent_again_gets_the_same_block_and_no_one_elses(bureau: Bureau) -> None:
    request_id = str(uuid.uuid4())
    with bureau.client() as client:
        block = client.number_block(request_id, "notice:2026", 10)
        assert client.number_block(request_id, "notice:2026", 10) == block
        following = client.number_block(str(uuid.uuid4()), "notice:2026", 5)
        assert following["first"] == block["last"] + 1
        with pytest.raises(Refused) as reused:
            client.number_block(request_id, "bulletin:2026", 10)
        assert reused.value.code == "request_reused"
        for series, size in (("notice:1999", 10), ("notice", 10), ("notice:2026", 0), ("notice:2026", 10_000)):
            with pytest.raises(Refused) as refused:
                client.number_block(str(uuid.uuid4()), series, size)
            assert refused.value.code in ("bad_number_request", "bad_body")  # a year too far, or a bad shape
    bureau.tokens["other_lead"] = bureau.enrol("another-lead", Role.LEAD)
    with bureau.client("other_lead") as stranger, pytest.raises(Refused) as taken:
        stranger.number_block(request_id, "notice:2026", 10)
    assert taken.value.code == "request_reused"


def test_a_used_up_block_says_to_sync_before_the_next_number(laptop: Callable[..., Path], run_cli: Callable) -> None:
    root = laptop("a")
    one, other, *_ = signed_visits(root)
    with Store.open(root) as store:
        request_id = store.block_request("notice:2026")
        store.add_number_block("notice:2026", 41, 41, request_id)
        assert store.free_numbers("notice:2026") == 1
    last = run_cli("--lang", "en", "--data-dir", root, "notice", one[:8], "-o", root)
    assert last.code == 0 and "〔2026〕41号" in last.out and "Only 0 document numbers left" in last.err
    with Store.open(root) as store, pytest.raises(StoreError) as used_up:
        issue_notice(store, other, output=root)
    assert used_up.value.code == "numbers_exhausted"
    shown = run_cli("--lang", "en", "--data-dir", root, "notice", other[:8], "-o", root)
    assert shown.code == 1 and "sync with the bureau server to get a new block" in shown.err
    assert "--fallback-number" in shown.err

    # the clerk's explicit choice: the next number after the block, recorded as a fallback
    taken = run_cli("--lang", "en", "--data-dir", root, "notice", other[:8], "-o", root, "--fallback-number")
    assert taken.code == 0 and "〔2026〕42号" in taken.out and "fallback number" in taken.err
    with Store.open(root, readonly=True) as store:
        issued = {row["number"]: row.get("fallback", False) for row in store.issued_numbers("notice:2026")}
    assert issued == {41: False, 42: True}


def test_a_lost_answer_costs_no_numbers(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    """The laptop keeps its request id until the block is stored: asked again, the same block."""
    root = laptop("a")
    with Store.open(root) as store, bureau.client() as client:
        request_id = store.block_request("notice:2026")
        client.number_block(request_id, "notice:2026", number_blocks.BLOCK_SIZE)  # the answer is lost
        refill = number_blocks.refill(store, client, DEMO_TODAY.date())
        assert refill.granted == 2 and refill.low == []
        assert store.number_blocks("notice:2026") == [(1, number_blocks.BLOCK_SIZE)]


def test_numbers_given_twice_before_the_blocks_are_reported(
    bureau: Bureau, laptop: Callable[..., Path], run_cli: Callable
) -> None:
    first, second = laptop("a"), laptop("b")
    one, other, *_ = signed_visits(first)
    twice = notice(first, one)  # both laptops count on their own: never synced
    assert notice(second, other) == twice
    for root in (first, second):
        assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    (found,) = duplicate_numbers(bureau.database)
    assert found.number == twice and len(found.sites) == 2
    listed = run_cli(*bureau.server_cli("duplicate-numbers", "--json"))
    assert listed.code == 0, listed.err
    assert [item["number"] for item in json.loads(listed.out)] == [twice]

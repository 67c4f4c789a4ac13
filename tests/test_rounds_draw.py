"""The draw of an inspection round (双随机): reproducible from its record, recusal never broken,
unbiased for equal weights, refused clearly without enough eligible inspectors, and sealed."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.core.errors import DomainError
from inspector.core.rounds import (
    Candidate,
    DrawStream,
    Inspector,
    RoundPlan,
    Weighting,
    draw,
    make_round,
    recusal_kept,
    verify,
)
from inspector.core.vocabulary import SiteKind

TOWNSHIPS = ("鲁阳街道", "琴台街道", "张官营镇", "辛集乡", "梁洼镇")


def sites(count: int, *, townships: tuple[str, ...] = TOWNSHIPS) -> tuple[Candidate, ...]:
    return tuple(
        Candidate(f"S{index:03d}", f"第{index}敬老院", SiteKind.ELDERLY_CARE, townships[index % len(townships)])
        for index in range(count)
    )


def inspectors(count: int, *, conflicts: dict[int, tuple[str, ...]] | None = None) -> tuple[Inspector, ...]:
    conflicts = conflicts or {}
    return tuple(
        Inspector(f"insp{index:02d}", TOWNSHIPS[index % len(TOWNSHIPS)], conflicts.get(index, ()), f"检查员{index}")
        for index in range(count)
    )


def plan(
    count: int = 5,
    *,
    candidates: tuple[Candidate, ...] | None = None,
    people: tuple[Inspector, ...] | None = None,
    team_size: int = 2,
    weighting: Weighting = Weighting.EQUAL,
) -> RoundPlan:
    return RoundPlan(
        name="2026年12月养老机构双随机抽查",
        start=date(2026, 12, 1),
        end=date(2026, 12, 20),
        kinds=(SiteKind.ELDERLY_CARE,),
        townships=(),
        count=count,
        team_size=team_size,
        weighting=weighting,
        candidates=candidates if candidates is not None else sites(20),
        inspectors=people if people is not None else inspectors(8),
    )


def seed(number: int) -> bytes:
    return hashlib.sha256(f"test seed {number}".encode()).digest()


def record(number: int = 1):
    return make_round(plan(), seed(number), round_id="r-1", drawn_at="2026-11-28T16:30:00+08:00", drawn_by="局长")


def test_the_same_record_draws_the_same_sites_and_teams() -> None:
    first = record()
    assert draw(first.plan, bytes.fromhex(first.seed)) == first.assignments
    verdict = verify(first.to_dict())
    assert verdict.holds, verdict
    assert record(2).assignments != first.assignments  # another seed, another draw


def test_the_stream_is_sha256_in_counter_mode() -> None:
    """Anyone can re-implement it: 8 bytes of SHA-256(seed ‖ counter), big-endian, below the bound."""
    block = hashlib.sha256(seed(1) + (0).to_bytes(8, "big")).digest()
    assert DrawStream(seed(1)).below(1000) == int.from_bytes(block[:8], "big") % 1000


@settings(max_examples=1000, deadline=None)
@given(
    number=st.integers(min_value=0, max_value=2**32),
    site_count=st.integers(min_value=1, max_value=25),
    people=st.integers(min_value=6, max_value=14),
    team_size=st.integers(min_value=2, max_value=3),
    conflicted=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 24)), max_size=10),
)
def test_recusal_is_never_broken(
    number: int, site_count: int, people: int, team_size: int, conflicted: list[tuple[int, int]]
) -> None:
    declared: dict[int, tuple[str, ...]] = {}
    for person, site in conflicted:
        declared[person] = (*declared.get(person, ()), f"S{site:03d}")
    round_plan = plan(
        count=max(1, site_count // 2),
        candidates=sites(site_count),
        people=inspectors(people, conflicts=declared),
        team_size=team_size,
    )
    try:
        made = make_round(round_plan, seed(number), round_id="r", drawn_at="t", drawn_by="")
    except DomainError as error:  # a site whose eligible inspectors are too few is refused, never staffed anyway
        assert error.code == "round.not_enough_eligible"
        return
    assert recusal_kept(made)
    by_account = {inspector.account: inspector for inspector in round_plan.inspectors}
    for assignment in made.assignments:
        assert len(set(assignment.team)) == team_size
        for account in assignment.team:
            assert by_account[account].township != assignment.site.township
            assert assignment.site.id not in by_account[account].conflicts


CHI_SQUARE_19_DF_P001 = 43.82
"""The chi-square statistic with 19 degrees of freedom exceeds this with probability 0.001."""


def chi_square_of_draws(round_plan: RoundPlan, draws: int) -> float:
    counts: Counter[str] = Counter()
    for number in range(draws):
        counts.update(assignment.site.id for assignment in draw(round_plan, seed(number)))
    expected = draws * round_plan.count / len(round_plan.candidates)
    return sum((counts[site.id] - expected) ** 2 / expected for site in round_plan.candidates)


def test_equal_weights_draw_every_site_alike() -> None:
    """Chi-square over 4,000 draws of 5 of 20 sites (deterministic seeds: it cannot flake): each
    site is expected 1,000 times; an unbiased draw stays under the 0.1 % critical value."""
    assert chi_square_of_draws(plan(count=5), 4000) < CHI_SQUARE_19_DF_P001
    # the same test catches one site weighing double (its one open item under the risk weighting)
    favoured = (replace(sites(20)[0], open_items=1), *sites(20)[1:])
    biased = plan(count=5, candidates=favoured, weighting=Weighting.RISK)
    assert chi_square_of_draws(biased, 4000) > CHI_SQUARE_19_DF_P001


def test_risk_weights_draw_riskier_sites_more_often() -> None:
    risky = tuple(
        Candidate(site.id, site.name, site.kind, site.township, open_items=3, overdue_items=2) if index < 5 else site
        for index, site in enumerate(sites(20))
    )
    round_plan = plan(count=3, candidates=risky, weighting=Weighting.RISK)
    counts: Counter[str] = Counter()
    for number in range(500):
        counts.update(assignment.site.id for assignment in draw(round_plan, seed(number)))
    assert sum(counts[f"S{index:03d}"] for index in range(5)) > sum(counts[f"S{index:03d}"] for index in range(5, 20))
    assert risky[0].weight(Weighting.RISK) == 6 and risky[10].weight(Weighting.RISK) == 1


def test_not_enough_eligible_inspectors_is_refused_by_name() -> None:
    # three inspectors, one of them from the site's own township: two left, a team of three wanted
    one_site = (Candidate("S001", "鲁阳街道敬老院", SiteKind.ELDERLY_CARE, "鲁阳街道"),)
    people = (
        Inspector("a", "鲁阳街道"),
        Inspector("b", "琴台街道"),
        Inspector("c", "辛集乡"),
    )
    with pytest.raises(DomainError) as refused:
        draw(plan(count=1, candidates=one_site, people=people, team_size=3), seed(1))
    assert refused.value.code == "round.not_enough_eligible"
    assert refused.value.params == {"site": "鲁阳街道敬老院", "township": "鲁阳街道", "eligible": 2, "needed": 3}
    with pytest.raises(DomainError) as too_few:
        draw(plan(people=inspectors(1)), seed(1))
    assert too_few.value.code == "round.not_enough_inspectors"
    with pytest.raises(DomainError) as one_person_team:
        draw(plan(team_size=1), seed(1))
    assert one_person_team.value.code == "round.bad_team_size"


def test_a_hand_edited_record_fails_verify() -> None:
    sealed = record().to_dict()
    swapped = copy.deepcopy(sealed)
    swapped["assignments"][0]["team"][0] = "insp07"
    assert not verify(swapped).seal_holds and not verify(swapped).holds
    # edited and sealed again (the seal recomputed): the draw no longer follows from the seed
    from inspector.core.canonical import content_hash

    resealed = {**swapped, "seal": content_hash({k: v for k, v in swapped.items() if k != "seal"})}
    verdict = verify(resealed)
    assert verdict.seal_holds and not verdict.draw_matches and not verdict.holds
    # a seed changed after the fact, with its seal redone: the same
    reseeded = {**sealed, "seed": seed(99).hex()}
    reseeded["seal"] = content_hash({k: v for k, v in reseeded.items() if k != "seal"})
    assert not verify(reseeded).holds


def test_a_redraw_is_a_new_version_naming_the_old_seal_and_why() -> None:
    first = record()
    with pytest.raises(DomainError) as silent:
        make_round(first.plan, seed(5), round_id="r-1", drawn_at="t", drawn_by="", previous=first)
    assert silent.value.code == "round.redraw_needs_reason"
    second = make_round(
        first.plan, seed(5), round_id="r-1", drawn_at="t", drawn_by="", previous=first, reason="张三病假"
    )
    assert (second.version, second.supersedes, second.reason) == (2, first.seal, "张三病假")
    assert verify(second.to_dict()).holds

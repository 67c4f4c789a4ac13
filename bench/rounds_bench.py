"""How long a county's round takes to draw and to verify, and how even the draw is.

A county-sized register (400 sites of one kind in 23 townships, 60 inspectors, each with two
declared conflicts) and a round of 40 sites in teams of 3; then 2,000 seeded draws of 5 of 20 sites
with equal weights, to show the chi-square statistic against its 0.1 % critical value (43.82, 19
degrees of freedom). Run: ``python3 bench/rounds_bench.py`` (prints a Markdown table).
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections import Counter
from datetime import date

from inspector.core.canonical import canonical_bytes
from inspector.core.rounds import Candidate, Inspector, RoundPlan, Weighting, draw, make_round, verify
from inspector.core.vocabulary import SiteKind

TOWNSHIPS = [f"第{index}镇" for index in range(23)]


def county_plan(count: int, sites: int, people: int, team_size: int, weighting: Weighting) -> RoundPlan:
    candidates = tuple(
        Candidate(
            f"S{index:04d}",
            f"单位{index}",
            SiteKind.ELDERLY_CARE,
            TOWNSHIPS[index % 23],
            index % 4,
            index % 2,
            index % 6,
        )
        for index in range(sites)
    )
    inspectors = tuple(
        Inspector(
            f"p{index:03d}", TOWNSHIPS[index % 23], (f"S{(index * 7) % sites:04d}", f"S{(index * 13) % sites:04d}")
        )
        for index in range(people)
    )
    return RoundPlan(
        "bench",
        date(2026, 12, 1),
        date(2026, 12, 20),
        (SiteKind.ELDERLY_CARE,),
        (),
        count,
        team_size,
        weighting,
        candidates,
        inspectors,
    )


def seed(number: int) -> bytes:
    return hashlib.sha256(f"bench {number}".encode()).digest()


def timed(action, repeats: int = 7) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    plan = county_plan(40, 400, 60, 3, Weighting.RISK)
    record = make_round(plan, seed(0), round_id="bench", drawn_at="2026-11-28T16:30:00+08:00", drawn_by="")
    data = record.to_dict()
    draw_ms = timed(lambda: draw(plan, seed(1)))
    verify_ms = timed(lambda: verify(data))
    small = county_plan(5, 20, 10, 2, Weighting.EQUAL)
    draws = 2000
    counts: Counter[str] = Counter()
    for number in range(draws):
        counts.update(assignment.site.id for assignment in draw(small, seed(number)))
    expected = draws * 5 / 20
    chi_square = sum((counts[site.id] - expected) ** 2 / expected for site in small.candidates)
    print("| measure | value |")
    print("|---|---:|")
    print(f"| draw 40 of 400 sites, teams of 3 from 60 (median of 7) | {draw_ms:.1f} ms |")
    print(f"| verify that round from its record (seal + draw again) | {verify_ms:.1f} ms |")
    print(f"| record size (canonical JSON) | {len(canonical_bytes(data)) // 1024} KiB |")
    print(f"| chi-square, {draws} draws of 5 of 20, equal weights | {chi_square:.1f} (critical 43.82) |")
    print(f"| per-site count min/max (expected {expected:.0f}) | {min(counts.values())}/{max(counts.values())} |")


if __name__ == "__main__":
    main()

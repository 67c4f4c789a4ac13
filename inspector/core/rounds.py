"""Inspection rounds (双随机、一公开): the sites and the inspectors who go, both drawn at random.

A round is planned from the register of sites (those of the kinds and townships in scope) and a
register of inspectors (each with their own township and declared conflicts). The draw takes a
seed (32 bytes from the operating system's CSPRNG, chosen by the caller) and is a pure function
of the seed and those inputs, so anyone holding the round's record can draw again and get the
same sites and teams (``verify``). The record is sealed like a visit: SHA-256 over its canonical
JSON. A redraw is a new version naming the seal it supersedes and why; a version never changes.

The random stream is SHA-256 in counter mode (``DrawStream``), written out here rather than
taken from ``random``, whose sequences Python does not promise to keep across versions: a
record drawn today must verify on the bureau's next Python too.

Weights (``Weighting.RISK``) are whole numbers, so the draw holds no float: a site weighs
1 + its open rectifications + its overdue ones (counted again) + the problems its last visit found
(at most ``MAX_FINDINGS_WEIGHT``). A site with two open items of which one is overdue, last found
with three problems, weighs 1 + 2 + 1 + 3 = 7: seven times as likely to be drawn first as a site
with a clean record. ``Weighting.EQUAL`` gives every site weight 1.

Recusal: no inspector goes to a site in their own township, or to a site they declared a
conflict with (by its id, or a whole township by name). Each site gets ``team_size`` (at least 2)
inspectors drawn among the eligible ones, those with the fewest assignments so far first, so the
work is spread evenly. A plan in which any site in scope has fewer eligible inspectors than that is
refused before the draw, naming the site: whether a round can be drawn never depends on the seed.
Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from inspector.core.canonical import content_hash
from inspector.core.errors import DomainError
from inspector.core.vocabulary import SiteKind

ALGORITHM = "sha256-ctr/1"
"""Names the stream and the drawing procedure: a record names the one it was drawn with."""
SEED_BYTES = 32
MIN_TEAM_SIZE = 2
MAX_TEAM_SIZE = 10
MAX_FINDINGS_WEIGHT = 5


class Weighting(StrEnum):
    EQUAL = "equal"
    RISK = "risk"


class RoundState(StrEnum):
    DRAWN = "drawn"
    CLOSED = "closed"


@dataclass(frozen=True)
class Candidate:
    """A site in scope, with what its weight is computed from (read from the county's board)."""

    id: str
    name: str
    kind: SiteKind
    township: str
    open_items: int = 0
    overdue_items: int = 0
    last_findings: int = 0

    def weight(self, weighting: Weighting) -> int:
        if weighting is Weighting.EQUAL:
            return 1
        return 1 + self.open_items + self.overdue_items + min(self.last_findings, MAX_FINDINGS_WEIGHT)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "township": self.township,
            "open_items": self.open_items,
            "overdue_items": self.overdue_items,
            "last_findings": self.last_findings,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            kind=SiteKind(data["kind"]),
            township=str(data["township"]),
            open_items=int(data.get("open_items", 0)),
            overdue_items=int(data.get("overdue_items", 0)),
            last_findings=int(data.get("last_findings", 0)),
        )


@dataclass(frozen=True)
class Inspector:
    """One person of the inspector register: their account on the server, where they live and work
    (never sent there), and the sites or townships they declared a conflict of interest with."""

    account: str
    township: str
    conflicts: tuple[str, ...] = ()
    name: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.account

    def recused_from(self, site: Candidate) -> bool:
        return site.township == self.township or site.id in self.conflicts or site.township in self.conflicts

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "name": self.name,
            "township": self.township,
            "conflicts": list(self.conflicts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Inspector:
        return cls(
            account=str(data["account"]),
            township=str(data.get("township", "")),
            conflicts=tuple(str(item) for item in data.get("conflicts", ())),
            name=str(data.get("name", "")),
        )


@dataclass(frozen=True)
class RoundPlan:
    """What a round is drawn from: every input the draw reads, and nothing else."""

    name: str
    start: date
    end: date
    kinds: tuple[SiteKind, ...]
    townships: tuple[str, ...]
    """The townships in scope; empty: all of them."""
    count: int
    """How many sites to draw (a share is turned into a count when the plan is made)."""
    team_size: int
    weighting: Weighting
    candidates: tuple[Candidate, ...]
    inspectors: tuple[Inspector, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kinds": [kind.value for kind in self.kinds],
            "townships": list(self.townships),
            "count": self.count,
            "team_size": self.team_size,
            "weighting": self.weighting.value,
            "candidates": [candidate.to_dict() for candidate in self.candidates],
            "inspectors": [inspector.to_dict() for inspector in self.inspectors],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundPlan:
        return cls(
            name=str(data["name"]),
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            kinds=tuple(SiteKind(kind) for kind in data["kinds"]),
            townships=tuple(str(name) for name in data["townships"]),
            count=int(data["count"]),
            team_size=int(data["team_size"]),
            weighting=Weighting(data["weighting"]),
            candidates=tuple(Candidate.from_dict(item) for item in data["candidates"]),
            inspectors=tuple(Inspector.from_dict(item) for item in data["inspectors"]),
        )


@dataclass(frozen=True)
class Assignment:
    """One drawn site and the team sent there (account names, in the order drawn)."""

    site: Candidate
    team: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"site_id": self.site.id, "team": list(self.team)}


@dataclass(frozen=True)
class RoundRecord:
    """One sealed version of a round: the plan, the seed, the draw, and why it was (re)drawn."""

    round_id: str
    version: int
    plan: RoundPlan
    seed: str
    """Hex of the seed's bytes."""
    assignments: tuple[Assignment, ...]
    drawn_at: str
    drawn_by: str
    reason: str = ""
    supersedes: str = ""
    """The seal of the version this one replaces (a redraw); empty for version 1."""
    algorithm: str = ALGORITHM
    seal: str = ""

    def payload(self) -> dict[str, Any]:
        """What the seal covers: everything but the seal itself."""
        return {
            "round_id": self.round_id,
            "version": self.version,
            "plan": self.plan.to_dict(),
            "seed": self.seed,
            "algorithm": self.algorithm,
            "assignments": [assignment.to_dict() for assignment in self.assignments],
            "drawn_at": self.drawn_at,
            "drawn_by": self.drawn_by,
            "reason": self.reason,
            "supersedes": self.supersedes,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.payload(), "seal": self.seal}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundRecord:
        """A stored record, read as it is (``verify`` says whether it holds); malformed: DomainError."""
        try:
            plan = RoundPlan.from_dict(data["plan"])
            by_id = {candidate.id: candidate for candidate in plan.candidates}
            assignments = tuple(
                Assignment(by_id[item["site_id"]], tuple(str(name) for name in item["team"]))
                for item in data["assignments"]
            )
            return cls(
                round_id=str(data["round_id"]),
                version=int(data["version"]),
                plan=plan,
                seed=str(data["seed"]),
                assignments=assignments,
                drawn_at=str(data["drawn_at"]),
                drawn_by=str(data["drawn_by"]),
                reason=str(data.get("reason", "")),
                supersedes=str(data.get("supersedes", "")),
                algorithm=str(data.get("algorithm", "")),
                seal=str(data.get("seal", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise DomainError("round.malformed", reason=type(error).__name__ + ": " + str(error)) from None


# -- the random stream ---------------------------------------------------------------------------


class DrawStream:
    """Whole numbers below a bound, from SHA-256(seed ‖ counter) blocks: reproducible anywhere.

    ``below(n)`` takes 8 bytes as an unsigned integer and rejects the values at the top of the
    range that would favour small results, so every result is exactly equally likely.
    """

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0
        self._buffer = b""

    def _bytes(self, count: int) -> bytes:
        while len(self._buffer) < count:
            block = hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._buffer += block
        taken, self._buffer = self._buffer[:count], self._buffer[count:]
        return taken

    def below(self, bound: int) -> int:
        if bound < 1:
            raise ValueError("bound must be positive")
        span = 1 << 64
        limit = span - span % bound
        while True:
            value = int.from_bytes(self._bytes(8), "big")
            if value < limit:
                return value % bound


# -- planning and drawing ------------------------------------------------------------------------


def candidates_in_scope(
    sites: Iterable[Candidate], kinds: Sequence[SiteKind], townships: Sequence[str]
) -> tuple[Candidate, ...]:
    """The sites of the kinds and townships in scope (no townships named: all), by id."""
    chosen = [site for site in sites if site.kind in kinds and (not townships or site.township in townships)]
    return tuple(sorted(chosen, key=lambda site: site.id))


def count_of(total: int, *, count: int | None = None, percent: int | None = None) -> int:
    """How many sites to draw: a count, or a share (whole percent) of ``total``, rounded up."""
    if (count is None) == (percent is None):
        raise DomainError("round.count_or_share")
    if percent is not None:
        if not 1 <= percent <= 100:
            raise DomainError("round.bad_share", percent=percent)
        return max(1, -(-total * percent // 100))
    assert count is not None
    if count < 1:
        raise DomainError("round.bad_count", count=count)
    return count


def check_plan(plan: RoundPlan) -> None:
    """Every rule a plan must meet before a draw; DomainError names the first one broken."""
    if not plan.name.strip():
        raise DomainError("round.empty_name")
    if plan.end < plan.start:
        raise DomainError("round.bad_period", start=plan.start.isoformat(), end=plan.end.isoformat())
    if not plan.kinds:
        raise DomainError("round.no_kinds")
    if not MIN_TEAM_SIZE <= plan.team_size <= MAX_TEAM_SIZE:
        raise DomainError("round.bad_team_size", size=plan.team_size, least=MIN_TEAM_SIZE, most=MAX_TEAM_SIZE)
    if not plan.candidates:
        raise DomainError("round.no_sites")
    if plan.count > len(plan.candidates):
        raise DomainError("round.too_many_sites", count=plan.count, available=len(plan.candidates))
    accounts = [inspector.account for inspector in plan.inspectors]
    if len(set(accounts)) != len(accounts):
        raise DomainError("round.duplicate_inspector")
    if len(accounts) < plan.team_size:
        raise DomainError("round.not_enough_inspectors", needed=plan.team_size, available=len(accounts))
    # every site that may be drawn, not only those a seed happens to draw: a plan that can be
    # staffed is staffed whatever the seed, and one that cannot is refused before any draw
    for site in plan.candidates:
        eligible = _eligible(plan, site)
        if len(eligible) < plan.team_size:
            raise DomainError(
                "round.not_enough_eligible",
                site=site.name,
                township=site.township,
                eligible=len(eligible),
                needed=plan.team_size,
            )


def _eligible(plan: RoundPlan, site: Candidate) -> list[str]:
    return [inspector.account for inspector in plan.inspectors if not inspector.recused_from(site)]


def draw(plan: RoundPlan, seed: bytes) -> tuple[Assignment, ...]:
    """The round's sites and teams, a pure function of ``plan`` and ``seed``.

    Sites: drawn one at a time without replacement, each with a chance proportional to its weight
    among those left. Teams: for each drawn site in the order drawn, ``team_size`` inspectors among
    those not recused, each time uniformly among the eligible with the fewest assignments so far.
    """
    check_plan(plan)
    stream = DrawStream(seed)
    remaining = list(plan.candidates)
    sites: list[Candidate] = []
    for _ in range(plan.count):
        weights = [site.weight(plan.weighting) for site in remaining]
        point = stream.below(sum(weights))
        for index, weight in enumerate(weights):
            if point < weight:
                sites.append(remaining.pop(index))
                break
            point -= weight
    load = {inspector.account: 0 for inspector in plan.inspectors}
    assignments = []
    for site in sites:
        eligible = _eligible(plan, site)  # enough: check_plan made sure
        team: list[str] = []
        for _ in range(plan.team_size):
            left = [account for account in eligible if account not in team]
            least = min(load[account] for account in left)
            pool = [account for account in left if load[account] == least]
            chosen = pool[stream.below(len(pool))]
            team.append(chosen)
            load[chosen] += 1
        assignments.append(Assignment(site, tuple(team)))
    return tuple(assignments)


def sealed(record: RoundRecord) -> RoundRecord:
    return replace(record, seal=content_hash(record.payload()))


def make_round(
    plan: RoundPlan,
    seed: bytes,
    *,
    round_id: str,
    drawn_at: str,
    drawn_by: str,
    previous: RoundRecord | None = None,
    reason: str = "",
) -> RoundRecord:
    """Version 1 of a round, or (``previous`` given) its redraw, which must say why."""
    if len(seed) != SEED_BYTES:
        raise DomainError("round.bad_seed")
    if previous is not None and not reason.strip():
        raise DomainError("round.redraw_needs_reason")
    record = RoundRecord(
        round_id=round_id,
        version=previous.version + 1 if previous else 1,
        plan=plan,
        seed=seed.hex(),
        assignments=draw(plan, seed),
        drawn_at=drawn_at,
        drawn_by=drawn_by,
        reason=reason.strip(),
        supersedes=previous.seal if previous else "",
    )
    return sealed(record)


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: the seal holds, and drawing again from the record gives its draw."""

    seal_holds: bool
    draw_matches: bool
    recusal_kept: bool
    problem: DomainError | None = None
    """Why the record could not be drawn again (malformed, an unknown algorithm, a broken rule)."""
    differences: tuple[str, ...] = field(default=())

    @property
    def holds(self) -> bool:
        return self.seal_holds and self.draw_matches and self.recusal_kept


def verify(data: Mapping[str, Any]) -> Verdict:
    """Check a stored round record as it stands (a dict read from its JSON)."""
    payload = {key: value for key, value in data.items() if key != "seal"}
    seal_holds = content_hash(payload) == data.get("seal")
    try:
        record = RoundRecord.from_dict(data)
        if record.algorithm != ALGORITHM:
            raise DomainError("round.unknown_algorithm", algorithm=record.algorithm)
        again = draw(record.plan, bytes.fromhex(record.seed))
    except DomainError as error:
        return Verdict(seal_holds, False, False, problem=error)
    except ValueError as error:  # a seed that is not hex
        return Verdict(seal_holds, False, False, problem=DomainError("round.malformed", reason=str(error)))
    differences = tuple(
        f"{mine.site.id}: {','.join(mine.team)} ≠ {','.join(theirs.team)}"
        if mine.site.id == theirs.site.id
        else f"{mine.site.id} ≠ {theirs.site.id}"
        for mine, theirs in zip(record.assignments, again, strict=False)
        if mine != theirs
    )
    matches = len(record.assignments) == len(again) and not differences
    return Verdict(seal_holds, matches, recusal_kept(record), differences=differences)


def recusal_kept(record: RoundRecord) -> bool:
    """No assignment sends an inspector to their own township or a declared conflict."""
    by_account = {inspector.account: inspector for inspector in record.plan.inspectors}
    return all(
        account in by_account and not by_account[account].recused_from(assignment.site)
        for assignment in record.assignments
        for account in assignment.team
    )


def assignments_of(record: RoundRecord, account: str) -> list[Assignment]:
    """The assignments whose team holds ``account``: all that account may ever learn of the round."""
    return [assignment for assignment in record.assignments if account in assignment.team]

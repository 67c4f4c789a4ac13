"""A visit (一次检查): the team at one site, the frozen checklist, the answers, the seal.

A visit moves draft → completed → signed off. Answers are a log: recording an item again
supersedes the earlier answer, which stays in the log. At sign-off the visit is sealed: the
SHA-256 of its canonical JSON. After that nothing changes in place; a correction is an
amendment with a reason, which makes a new version with a new seal naming the old one.

Every function here takes a visit and returns a new one; none of them does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

import msgspec

from inspector.core.canonical import canonical_bytes, sha256_hex
from inspector.core.checklists import MAX_DEADLINE_DAYS, Checklist, Item
from inspector.core.clock import add_days, from_iso, local_date, to_iso
from inspector.core.errors import DomainError
from inspector.core.sites import Site
from inspector.core.visit_summary import VisitSummary
from inspector.core.vocabulary import Area, Result, Severity, VisitStatus

FORMAT = 1
"""The layout of a visit's dict; raise it with a migration when the layout changes."""


@dataclass(frozen=True)
class Evidence:
    """A file (a photo, a scan) kept under its SHA-256; ``name`` is only the original file name."""

    sha256: str
    name: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(sha256=data["sha256"], name=data["name"], size=int(data["size"]))


@dataclass(frozen=True)
class Answer:
    """One answer to one item, by one person at one moment.

    ``amendment`` is 0 for answers given before sign-off and N for those made by amendment N.
    """

    item_id: str
    result: Result
    by: str
    at: str
    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    severity_override: Severity | None = None
    deadline_override_days: int | None = None
    amendment: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "result": self.result.value,
            "by": self.by,
            "at": self.at,
            "note": self.note,
            "evidence": [e.to_dict() for e in self.evidence],
            "severity_override": self.severity_override.value if self.severity_override else None,
            "deadline_override_days": self.deadline_override_days,
            "amendment": self.amendment,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        severity = data.get("severity_override")
        evidence = data.get("evidence")  # mostly none: a visit has 60 answers and photos for a few
        return cls(
            item_id=data["item_id"],
            result=Result(data["result"]),
            by=data["by"],
            at=data["at"],
            note=data.get("note", ""),
            evidence=tuple(map(Evidence.from_dict, evidence)) if evidence else (),
            severity_override=Severity(severity) if severity else None,
            deadline_override_days=data.get("deadline_override_days"),
            amendment=int(data.get("amendment", 0)),
        )


@dataclass(frozen=True)
class FrozenChecklist:
    """The checklist as it was when the visit started: its identity and the items that applied."""

    id: str
    version: int
    content_hash: str
    title: str
    items: tuple[Item, ...]

    @classmethod
    def freeze(cls, checklist: Checklist, site: Site) -> FrozenChecklist:
        return cls(
            checklist.id,
            checklist.version,
            checklist.content_hash,
            checklist.title,
            checklist.items_for(site),
        )

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise DomainError("visit.unknown_item", item_id=item_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "content_hash": self.content_hash,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }

    @cached_property
    def canonical(self) -> bytes:
        """Its canonical bytes, encoded once: a seal is checked over thousands of visits made from
        a few checklists, and the store's reader gives the visits of one checklist one object."""
        return canonical_bytes(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrozenChecklist:
        return cls(
            id=data["id"],
            version=int(data["version"]),
            content_hash=data["content_hash"],
            title=data["title"],
            items=tuple(Item.from_dict(item) for item in data["items"]),
        )


@dataclass(frozen=True)
class Amendment:
    """A correction after sign-off: who, when, why, and the seal of the version it supersedes."""

    number: int
    by: str
    at: str
    reason: str
    supersedes_seal: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "by": self.by,
            "at": self.at,
            "reason": self.reason,
            "supersedes_seal": self.supersedes_seal,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Amendment:
        return cls(
            int(data["number"]),
            data["by"],
            data["at"],
            data["reason"],
            data["supersedes_seal"],
        )


@dataclass(frozen=True)
class Visit:
    uuid: str
    site: Site
    lead: str
    members: tuple[str, ...]
    arrived_at: str
    checklist: FrozenChecklist
    unannounced: bool = True
    arrival_change_reason: str = ""
    departed_at: str | None = None
    status: VisitStatus = VisitStatus.DRAFT
    answer_log: tuple[Answer, ...] = ()
    signed_off_at: str | None = None
    signed_off_by: str | None = None
    amendments: tuple[Amendment, ...] = ()
    seal: str | None = None
    cursor: str | None = field(default=None, compare=False)
    """The item the team was last on: where the runner resumes. Not part of the seal."""
    reinspects: tuple[str, ...] = ()
    """For a re-inspection (复查): the ids of the rectifications it verifies, one item each."""
    round_id: str = ""
    """The inspection round (双随机) whose assignment this visit carries out; empty: none."""

    @property
    def version(self) -> int:
        """0 while a draft; 1 when signed off; 1 + N after N amendments."""
        if self.status is not VisitStatus.SIGNED_OFF:
            return 0
        return 1 + len(self.amendments)

    @property
    def answers(self) -> dict[str, Answer]:
        """The current answer of each answered item: the last one in the log."""
        current: dict[str, Answer] = {}
        for answer in self.answer_log:
            current[answer.item_id] = answer
        return current

    @property
    def is_sealed(self) -> bool:
        return self.status is VisitStatus.SIGNED_OFF

    def to_dict(self) -> dict[str, Any]:
        return self._as_dict(self.checklist.to_dict())

    def _as_dict(self, checklist: Any) -> dict[str, Any]:
        data = {
            "format": FORMAT,
            "uuid": self.uuid,
            "site": self.site.to_dict(),
            "lead": self.lead,
            "members": list(self.members),
            "arrived_at": self.arrived_at,
            "arrival_change_reason": self.arrival_change_reason,
            "departed_at": self.departed_at,
            "unannounced": self.unannounced,
            "checklist": checklist,
            "status": self.status.value,
            "answer_log": [answer.to_dict() for answer in self.answer_log],
            "signed_off_at": self.signed_off_at,
            "signed_off_by": self.signed_off_by,
            "amendments": [amendment.to_dict() for amendment in self.amendments],
            "seal": self.seal,
            "cursor": self.cursor,
        }
        # only a re-inspection carries the key, so the seals of all other visits stay as they were
        if self.reinspects:
            data["reinspects"] = list(self.reinspects)
        # likewise only a visit of a round carries its round
        if self.round_id:
            data["round_id"] = self.round_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, checklist: FrozenChecklist | None = None) -> Visit:
        """The visit ``to_dict`` wrote; ``checklist``: its checklist already read (shared by visits)."""
        return cls(
            uuid=data["uuid"],
            site=Site.from_dict(data["site"]),
            lead=data["lead"],
            members=tuple(data.get("members", ())),
            arrived_at=data["arrived_at"],
            arrival_change_reason=data.get("arrival_change_reason", ""),
            departed_at=data.get("departed_at"),
            unannounced=bool(data.get("unannounced", True)),
            checklist=checklist or FrozenChecklist.from_dict(data["checklist"]),
            status=VisitStatus(data["status"]),
            answer_log=tuple(Answer.from_dict(a) for a in data.get("answer_log", ())),
            signed_off_at=data.get("signed_off_at"),
            signed_off_by=data.get("signed_off_by"),
            amendments=tuple(Amendment.from_dict(a) for a in data.get("amendments", ())),
            seal=data.get("seal"),
            cursor=data.get("cursor"),
            reinspects=tuple(data.get("reinspects", ())),
            round_id=str(data.get("round_id") or ""),
        )


# -- starting ----------------------------------------------------------------------------------


def start_visit(
    *,
    uuid: str,
    site: Site,
    checklist: Checklist,
    lead: str,
    members: Iterable[str],
    arrived_at: datetime,
    unannounced: bool = True,
    reinspects: Iterable[str] = (),
) -> Visit:
    """A visit begins: the checklist frozen as it applies to the site (a re-inspection's names
    the rectifications it verifies, one item each)."""
    if site.kind not in checklist.site_kinds:
        raise DomainError("visit.checklist_not_for_site", checklist=checklist.id, kind=site.kind.value)
    if not lead.strip():
        raise DomainError("visit.no_lead")
    frozen = FrozenChecklist.freeze(checklist, site)
    return Visit(
        uuid=uuid,
        site=site,
        lead=lead.strip(),
        members=tuple(name.strip() for name in members if name.strip()),
        arrived_at=to_iso(arrived_at),
        checklist=frozen,
        unannounced=unannounced,
        cursor=frozen.items[0].id if frozen.items else None,
        reinspects=tuple(reinspects),
    )


def change_arrival(visit: Visit, arrived_at: datetime, reason: str) -> Visit:
    """The arrival time is stamped on start; changing it later needs a reason on record."""
    _require_editable(visit)
    if not reason.strip():
        raise DomainError("visit.reason_required")
    return replace(visit, arrived_at=to_iso(arrived_at), arrival_change_reason=reason.strip())


# -- answering ---------------------------------------------------------------------------------


def record_answer(visit: Visit, answer: Answer) -> Visit:
    """Append an answer; it supersedes the item's earlier one, which stays in the log."""
    _require_editable(visit)
    _check_answer(visit, answer)
    return replace(visit, answer_log=(*visit.answer_log, answer), cursor=answer.item_id)


def move_cursor(visit: Visit, item_id: str) -> Visit:
    visit.checklist.item(item_id)
    return replace(visit, cursor=item_id)


def _check_answer(visit: Visit, answer: Answer) -> None:
    visit.checklist.item(answer.item_id)
    if answer.result is Result.NOT_CHECKED and not answer.note.strip():
        raise DomainError("answer.reason_required", item_id=answer.item_id)
    overridden = answer.severity_override is not None or answer.deadline_override_days is not None
    if overridden and answer.result is not Result.FAIL:
        raise DomainError("answer.override_needs_fail", item_id=answer.item_id)
    days = answer.deadline_override_days
    if days is not None and not 0 <= days <= MAX_DEADLINE_DAYS:
        raise DomainError("answer.bad_deadline", item_id=answer.item_id, days=days)


def _require_editable(visit: Visit) -> None:
    if visit.is_sealed:
        raise DomainError("visit.sealed", uuid=visit.uuid)


# -- progress and sign-off ---------------------------------------------------------------------


@dataclass(frozen=True)
class AreaProgress:
    area: Area
    total: int
    answered: int
    failed: int

    @property
    def done(self) -> bool:
        return self.answered == self.total


def progress(visit: Visit) -> list[AreaProgress]:
    """Answered, failed and total items per area, in the five areas' order (empty areas kept)."""
    answers = visit.answers
    rows = []
    for area in Area:
        items = [item for item in visit.checklist.items if item.area is area]
        current = [answers[item.id] for item in items if item.id in answers]
        failed = sum(1 for answer in current if answer.result is Result.FAIL)
        rows.append(AreaProgress(area, len(items), len(current), failed))
    return rows


@dataclass(frozen=True)
class Blocker:
    """Why a visit cannot be signed off yet: a message code and the item it concerns."""

    code: str
    item_id: str = ""


def sign_off_blockers(visit: Visit) -> list[Blocker]:
    """Everything standing between this visit and sign-off, in checklist order."""
    blockers: list[Blocker] = []
    if visit.status is VisitStatus.SIGNED_OFF:
        return [Blocker("visit.sealed")]
    answers = visit.answers
    for item in visit.checklist.items:
        answer = answers.get(item.id)
        if answer is None:
            blockers.append(Blocker("blocker.unanswered", item.id))
        elif answer.result is Result.FAIL and not answer.note.strip():
            blockers.append(Blocker("blocker.fail_without_note", item.id))
    if visit.status is not VisitStatus.COMPLETED:
        blockers.append(Blocker("blocker.not_completed"))
    return blockers


NOTE_CELL_LIMIT = 300
"""The longest finding the notice's problem cell carries well: its 47 mm column holds about ten
characters of 小四 a line, so 300 characters fill some 30 lines, most of a page; a longer note
splits its row across pages. Longer notes are kept as typed and only flagged."""


@dataclass(frozen=True)
class ReviewFlag:
    """Something the team lead should look at before signing off; it does not block sign-off."""

    code: str
    item_id: str


def drops_finding(current: Answer | None, result: Result) -> bool:
    """Whether answering ``result`` would turn a described failure into a pass or 'not applicable'."""
    return (
        current is not None
        and current.result is Result.FAIL
        and bool(current.note.strip())
        and result in (Result.PASS, Result.NOT_APPLICABLE)
    )


def review_flags(visit: Visit) -> list[ReviewFlag]:
    """What review points out, in checklist order: an item that passes with the note written for
    its failure (the finding may have been lost by a slip), and a finding too long for the notice."""
    finding_notes: dict[str, set[str]] = {}
    for answer in visit.answer_log:
        if answer.result is Result.FAIL and answer.note.strip():
            finding_notes.setdefault(answer.item_id, set()).add(answer.note.strip())
    flags = []
    answers = visit.answers
    for item in visit.checklist.items:
        answer = answers.get(item.id)
        if answer is None:
            continue
        note = answer.note.strip()
        if answer.result is not Result.FAIL and note and note in finding_notes.get(item.id, ()):
            flags.append(ReviewFlag("flag.pass_with_finding", item.id))
        elif answer.result is Result.FAIL and len(note) > NOTE_CELL_LIMIT:
            flags.append(ReviewFlag("flag.note_too_long", item.id))
    return flags


def next_unanswered(visit: Visit, after: str | None = None) -> str | None:
    """The first unanswered item after ``after`` (wrapping round), or None when all are answered."""
    ids = [item.id for item in visit.checklist.items]
    answers = visit.answers
    start = ids.index(after) + 1 if after in ids else 0
    for item_id in ids[start:] + ids[:start]:
        if item_id not in answers:
            return item_id
    return None


def complete(visit: Visit, departed_at: datetime) -> Visit:
    """The team leaves the site: the departure is stamped and the visit awaits sign-off."""
    _require_editable(visit)
    return replace(visit, status=VisitStatus.COMPLETED, departed_at=to_iso(departed_at))


def reopen(visit: Visit) -> Visit:
    """Back to draft from completed, before sign-off (the team found something else to record)."""
    _require_editable(visit)
    return replace(visit, status=VisitStatus.DRAFT)


_CHECKLIST_SLOT = "\x00checklist\x00"
_SLOT_BYTES = b'"checklist":' + canonical_bytes(_CHECKLIST_SLOT)


def _canonical_sealed(visit: Visit, seal: str | None) -> bytes:
    """What the seal covers, as ``canonical_bytes``: the whole visit but the runner's cursor and the
    seal itself (which ``sealed_bytes`` then adds).

    The checklist's part is its bytes encoded once (``FrozenChecklist.canonical``): a JSON member's
    encoding does not depend on where it sits, and encoding the checklist again for every visit
    was half of checking 10,000 seals. The slot it takes is found exactly once: only the top level
    has a "checklist" member, and inside a string every quote is escaped."""
    payload = visit._as_dict(_CHECKLIST_SLOT)
    del payload["cursor"]
    if seal is None:
        del payload["seal"]
    else:
        payload["seal"] = seal
    return _with_checklist(payload, visit.checklist)


def _with_checklist(payload: dict[str, Any], checklist: FrozenChecklist) -> bytes:
    """``canonical_bytes`` of ``payload``, its checklist slot filled with the checklist's bytes."""
    return canonical_bytes(payload).replace(_SLOT_BYTES, b'"checklist":' + checklist.canonical, 1)


def members_hold_seal(members: Mapping[str, Any], checklist: FrozenChecklist) -> bool:
    """Whether a stored visit's members (as ``to_dict`` wrote them, all but its checklist, which was
    read into ``checklist``) hash to their seal: ``verify_seal``'s verdict on the visit made from
    them, without writing every answer out again (at 10,000 visits, most of the check's time).
    Members that hash to the seal are what was sealed, so the visit made from them is the sealed
    one. False may also mean members written before a field existed: ``verify_seal`` then decides.

    msgspec writes the canonical bytes first, a few times quicker than ``json``: bytes that hash to
    the seal are the canonical ones whoever wrote them. Only if they do not (a string it escapes
    otherwise) are they written the way the seal was made."""
    seal = members.get("seal")
    if not isinstance(seal, str):
        return False
    payload = {key: value for key, value in members.items() if key not in ("seal", "cursor", "checklist")}
    payload["checklist"] = msgspec.Raw(checklist.canonical)
    if sha256_hex(msgspec.json.encode(payload, order="sorted")) == seal:
        return True
    payload["checklist"] = _CHECKLIST_SLOT
    return sha256_hex(_with_checklist(payload, checklist)) == seal


def sealed_bytes(visit: Visit) -> bytes:
    """The canonical bytes of a sealed visit: what is hashed, stored frozen and uploaded."""
    if not visit.is_sealed:
        raise DomainError("visit.not_signed_off", uuid=visit.uuid)
    return _canonical_sealed(visit, visit.seal)


def compute_seal(visit: Visit) -> str:
    return sha256_hex(_canonical_sealed(visit, None))


def verify_seal(visit: Visit) -> bool:
    return visit.is_sealed and visit.seal == compute_seal(visit)


def frozen_bytes_hold(body: bytes, seal: str) -> bool:
    """Whether a signed-off version's frozen bytes are still what was sealed: canonical, carrying
    ``seal``, and hashing to it without their seal member (what the bureau server checks too)."""
    member = b'"seal":' + json.dumps(seal).encode("utf-8")
    if body.count(member) == 1:
        return _hold_by_the_member(body, member, seal)
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    if not isinstance(payload, dict) or payload.get("seal") != seal:
        return False
    unsealed = {key: value for key, value in payload.items() if key != "seal"}
    return canonical_bytes(payload) == body and sha256_hex(canonical_bytes(unsealed)) == seal


_TOP_LEVEL = msgspec.json.Decoder(dict[str, msgspec.Raw])
"""The top level of a JSON object, its values left as they are written (nothing below is built)."""


def _hold_by_the_member(body: bytes, member: bytes, seal: str) -> bool:
    """``frozen_bytes_hold`` when the seal's member is found once, exactly, without decoding the
    visit and encoding it twice (2.5 ms a version on a busy laptop; a first sync of 10,000 spent
    25 s on it): the top level must be an object with its keys in order and that seal; the member
    found once is then that top-level member (quotes inside a string are escaped, so it is in
    none). If the rest, without it and the comma beside it, hashes to the seal, the rest is byte
    for byte the canonical unsealed visit (no white space, keys sorted, nothing else changed), and
    the member sits where the keys' order puts it: the bytes are the canonical sealed ones. The
    canonical sealed bytes, the other way round, pass every step."""
    try:
        top = _TOP_LEVEL.decode(body)
    except msgspec.MsgspecError:
        return False
    if list(top) != sorted(top) or "seal" not in top or bytes(top["seal"]) != member[len(b'"seal":') :]:
        return False
    start = body.index(member)
    end = start + len(member)
    if body[start - 1 : start] == b",":
        start -= 1
    elif body[end : end + 1] == b",":
        end += 1
    return sha256_hex(body[:start] + body[end:]) == seal


def sign_off(visit: Visit, by: str, at: datetime) -> Visit:
    """The team lead signs the visit off: it is sealed and read-only from now on."""
    blockers = sign_off_blockers(visit)
    if blockers:
        raise DomainError(
            "visit.blocked",
            count=len(blockers),
            first=blockers[0].code,
            item_id=blockers[0].item_id,
        )
    if by.strip() != visit.lead:
        raise DomainError("visit.only_lead_signs", lead=visit.lead)
    signed = replace(
        visit,
        status=VisitStatus.SIGNED_OFF,
        signed_off_at=to_iso(at),
        signed_off_by=visit.lead,
    )
    return replace(signed, seal=compute_seal(signed))


def amend(visit: Visit, *, by: str, at: datetime, reason: str, answers: Iterable[Answer]) -> Visit:
    """Correct a signed-off visit: a new version whose record says who, when, why and what it replaces."""
    if not visit.is_sealed or visit.seal is None:
        raise DomainError("visit.not_signed_off", uuid=visit.uuid)
    if not reason.strip():
        raise DomainError("visit.reason_required")
    number = len(visit.amendments) + 1
    corrected = tuple(replace(answer, amendment=number) for answer in answers)
    if not corrected:
        raise DomainError("amendment.empty")
    for answer in corrected:
        _check_answer(visit, answer)
        if answer.result is Result.FAIL and not answer.note.strip():
            raise DomainError("blocker.fail_without_note", item_id=answer.item_id)
    amendment = Amendment(number, by.strip(), to_iso(at), reason.strip(), visit.seal)
    amended = replace(
        visit,
        answer_log=(*visit.answer_log, *corrected),
        amendments=(*visit.amendments, amendment),
    )
    return replace(amended, seal=compute_seal(amended))


# -- what a signed-off visit leads to ----------------------------------------------------------


@dataclass(frozen=True)
class Rectification:
    """A failed item of a signed-off visit, to be rectified by its due date (its later life: events)."""

    id: str
    visit_uuid: str
    site_id: str
    site_name: str
    township: str
    item_id: str
    area: Area
    item_text: str
    basis: str
    note: str
    evidence: tuple[Evidence, ...]
    severity: Severity
    deadline_days: int
    due: date
    found_by: str = ""
    """The account whose visit found it, for a record another team's laptop received through the
    bureau server; empty for this laptop's own findings."""

    @property
    def immediate(self) -> bool:
        return self.deadline_days == 0

    @property
    def found_on(self) -> date:
        """The day the visit that found it was signed off (``due_date`` counts the deadline from it)."""
        return self.due - timedelta(days=self.deadline_days)


def effective_severity(item: Item, answer: Answer) -> Severity:
    return answer.severity_override or item.severity


def effective_deadline_days(item: Item, answer: Answer) -> int:
    return item.deadline_days if answer.deadline_override_days is None else answer.deadline_override_days


def due_date(signed_off_at: str, deadline_days: int) -> date:
    """The day a rectification is due: the sign-off day in the bureau's zone plus the deadline."""
    return add_days(local_date(from_iso(signed_off_at)), deadline_days)


def rectifications(visit: Visit) -> list[Rectification]:
    """One rectification per failed item of a signed-off visit, in checklist order."""
    if not visit.is_sealed or visit.signed_off_at is None:
        return []
    answers = visit.answers
    found = []
    for item in visit.checklist.items:
        answer = answers.get(item.id)
        if answer is None or answer.result is not Result.FAIL:
            continue
        days = effective_deadline_days(item, answer)
        found.append(
            Rectification(
                id=f"{visit.uuid}/{item.id}",
                visit_uuid=visit.uuid,
                site_id=visit.site.id,
                site_name=visit.site.name,
                township=visit.site.township,
                item_id=item.id,
                area=item.area,
                item_text=item.text,
                basis=item.basis,
                note=answer.note,
                evidence=answer.evidence,
                severity=effective_severity(item, answer),
                deadline_days=days,
                due=due_date(visit.signed_off_at, days),
            )
        )
    return found


def failed_items(visit: Visit) -> list[tuple[Item, Answer]]:
    answers = visit.answers
    return [
        (item, answers[item.id])
        for item in visit.checklist.items
        if item.id in answers and answers[item.id].result is Result.FAIL
    ]


def count_results(answers: Mapping[str, Answer]) -> dict[Result, int]:
    counts = {result: 0 for result in Result}
    for answer in answers.values():
        counts[answer.result] += 1
    return counts


def summarize(visit: Visit) -> VisitSummary:
    """What the visit index keeps of ``visit`` for the lists."""
    return VisitSummary(
        uuid=visit.uuid,
        site_id=visit.site.id,
        site_name=visit.site.name,
        township=visit.site.township,
        kind=visit.site.kind.value,
        lead=visit.lead,
        status=visit.status,
        arrived_at=visit.arrived_at,
        signed_off_at=visit.signed_off_at,
        version=visit.version,
        failed=len(failed_items(visit)) if visit.is_sealed else 0,
        seal=visit.seal,
        reinspection=bool(visit.reinspects),
    )

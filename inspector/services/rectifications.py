"""Rectifications (整改): list them with their state, record feedback, re-inspect, merge remote events.

The records come from the signed-off visits, through an index kept beside them
(``rectification-index.jsonl``, one line per signed-off visit, made again from the visit whenever
it is missing or behind); their life is the events, appended one line each to
``rectification-events.jsonl`` and never rewritten. Both are journals (``store.journal``): recording
a feedback costs one appended line, however many years of events there are. Every event recorded
here is also queued in the outbox for the bureau server; events pulled from the server come in
through ``apply_remote_events``. The fold of them all is kept between runs in a snapshot, a cache
checked against the journals' bytes (see "the persisted fold" below).

Other teams' records (the county's open findings, for 回头看) come from the server's feed through
``apply_remote_records`` into ``remote-rectifications.jsonl``, one appended line per visit; every
listing, count, re-inspection and document reads them beside this laptop's own, which win for a
visit held here. Whose each is: ``Rectification.found_by`` (empty for this laptop's own).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import uuid as uuid_module
from collections import ChainMap, Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import msgspec

from inspector import __version__, wire
from inspector.core import rectifications as rules
from inspector.core.checklists import Item
from inspector.core.clock import local_date, now
from inspector.core.errors import DomainError
from inspector.core.rectifications import (
    EventKind,
    FeedbackStatus,
    RectificationEvent,
    RectificationState,
    RectificationView,
    ReinspectionEntry,
)
from inspector.core.standing import NotClosed, Standing
from inspector.core.visits import Rectification, Visit, rectifications
from inspector.core.vocabulary import Area, Result, Severity, VisitStatus
from inspector.services import visits as visit_services
from inspector.store.errors import StoreError
from inspector.store.journal import GONE, Journal, JournalPosition, is_header, many_new_objects
from inspector.store.migrations import EVENTS_FILE
from inspector.store.migrations import INDEX_FILE as VISIT_INDEX_FILE
from inspector.store.migrations import RECTIFICATION_INDEX_FILE as INDEX_FILE
from inspector.store.snapshot import Growth, Snapshot, SnapshotChanged, growth_since, read_snapshot, write_snapshot
from inspector.store.store import PENDING_STATE, Store

_CHECKED = "\x00checked"
"""The memo's entry saying which versions of the two indexes were last found to agree."""
INDEX_FORMAT = 1
"""The layout of a row of the index; a row of another layout is made again from its visit."""
OUTBOX_KIND = "rect_event"
LOCAL, REMOTE = "local", "remote"
REMOTE_FILE = "remote-rectifications.jsonl"
REMOTE_ITEMS_FILE = "remote-checklist-items.jsonl"
T = TypeVar("T")


# -- reading -----------------------------------------------------------------------------------


def _events(store: Store) -> Journal:
    """The events by id, each line ``{"id", "origin", "event"}``; nothing is superseded, so never compacted."""
    return store.journal(EVENTS_FILE, "id", compactable=False)


def _index(store: Store) -> Journal:
    return store.journal(INDEX_FILE, "uuid")


def _event_rows(store: Store) -> list[dict[str, Any]]:
    """The stored events in the order they were stored (the journal's own dicts: read only)."""
    return list(_events(store).records().values())


def stored_events(store: Store) -> list[RectificationEvent]:
    return [RectificationEvent.from_dict(row["event"]) for row in _event_rows(store)]


def _index_row(visit: Visit) -> dict[str, Any]:
    """What one signed-off visit says: the rectifications it found, or, for a re-inspection, what
    its sealed answers decided (so it counts however it was signed off, here or on the review
    screen like any visit)."""
    made = rules.contribution(visit)
    return {
        "format": INDEX_FORMAT,
        "uuid": visit.uuid,
        "seal": visit.seal,
        "records": [rules.record_to_dict(record) for record in made.records],
        "derived": [event.to_dict() for event in made.events],
        "reinspects": bool(visit.reinspects),
    }


def _is_current(row: dict[str, Any] | None, seal: str | None) -> bool:
    """Whether the row still speaks for the visit as sealed now, in this program's layout."""
    return row is not None and row.get("format") == INDEX_FORMAT and row["seal"] == seal


def _indexed_visits(store: Store) -> dict[str, dict[str, Any]]:
    """Each signed-off visit's index row, by uuid, brought up to date from the visit index first.

    The rows live in ``rectification-index.jsonl`` so that a rectification is found without reading
    every visit file. A row is made again whenever its visit's seal differs from the one the visit
    index holds (a new sign-off, an amendment, a visit synced in) or was made in another layout,
    and rows of visits no longer there are dropped; so a stale row is never used, and a missing
    or damaged file is simply made again: appended as new lines, by a read-only command too when
    nobody else writes (once), else kept in memory for this run.
    """
    index = _index(store)
    rows = index.records()
    # checked against the visit index as it is now: nothing to do (a feedback at 10,000 visits
    # does not compare 10,000 seals)
    checked = (store.index_version(), index.version)
    if index.memo.get(_CHECKED) == checked:
        return rows
    sealed = {s.uuid: s.seal for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF}
    stale = [uuid for uuid, seal in sealed.items() if not _is_current(rows.get(uuid), seal)]
    gone = [uuid for uuid in rows if uuid not in sealed]
    if not stale and not gone:
        index.memo[_CHECKED] = checked
        return rows
    made = []
    for uuid in stale:
        try:
            made.append(_index_row(store.load_visit(uuid)))
        except StoreError:
            continue  # moved aside by the store and said once; the visit index no longer lists it
    _write_rows(store, index, [*made, *({"uuid": uuid, GONE: True} for uuid in gone)])
    return index.records()


def _remote(store: Store) -> Journal:
    """The records other teams found, as the bureau server published them: one line per visit
    (its latest version), appended as they come; a later version's line replaces the earlier."""
    return store.journal(REMOTE_FILE, "uuid")


def _remote_checklist_items(store: Store) -> Journal:
    """The checklist items other teams' records failed, one line per visit: what a re-inspection checks."""
    return store.journal(REMOTE_ITEMS_FILE, "uuid")


def _record_rows(store: Store) -> Mapping[str, dict[str, Any]]:
    """Each visit's row of records: this laptop's own (its index), then those other teams found;
    a visit held here speaks for itself. A lookup by uuid costs the same however many there are."""
    return ChainMap(_indexed_visits(store), _remote(store).records())


def apply_remote_records(store: Store, entries: Iterable[wire.RectificationRecords]) -> int:
    """Keep the records other teams' visits found (feed entries ``rect_records``); returns how many
    visits' rows were new or newer. A visit this laptop holds itself, or a version not newer than
    the one kept, adds nothing; the rest is one append, whatever the history."""
    journal = _remote(store)
    held = journal.records()
    rows: dict[str, dict[str, Any]] = {}
    items: dict[str, dict[str, Any]] = {}
    for entry in entries:
        kept = rows.get(entry.visit_uuid) or held.get(entry.visit_uuid)
        if store.visit_summary(entry.visit_uuid) is not None or (kept and kept["version"] >= entry.version):
            continue
        rows[entry.visit_uuid] = {
            "uuid": entry.visit_uuid,
            "version": entry.version,
            "found_by": entry.found_by,
            "arrived_at": entry.arrived_at,
            "site_id": entry.site_id,
            "township": entry.township,
            "site_kind": entry.site_kind,
            "records": [msgspec.to_builtins(record) for record in entry.records],
            "derived": [],
            "reinspects": False,
        }
        items[entry.visit_uuid] = {
            "uuid": entry.visit_uuid,
            "items": {item.id: msgspec.to_builtins(item) for item in entry.items},
        }
    if rows:
        # the items beside, not in, the records: read only to start a re-inspection, never to list
        _remote_checklist_items(store).append(items.values())
        journal.append(rows.values())
    return len(rows)


@dataclass(frozen=True)
class RemoteVisit:
    """Another team's original visit as its records came: where, when, what it found."""

    uuid: str
    arrived_at: str
    site_id: str
    township: str
    site_kind: str
    found: tuple[Rectification, ...]


def remote_visits(store: Store) -> list[RemoteVisit]:
    """The original visits of other teams this laptop received the records of (a bulletin covers them)."""
    return [
        RemoteVisit(
            row["uuid"],
            row["arrived_at"],
            row["site_id"],
            row["township"],
            row["site_kind"],
            tuple(rules.record_from_dict(data) for data in row["records"]),
        )
        for row in _remote(store).records().values()
    ]


def findings_of(store: Store, uuids: Iterable[str]) -> dict[str, list[Rectification]]:
    """The rectifications each signed-off visit named found, from the index (no visit file read);
    re-inspections and visits not signed off are left out.

    A row made before rows said whether their visit is a re-inspection, and that cannot tell
    (nothing found, nothing decided), is settled by reading that one visit, once: the row is
    written back with the answer."""
    rows = _indexed_visits(store)
    found: dict[str, list[Rectification]] = {}
    settled = []
    for uuid in uuids:
        row = rows.get(uuid)
        if row is None:
            continue
        if "reinspects" not in row and not row["records"] and not row["derived"]:
            try:
                row = {**row, "reinspects": bool(store.load_visit(uuid).reinspects)}
            except StoreError:
                continue
            settled.append(row)
        if not row.get("reinspects") and not row["derived"]:
            found[uuid] = [rules.record_from_dict(data) for data in row["records"]]
    _write_rows(store, _index(store), settled)
    return found


def _write_rows(store: Store, index: Journal, rows: list[dict[str, Any]]) -> None:
    """Append rows (or drops) to the index: a read-only command does when nobody else is writing
    (once, not on every run); otherwise the program holding the folder will, and this run keeps
    them in memory."""

    def write() -> None:
        index.append(rows)

    if rows and not store.as_writer(write):
        for row in rows:
            index.patch_in_memory(row["uuid"], None if row.get(GONE) else row)


def _derived_events(rows: dict[str, dict[str, Any]], wanted: set[str] | None = None) -> list[dict[str, Any]]:
    return [
        event
        for row in rows.values()
        for event in row["derived"]
        if wanted is None or event["rectification_id"] in wanted
    ]


def _fold_views(store: Store, wanted: Iterable[str] | None = None) -> dict[str, RectificationView]:
    """The rectifications named in ``wanted`` (all when None) with their state, by id.

    Only the wanted records and their events are parsed: one rectification costs a lookup, not a
    reading of every visit.
    """
    ids = None if wanted is None else set(wanted)
    rows = _record_rows(store)
    if ids is None:
        chosen = [data for row in rows.values() for data in row["records"]]
    else:
        visit_uuids = {rectification_id.partition("/")[0] for rectification_id in ids}
        chosen = [data for uuid in visit_uuids for data in rows.get(uuid, {}).get("records", ()) if data["id"] in ids]
    records = {data["id"]: data for data in chosen}
    # stored events as their journal rows (a row keeps the server's receipt time), derived ones as made
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _event_rows(store):
        if row["event"]["rectification_id"] in records:
            grouped[row["event"]["rectification_id"]].append(row)
    for data in _derived_events(rows):
        if data["rectification_id"] in records:
            grouped[data["rectification_id"]].append(data)
    # a view folded before is kept with the stored rows it came from; rows are replaced, never
    # changed, so the same rows (by identity) give the same view, and only what changed is folded
    folded = _index(store).memo
    views = {}
    for key, data in records.items():
        basis = (data, *grouped.get(key, ()))
        kept = folded.get(key)
        if kept is not None and len(kept[0]) == len(basis) and all(a is b for a, b in zip(kept[0], basis, strict=True)):
            views[key] = kept[1]
            continue
        record = rules.record_from_dict(data)
        # stored events were checked on the way in (recorded here, or received by apply_remote_events)
        events = [_event_of(item) for item in basis[1:]]
        views[key] = rules.fold(record, events) if events else rules.initial_view(record)
        folded[key] = (basis, views[key])
    return views


def _event_of(item: dict[str, Any]) -> RectificationEvent:
    """A stored event's journal row, or a derived event as made, as an event (checked on the way in:
    recorded here, or received by ``apply_remote_events``)."""
    if "origin" not in item:
        return RectificationEvent.from_stored(item)
    return RectificationEvent.from_stored(item["event"], item.get("received_at") or None)


def rectification_views(store: Store) -> list[RectificationView]:
    """Every rectification with its current state, sorted by due date (the most pressing first)."""
    return _with_fold_state(store, _ordered, lambda: _by_due(_fold_views(store).values()))


def iter_rectification_views(store: Store) -> Iterator[RectificationView]:
    """``rectification_views``, in the same order, decoded one at a time and none kept: an export
    of years of rectifications holds one view at a time, not 30,000 (~250 MB at 10,000 visits)."""
    return _with_fold_state(store, _streamed, lambda: iter(_by_due(_fold_views(store).values())))


def _streamed(state: _FoldState) -> Iterator[RectificationView]:
    views = state.views
    if state.ordered is not None or not isinstance(views, _Views):
        return iter(_ordered(state))
    heads = views.heads
    return views.stream(sorted(heads, key=lambda key: (heads[key].due, heads[key].record.site_id, key)))


def _ordered(state: _FoldState) -> list[RectificationView]:
    if state.ordered is None:
        views = state.views
        with many_new_objects():  # views still to be decoded from the snapshot: maybe all of them
            state.ordered = _by_due(views.many(list(views)) if isinstance(views, _Views) else views.values())
    return list(state.ordered)


def _by_due(views: Iterable[RectificationView]) -> list[RectificationView]:
    return sorted(views, key=lambda view: (view.due, view.record.site_id, view.id))


# -- the persisted fold --------------------------------------------------------------------------
#
# Every command is a new process, and folding every rectification again costs seconds at 10,000
# visits (~75,000 events parsed and checked). So the views of all rectifications are kept in
# ``SNAPSHOT_FILE`` (``store.snapshot``) with what they were folded from: the position of each of
# the three journals they come from (the rectification index, other teams' records, the events),
# the seal of every signed-off visit (all that the views take from the visit index, which the
# store checks against the visit files when it reads it) with where the index ended then (proven
# again without reading the index: "the seals the fold depends on" below), and the stored or
# derived events that named no rectification known then (``orphans``: a rectification that
# arrives later takes them up, as a fold from scratch would). On the next reading:
# - the journals exactly as then and the same seals: the views as they are (no journal parsed);
# - the journals only grown (``growth_since``: proven from sizes, file identities and samples,
#   not by hashing years of history), no seal changed or gone: the snapshot's views, brought
#   forward by what was added (``_brought_up_to_date``):
#   - events appended (feedback, reminders, notices, receipts, events pulled from the server):
#     each rectification they name folded again from its history plus its new events (``fold``
#     is a function of the set of events: this is the fold from scratch, ``_with_new_events``);
#   - visits signed off since (new seals): each one's index row, from the index's tail when the
#     writer appended it already, else made from that one visit file (and appended, when this
#     program may write); its rectifications folded from their events (orphans and new events),
#     its re-inspection decisions applied like new events;
#   - other teams' records for visits not seen before: folded the same way;
# - anything else (a visit amended or gone, a newer version of another team's visit, a
#   compaction, a restore, another program version, a damaged, foreign or missing snapshot):
#   everything folded from the journals as without a snapshot, and the snapshot written again.
# So the first command after a sign-off folds that visit's few rectifications, not all of them.
# The snapshot is written (atomically) after a fold from the journals and after
# ``_REWRITE_AFTER`` lines brought forward, by the program holding the folder, or by a read-only
# command when nobody holds it (``Store.as_writer``: it then writes under the lock like any
# writer); a read-only command facing a writer uses the snapshot but leaves it to the writer.
# Within one process the state is kept in ``store.memo`` and brought up to date the same way.
#
# Its layout serves the commonest reading, a filtered listing: the views' heads (what a filter
# asks: state, due date, site, area, severity) in two small sections, the open items' and the
# closed ones', and the views themselves in blocks of ``_BLOCK``, open items first by due date;
# each section with its own digest, read and checked only when needed. Listing the overdue items
# reads the open heads and the blocks holding the overdue views, not the closed years.
# Assumed, as everywhere in this module: an event's id names one rectification (ids are random
# uuids, and a stored event is only ever stored again with its receipt time).

SNAPSHOT_FILE = "rectification-views.snapshot"
_SNAPSHOT_KIND = "rectification-views"
_FOLD_STATE = "rectification-fold"
_FOLDED_FROM = (INDEX_FILE, REMOTE_FILE, EVENTS_FILE)
_REWRITE_AFTER = 1000
"""Lines brought forward on top of the snapshot before it is written again (~20 ms of folding each run)."""
_BLOCK = 256
"""Views per section of the snapshot (~400 KB): a listing reads the blocks holding what it keeps."""
_OPEN_HEADS, _CLOSED_HEADS, _ORPHANS, _SEALS = "heads/open", "heads/closed", "orphans", "sealed"
_OPEN_TALLY = "tally/open"
"""How many items not closed share each (due date, state): home counts them at every start without
decoding a head per item (30,000 at 10,000 visits; 8 ms, and ten times that at 100,000)."""
_VIEWS_ENCODER = msgspec.msgpack.Encoder(
    enc_hook=lambda value: {"code": value.code, "params": value.params} if isinstance(value, DomainError) else value
)


class _RecordHead(msgspec.Struct, array_like=True):
    township: str
    site_id: str
    site_name: str
    area: Area
    severity: Severity


class _ViewHead(msgspec.Struct, array_like=True):
    """What ``RectificationFilter`` asks of a view, kept apart from the view (its history is most
    of its bytes): a listing of 5,000 overdue items of 30,000 decodes 5,000 views, not 30,000."""

    record: _RecordHead
    state: RectificationState
    due: date
    block: int
    """The section holding the view (``views/<block>``)."""
    overdue_on = RectificationView.overdue_on


def _head_of(view: RectificationView, block: int = -1) -> _ViewHead:
    record = view.record
    brief = _RecordHead(record.township, record.site_id, record.site_name, record.area, record.severity)
    return _ViewHead(brief, view.state, view.due, block)


def _refusal_of(kind: type, value: Any) -> Any:
    """A history step's refusal (``DomainError``) as the snapshot holds it: its code and params."""
    return DomainError(value["code"], **value["params"]) if kind is DomainError else value


_VIEW_DECODER = msgspec.msgpack.Decoder(RectificationView, dec_hook=_refusal_of)
_HEADS_DECODER = msgspec.msgpack.Decoder(dict[str, _ViewHead])
_BLOCK_DECODER = msgspec.msgpack.Decoder(dict[str, msgspec.Raw])
_ORPHANS_DECODER = msgspec.msgpack.Decoder(list[dict[str, Any]])
_SEALS_DECODER = msgspec.msgpack.Decoder(dict[str, str])
_TALLY_DECODER = msgspec.msgpack.Decoder(list[tuple[date, RectificationState, int]])


class _Views(Mapping[str, RectificationView]):
    """The snapshot's views by id, with views folded since on top (``changed``): the heads read
    per section as asked for, each view decoded from its block when first asked for. Reading a
    section may raise ``SnapshotChanged`` (the file replaced since its header was read)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._parts: dict[str, dict[str, _ViewHead]] = {}
        self._raw: dict[str, msgspec.Raw] = {}
        self._blocks: set[int] = set()
        self._decoded: dict[str, RectificationView] = {}
        self._changes: dict[str, RectificationView] = {}

    def _part(self, name: str) -> dict[str, _ViewHead]:
        part = self._parts.get(name)
        if part is None:
            part = self._parts[name] = _HEADS_DECODER.decode(self.snapshot.section(name))
        return part

    def open_tally(self) -> list[tuple[date, RectificationState, int]] | None:
        """The snapshot's ``_OPEN_TALLY``; None once views changed since (their heads are read then)."""
        return None if self._changes else _TALLY_DECODER.decode(self.snapshot.section(_OPEN_TALLY))

    @property
    def heads(self) -> dict[str, _ViewHead | RectificationView]:
        """Every view's head by id; a view changed since the snapshot stands as its own head."""
        return self.heads_where(closed=True)

    def heads_where(self, *, closed: bool) -> dict[str, _ViewHead | RectificationView]:
        """The heads of the items not closed, and of the closed ones when ``closed``."""
        merged: dict[str, _ViewHead | RectificationView] = {**self._part(_OPEN_HEADS)}
        if closed:
            merged.update(self._part(_CLOSED_HEADS))
        for key, view in self._changes.items():
            if closed or view.state is not RectificationState.CLOSED:
                merged[key] = view
            else:
                merged.pop(key, None)
        return merged

    def _head(self, key: str) -> _ViewHead | None:
        return self._part(_OPEN_HEADS).get(key) or self._part(_CLOSED_HEADS).get(key)

    def _load(self, blocks: Iterable[int]) -> None:
        missing = sorted(set(blocks) - self._blocks)
        if missing:
            for data in self.snapshot.sections_at([f"views/{block}" for block in missing]).values():
                self._raw.update(_BLOCK_DECODER.decode(data))
            self._blocks.update(missing)

    def many(self, keys: list[str]) -> list[RectificationView]:
        """These views, their blocks read in one opening of the file."""
        pending = {key: self._head(key) for key in keys if key not in self._changes and key not in self._decoded}
        self._load(head.block for head in pending.values() if head is not None)
        for key, head in pending.items():
            if head is not None:
                self._decoded[key] = _VIEW_DECODER.decode(self._raw[key])
        return [self[key] for key in keys]

    def stream(self, keys: list[str]) -> Iterator[RectificationView]:
        """These views in this order, each decoded when reached and not kept. Their blocks are
        read now, in one opening of the file: a snapshot replaced meanwhile is found before the
        first view is given (``SnapshotChanged``), not halfway through."""
        self._load({head.block for head in map(self._head, keys) if head is not None})

        def one_by_one() -> Iterator[RectificationView]:
            for key in keys:
                view = self._changes.get(key) or self._decoded.get(key)
                yield view if view is not None else _VIEW_DECODER.decode(self._raw[key])

        return one_by_one()

    def __getitem__(self, key: str) -> RectificationView:
        view = self._changes.get(key) or self._decoded.get(key)
        if view is None:
            head = self._head(key)
            if head is None:
                raise KeyError(key)
            self._load([head.block])
            view = self._decoded[key] = _VIEW_DECODER.decode(self._raw[key])
        return view

    def __contains__(self, key: object) -> bool:
        return key in self._changes or (isinstance(key, str) and self._head(key) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.heads)

    def __len__(self) -> int:
        return len(self.heads)

    def changed(self, views: Mapping[str, RectificationView]) -> _Views:
        """These views with ``views`` in place of (or beside) theirs; what was read is shared."""
        changed = _Views(self.snapshot)
        changed._parts, changed._raw, changed._blocks, changed._decoded = (
            self._parts,
            self._raw,
            self._blocks,
            self._decoded,
        )
        changed._changes = {**self._changes, **views}
        return changed

    def entries(self) -> list[tuple[str, _ViewHead, bytes]]:
        """Every view as (id, head, encoded bytes): those not changed copied as they were read."""
        heads = {**self._part(_OPEN_HEADS), **self._part(_CLOSED_HEADS)}
        self._load({head.block for key, head in heads.items() if key not in self._changes})
        entries = [(key, head, bytes(self._raw[key])) for key, head in heads.items() if key not in self._changes]
        entries += [(key, _head_of(view), _VIEWS_ENCODER.encode(view)) for key, view in self._changes.items()]
        return entries


def _with_changes(
    views: Mapping[str, RectificationView], changes: dict[str, RectificationView]
) -> Mapping[str, RectificationView]:
    return views.changed(changes) if isinstance(views, _Views) else {**views, **changes}


def _snapshot_sections(
    views: Mapping[str, RectificationView], orphans: list[dict[str, Any]], sealed: dict[str, str]
) -> dict[str, bytes]:
    """The snapshot's sections: the heads (open, closed), the orphans, the seals, then the views in
    blocks, the items not closed first, by due date (a listing of overdue items reads the first
    blocks). The seals are a section, not in the header, as a reading that proves them unchanged
    never needs them (at 10,000 visits they are 1 MB, ~2 ms to read, check and decode)."""
    if isinstance(views, _Views):
        entries = views.entries()
    else:
        entries = [(key, _head_of(view), _VIEWS_ENCODER.encode(view)) for key, view in views.items()]
    entries.sort(key=lambda entry: (entry[1].state is RectificationState.CLOSED, entry[1].due, entry[0]))
    heads: dict[str, dict[str, _ViewHead]] = {_OPEN_HEADS: {}, _CLOSED_HEADS: {}}
    blocks = {}
    for start in range(0, len(entries), _BLOCK):
        block = start // _BLOCK
        chosen = entries[start : start + _BLOCK]
        blocks[f"views/{block}"] = msgspec.msgpack.encode({key: msgspec.Raw(data) for key, _, data in chosen})
        for key, head, _ in chosen:
            part = _CLOSED_HEADS if head.state is RectificationState.CLOSED else _OPEN_HEADS
            heads[part][key] = msgspec.structs.replace(head, block=block)
    encoded = {name: msgspec.msgpack.encode(part) for name, part in heads.items()}
    tally = Counter((head.due, head.state) for head in heads[_OPEN_HEADS].values())
    encoded[_OPEN_TALLY] = msgspec.msgpack.encode([(due, state, count) for (due, state), count in tally.items()])
    return {**encoded, _ORPHANS: msgspec.msgpack.encode(orphans), _SEALS: msgspec.msgpack.encode(sealed), **blocks}


@dataclass
class _FoldState:
    """All views with what they were folded from (see above)."""

    positions: dict[str, JournalPosition]
    seals_given: dict[str, str] | Callable[[], dict[str, str]]
    """``sealed``, or how to read it (from the snapshot, when first needed)."""
    views: Mapping[str, RectificationView]
    """A dict, or the snapshot's ``_Views`` decoded as asked for."""
    orphans: list[dict[str, Any]]
    """Stored event rows and derived events naming no rectification in ``views``."""
    others: set[str]
    """The visits of other teams whose records were folded (a row of one of them again replaces it)."""
    modified: dict[str, int] = field(default_factory=dict)
    """The journals' modification times the snapshot noted (``growth_since``)."""
    unsaved: int = 0
    """Lines folded since the snapshot file was written (``_REWRITE_AFTER`` when it never was)."""
    ordered: list[RectificationView] | None = None
    """The views by due date, once asked for."""
    seals_at: JournalPosition | None = None
    """Where the visit index ended when ``sealed`` was what it said (``_seals_now``); None when that
    cannot be proven later (the index corrected in memory): then the seals are compared whole."""
    in_files: bool = True
    """False when index rows were made in memory that the index file lacks (a reader facing a
    writer): then it is not written as a snapshot, whose positions would not cover them."""

    @property
    def sealed(self) -> dict[str, str]:
        """The seal of every signed-off visit the views were folded with, by uuid. Read from the
        snapshot when first asked for, which may raise ``SnapshotChanged``."""
        if callable(self.seals_given):
            self.seals_given = self.seals_given()
        return self.seals_given

    def seals_proven_at(self, position: JournalPosition | None) -> None:
        """Note that ``sealed`` is what the visit index says where it ends now, at ``position``
        (the modification time the snapshot noted with the position before no longer applies)."""
        if position != self.seals_at:
            self.seals_at = position
            self.modified = _time_forgotten(self.modified, VISIT_INDEX_FILE)


def _time_forgotten(modified: dict[str, int], name: str) -> dict[str, int]:
    """The modification times noted, but the journal's whose position moved on: a time noted at one
    position, checked at another where the file ends, would fail ``growth_since`` and have
    everything folded again (a feedback, then a sign-off, in the same process did)."""
    return {journal: noted for journal, noted in modified.items() if journal != name}


@functools.cache
def _program() -> str:
    """What wrote a snapshot: this version and the source of the fold's rules (when it can be read),
    so that a snapshot written by any other program is folded again rather than trusted."""
    digest = hashlib.sha256(f"{__version__}/{INDEX_FORMAT}".encode())
    for module in (rules, sys.modules[__name__], sys.modules[Rectification.__module__]):
        with suppress(OSError, TypeError):
            digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def _fold_state(store: Store) -> _FoldState | None:
    """Every view, from the snapshot or this process's memory brought up to date, else folded from
    the journals; None when what was folded cannot be kept (a read-only command that corrected
    the records in memory): then ``_fold_views`` has its own memory."""
    state = store.memo.get(_FOLD_STATE)
    try:
        if state is not None and _current_here(store, state):
            return state
        state = state or _read_fold_snapshot(store)
        current = _brought_up_to_date(store, state) if state is not None else None
    except SnapshotChanged:  # replaced since its header was read: fold from the journals
        current = None
    if current is None:
        current = _folded_from_journals(store)
        if current is None:
            store.memo.pop(_FOLD_STATE, None)
            return None
    if current.unsaved >= _REWRITE_AFTER:
        _write_fold_snapshot(store, current)
    store.memo[_FOLD_STATE] = current
    return current


def _with_fold_state(store: Store, use: Callable[[_FoldState], T], otherwise: Callable[[], T]) -> T:
    """``use`` the fold state; ``otherwise`` when there is none. A snapshot replaced under a reader
    (by the writer, between reading its header and a section) is read again, once."""
    for _ in range(2):
        state = _fold_state(store)
        if state is None:
            break
        try:
            return use(state)
        except SnapshotChanged:
            store.memo.pop(_FOLD_STATE, None)
    return otherwise()


def _read_fold_snapshot(store: Store) -> _FoldState | None:
    snapshot = read_snapshot(store.root / SNAPSHOT_FILE, kind=_SNAPSHOT_KIND, program=_program())
    if snapshot is None:
        return None
    try:
        orphans = _ORPHANS_DECODER.decode(snapshot.section(_ORPHANS))
        others = set(snapshot.context["others"])
        positions = {name: snapshot.positions[name] for name in _FOLDED_FROM}
        seals_at = snapshot.positions.get(VISIT_INDEX_FILE)

        def sealed() -> dict[str, str]:
            try:
                return _SEALS_DECODER.decode(snapshot.section(_SEALS))
            except (msgspec.DecodeError, KeyError):  # by this program, digest intact: only a bug; fold anew
                raise SnapshotChanged(_SEALS) from None

        views = _Views(snapshot)
        return _FoldState(positions, sealed, views, orphans, others, snapshot.modified, seals_at=seals_at)
    except (msgspec.DecodeError, KeyError, TypeError, ValueError):
        return None  # written by this program, digest intact: only a bug could get here; fold anew


def _write_fold_snapshot(store: Store, state: _FoldState) -> None:
    if not state.in_files:
        return

    def write() -> None:
        write_snapshot(
            store.root / SNAPSHOT_FILE,
            kind=_SNAPSHOT_KIND,
            program=_program(),
            # where the visit index ended when the seals were taken, beside the journals folded
            positions={**state.positions, **({VISIT_INDEX_FILE: state.seals_at} if state.seals_at else {})},
            context={"others": sorted(state.others)},
            sections=_snapshot_sections(state.views, state.orphans, state.sealed),
        )
        state.unsaved = 0

    with suppress(SnapshotChanged):  # the views' blocks could not be read: the next reading writes it
        store.as_writer(write)


def _folded_from_journals(store: Store) -> _FoldState | None:
    """Every view folded from the journals, with what they were folded from; None when the records
    in memory are not what the files say (a read-only command corrected them, could not write)."""
    views = _fold_views(store)
    positions = {
        INDEX_FILE: _index(store).position(),
        REMOTE_FILE: _remote(store).position(),
        EVENTS_FILE: _events(store).position(),
    }
    known = {name: position for name, position in positions.items() if position is not None}
    if len(known) < len(positions):
        return None
    orphans = [row for row in _event_rows(store) if row["event"]["rectification_id"] not in views]
    orphans += [data for data in _derived_events(_record_rows(store)) if data["rectification_id"] not in views]
    others = set(_remote(store).records())
    sealed, seals_at = _seals_read_whole(store)
    return _FoldState(known, sealed, views, orphans, others, unsaved=_REWRITE_AFTER, seals_at=seals_at)


def _current_here(store: Store, state: _FoldState) -> bool:
    """Whether ``state`` is current without reading a file: in the program holding the folder
    (nobody else writes) every journal it has read is where the state says, and so are the seals.
    Its own appends of events keep the state current as they go (``_append_event_rows``)."""
    if store.readonly:
        return False
    for name in _FOLDED_FROM:
        journal = store.loaded_journal(name)
        if journal is not None and journal.position() != state.positions[name]:
            return False
    index = store.loaded_journal(VISIT_INDEX_FILE)
    if index is None:
        # not read in this process since the state was made here (each change to the index goes
        # through the journal this opening read; nobody else writes): the seals are where they were
        return True
    position = index.position()
    if position is None or position != state.seals_at:
        if store.signed_off_seals() != state.sealed:
            return False
        state.seals_proven_at(position)
    return True


# -- the seals the fold depends on --------------------------------------------------------------
#
# A fold depends on the visit index only through the seals of the signed-off visits (``sealed``):
# a new seal is a sign-off to fold in, a changed or missing one a visit amended or gone, which
# only a fold from the journals deals with. Reading the index to learn them (3.9 MB at 10,000
# visits, ~25 ms to parse, ~6 ms more to gather and compare 10,000 seals) was most of what a
# reading of a current snapshot cost: home's start at 10,000 visits. So the state keeps where the
# index ended when ``sealed`` was what it said (``seals_at``, a ``JournalPosition``, kept in the
# snapshot beside the journals folded, with the index's modification time), and ``_seals_now``
# proves the seals from that:
# - the index read in this process already: at that very position (its records are exactly what
#   the file says up to there, ``Journal.position``), the seals are the same; else gathered whole;
# - not read: the index is a journal, only ever grown by appended lines or replaced whole (a
#   compaction, a rebuild, a restore, a copy: a new file), which ``growth_since`` proves from the
#   file's identity, size, samples and time without reading the years before (``store.snapshot``).
#   Nothing appended: the same seals, and the index stays unread. Lines appended: the seals are
#   those noted, with each line applied in order as the journal applies it when it reads the file
#   (a later line of a visit replaces its earlier one, a drop removes it; a torn last line, never
#   acknowledged, is not part of the growth); the lines name every visit whose row changed, so no
#   other seal can have. Anything else (another file, cut short, changed in a sampled window or
#   at the same size since, a line that is not a row as the index writes it): the seals gathered
#   whole from the index as the store reads and checks it (``Store.signed_off_seals``).
# A line appended by a crash before its visit file was written (which the store corrects when it
# reads the index) cannot be taken for a sign-off: a new seal is folded from its visit file only
# when the file holds that very seal (``_rows_signed_off``), and a changed or missing seal is a
# fold from the journals, which reads the index the careful way.


class _Seals(NamedTuple):
    """The seals of the signed-off visits as ``_seals_now`` proved them."""

    changed: dict[str, str] | None
    """Every seal now; None when they are the state's (then never gathered)."""
    at: JournalPosition | None
    """Where the visit index ends with them (None: not provable later)."""
    unsaved: int
    """What proving them cost that a snapshot written now spares the next reading: the lines of
    the index applied, or, when it was read whole for want of a proof (another file since, or a
    position never noted), ``_REWRITE_AFTER``: that costs each run more than the folding the
    snapshot is written again for (~31 ms at 10,000 visits), and would again next time."""


def _seals_now(store: Store, state: _FoldState) -> _Seals:
    """The seal of every signed-off visit now, proven from where ``state.sealed`` was taken (see above)."""
    index = store.loaded_journal(VISIT_INDEX_FILE)
    if index is not None:
        position = index.position()
        if position is not None and position == state.seals_at:
            return _Seals(None, position, 0)
        return _Seals(*_seals_read_whole(store), 0)  # read in this process anyway
    if state.seals_at is not None:
        growth = growth_since(store.root / VISIT_INDEX_FILE, state.seals_at, state.modified.get(VISIT_INDEX_FILE, 0))
        rows = _json_rows(VISIT_INDEX_FILE, growth, state.seals_at) if growth is not None else None
        if growth is not None and rows == []:  # nothing appended: the seals are not even read
            return _Seals(None, growth.position, 0)
        if growth is not None and rows is not None:
            sealed = _sealed_after(state.sealed, rows)
            if sealed is not None:
                return _Seals(None if sealed is state.sealed else sealed, growth.position, len(rows))
    return _Seals(*_seals_read_whole(store), _REWRITE_AFTER)


def _seals_read_whole(store: Store) -> tuple[dict[str, str], JournalPosition | None]:
    """The seals from the whole visit index (read, and checked by the store, if not yet), and where
    it ends with them."""
    sealed = store.signed_off_seals()
    index = store.loaded_journal(VISIT_INDEX_FILE)
    return sealed, index.position() if index is not None else None


def _sealed_after(sealed: dict[str, str], rows: list[Any]) -> dict[str, str] | None:
    """``sealed`` with the visit index's appended rows applied in order, as ``Store.signed_off_seals``
    reads them: a signed-off row sets its visit's seal, any other row or a drop removes it; ``sealed``
    itself when no seal changed (a visit started, answered, completed). None when a row is not one
    the index holds (the store then reads the index and deals with it)."""
    signed_off = VisitStatus.SIGNED_OFF.value
    after = sealed
    try:
        for row in rows:
            uuid = row["uuid"]
            if not isinstance(uuid, str):
                return None
            seal = (row.get("seal") or "") if row.get("status") == signed_off and not row.get(GONE) else None
            if after.get(uuid) != seal:
                after = dict(after) if after is sealed else after
                if seal is None:
                    del after[uuid]
                else:
                    after[uuid] = seal
    except (KeyError, TypeError, AttributeError):
        return None
    return after


def _append_event_rows(store: Store, rows: list[dict[str, Any]]) -> None:
    """Append event rows to the journal, and fold them into this process's state when it was
    current for the journal until now (else the next reading finds them in the file)."""
    journal = _events(store)
    before = journal.position()
    journal.append(rows)
    state = store.memo.get(_FOLD_STATE)
    after = journal.position()
    if state is None or before is None or after is None or state.positions[EVENTS_FILE] != before:
        return
    try:
        brought = _with_new_events(state.views, state.orphans, rows)
    except SnapshotChanged:
        brought = None
    if brought is None:
        store.memo.pop(_FOLD_STATE, None)
        return
    changes, orphans = brought
    positions = {**state.positions, EVENTS_FILE: after}
    views = _with_changes(state.views, changes)
    store.memo[_FOLD_STATE] = replace(
        state,
        positions=positions,
        views=views,
        orphans=orphans,
        modified=_time_forgotten(state.modified, EVENTS_FILE),
        unsaved=state.unsaved + len(rows),
        ordered=None,
    )


def _json_rows(name: str, growth: Growth, since: JournalPosition) -> list[Any] | None:
    """The records a journal's growth adds (a journal created since starts with its header)."""
    lines = growth.lines()
    if since.size == 0 and lines and is_header(lines[0], name.removesuffix(".jsonl")):
        lines = lines[1:]
    try:
        return [json.loads(line) for line in lines]
    except ValueError:
        return None


def _brought_up_to_date(store: Store, state: _FoldState) -> _FoldState | None:
    """``state`` with what was appended since folded in (events; visits signed off; other teams'
    records of visits not seen before), when nothing else that the views depend on changed;
    None when they must be folded from the journals (see "the persisted fold" above)."""
    proven = _seals_now(store, state)
    fresh = proven.changed
    if (
        fresh is not None
        and fresh != state.sealed
        and (  # the same seals: one comparison of the dicts, in C
            len(fresh) < len(state.sealed) or any(fresh.get(uuid) != seal for uuid, seal in state.sealed.items())
        )
    ):
        return None  # a visit amended or gone
    signed = {} if fresh is None else {uuid: seal for uuid, seal in fresh.items() if uuid not in state.sealed}
    growths = {}
    for name in _FOLDED_FROM:
        position = state.positions.get(name)
        growth = growth_since(store.root / name, position, state.modified.get(name, 0)) if position else None
        if growth is None:
            return None
        growths[name] = growth
    added = {name: _json_rows(name, growth, state.positions[name]) for name, growth in growths.items()}
    index_rows, remote_rows, event_rows = added[INDEX_FILE], added[REMOTE_FILE], added[EVENTS_FILE]
    if index_rows is None or remote_rows is None or event_rows is None:
        return None
    positions = {name: growth.position for name, growth in growths.items()}
    if not (signed or index_rows or remote_rows or event_rows):
        state.seals_proven_at(proven.at)
        state.unsaved += proven.unsaved
        return state
    rows = _rows_signed_off(store, state.sealed if fresh is None else fresh, signed, index_rows, remote_rows, state)
    if rows is None:
        return None
    visit_rows, made, others = rows
    in_files = state.in_files
    if made:
        written = _append_index_rows(store, list(made.values()), positions[INDEX_FILE])
        in_files = in_files and written is not None
        positions[INDEX_FILE] = written or positions[INDEX_FILE]
    brought = _with_new_records(state, visit_rows, event_rows)
    if brought is None:
        return None
    changes, orphans = brought
    lines = len(signed) + len(index_rows) + len(remote_rows) + len(event_rows)
    return _FoldState(
        positions,
        {**state.sealed, **signed},
        _with_changes(state.views, changes),
        orphans,
        state.others | others,
        unsaved=state.unsaved + lines + proven.unsaved,
        seals_at=proven.at,
        in_files=in_files,
    )


def _rows_signed_off(
    store: Store,
    seals: dict[str, str],
    signed: dict[str, str],
    index_rows: list[Any],
    remote_rows: list[Any],
    state: _FoldState,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], set[str]] | None:
    """The record rows of the visits new to ``state``, by uuid (its own signed off since, other
    teams' not seen before), those of them made here from their visit file (the index's tail
    lacked them) and the other teams' visits among them; None when the tails say anything else
    (a row of a visit already folded, a drop, another team's newer version of a visit already
    folded, a visit held here that other teams' records were folded for)."""
    try:
        from_index = {}
        for row in index_rows:
            uuid = row["uuid"]
            if row.get(GONE) or uuid not in signed or not _is_current(row, signed[uuid]):
                return None
            from_index[uuid] = row
        from_others = {}
        others = set()
        for row in remote_rows:
            if row.get(GONE) or not isinstance(row["records"], list):
                return None
            others.add(row["uuid"])
            if row["uuid"] not in seals:  # a visit held here speaks for itself
                from_others[row["uuid"]] = row
    except (KeyError, TypeError, AttributeError):
        return None
    if state.others & (signed.keys() | others):
        return None
    made = {}
    for uuid in signed.keys() - from_index.keys():
        try:
            made[uuid] = _index_row(store.load_visit(uuid))
        except StoreError:
            return None  # damaged: the fold from the journals deals with it (sets it aside, says so)
        if made[uuid]["seal"] != signed[uuid]:
            return None
    return {**from_others, **from_index, **made}, made, others


def _append_index_rows(store: Store, rows: list[dict[str, Any]], end: JournalPosition) -> JournalPosition | None:
    """Append index rows made from their visits, when this program may write and nobody appended
    since ``end``, without reading the index; where it then ends, or None when not written."""
    written: list[JournalPosition | None] = [None]

    def write() -> None:
        written[0] = store.append_to_journal(INDEX_FILE, "uuid", rows, ending_at=end)

    store.as_writer(write)
    return written[0]


def _with_new_records(
    state: _FoldState, visit_rows: dict[str, dict[str, Any]], event_rows: list[Any]
) -> tuple[dict[str, RectificationView], list[dict[str, Any]]] | None:
    """The views that new visits' records and new events make or change, and the orphans left;
    None when a fold from the journals must decide (see ``_with_new_events``)."""
    try:
        records = {data["id"]: data for row in visit_rows.values() for data in row["records"]}
        derived = [data for row in visit_rows.values() for data in row["derived"]]
    except (KeyError, TypeError):
        return None
    if not records:
        return _with_new_events(state.views, state.orphans, [*event_rows, *derived])
    # the new rectifications, each from the events that named it before it was known and its new ones
    stored: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    decided: dict[str, list[dict[str, Any]]] = defaultdict(list)
    waiting, fresh = [], []
    try:
        for number, item in enumerate([*state.orphans, *event_rows, *derived]):
            if "origin" in item and (item.get(GONE) or item["id"] != item["event"]["id"]):
                return None
            rectification_id = _names(item)
            if rectification_id not in records:
                (waiting if number < len(state.orphans) else fresh).append(item)
            elif "origin" in item:
                stored[rectification_id][item["id"]] = item  # a later row of the event wins
            else:
                decided[rectification_id].append(item)
        made = {}
        for key, data in records.items():
            events = [_event_of(item) for item in (*stored[key].values(), *decided[key])]
            record = rules.record_from_dict(data)
            made[key] = rules.fold(record, events) if events else rules.initial_view(record)
    except (AttributeError, KeyError, TypeError, ValueError, DomainError):
        return None
    brought = _with_new_events(state.views, waiting, fresh)
    if brought is None:
        return None
    changes, orphans = brought
    return {**changes, **made}, orphans


def _names(item: dict[str, Any]) -> Any:
    """The rectification a stored event row or a derived event names."""
    return item["event"]["rectification_id"] if "origin" in item else item["rectification_id"]


def _with_new_events(
    views: Mapping[str, RectificationView], orphans: list[dict[str, Any]], items: list[Any]
) -> tuple[dict[str, RectificationView], list[dict[str, Any]]] | None:
    """The views that these stored event rows and derived events change, folded again, and the
    orphans with those naming no view added; None when a row is not an event as ``_append`` stores
    it, or says something else about an event already folded.

    A rectification's history holds every event its fold chose, one per id, refused ones too; so
    its fold from scratch is the fold of those events and the new ones, where a newer row of the
    same event (its receipt time added) replaces the one before. Where one id comes twice with
    equal content, ``fold`` keeps the first seen, as from scratch: stored rows before the history,
    derived events after it. The one case that is not: an event stored under the id of another
    (a derived one) with another content, whose winner a fold decides from both; that is left to
    the fold from the journals."""
    rows: dict[str, dict[str, RectificationEvent]] = defaultdict(dict)
    decided: dict[str, dict[str, RectificationEvent]] = defaultdict(dict)
    strays = []
    superseded = set()
    try:
        for item in items:
            if item.get(GONE):
                return None
            if "origin" in item:
                if item["id"] != item["event"]["id"]:
                    return None
                superseded.add(item["id"])
            rectification_id = _names(item)
            if rectification_id not in views:  # as from scratch: events of no known record wait
                strays.append(item)
            elif "origin" in item:
                rows[rectification_id][item["id"]] = _event_of(item)
            else:
                decided[rectification_id][item["id"]] = _event_of(item)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    updated = {}
    for rectification_id in rows.keys() | decided.keys():
        view = views[rectification_id]
        before = [step.event for step in view.history]
        new_events = {**decided[rectification_id], **rows[rectification_id]}
        if any(event.id in new_events and new_events[event.id] != event for event in before):
            return None
        if any(
            key in rows[rectification_id] and event != rows[rectification_id][key]
            for key, event in decided[rectification_id].items()
        ):
            return None
        kept = [
            *rows[rectification_id].values(),
            *(event for event in before if event.id not in rows[rectification_id]),
            *(event for key, event in decided[rectification_id].items() if key not in rows[rectification_id]),
        ]
        updated[rectification_id] = rules.fold(view.record, kept)
    # a later row of a waiting event replaces it, as in the journal
    waiting = [item for item in orphans if not ("origin" in item and item["id"] in superseded)]
    return updated, [*waiting, *strays]


def rectification_view(store: Store, rectification_id: str) -> RectificationView:
    state = store.memo.get(_FOLD_STATE)
    view = None
    try:
        if state is not None and _current_here(store, state):
            view = state.views.get(rectification_id)
        else:  # one rectification: its record and events, not a snapshot of all
            state = None
    except SnapshotChanged:
        store.memo.pop(_FOLD_STATE, None)
        state = None
    if state is None:
        view = _fold_views(store, [rectification_id]).get(rectification_id)
    if view is None:
        raise DomainError("rectification.unknown", text=rectification_id)
    return view


def resolve_rectification(store: Store, text: str) -> str:
    """A rectification's id from its whole id, a unique prefix, or ``<visit prefix>/<item id>``."""
    wanted = text.strip()
    visit_part, _, item_part = wanted.partition("/")
    if len(visit_part) < 4:
        raise DomainError("rectification.prefix_too_short", text=text)
    ids = [data["id"] for row in _record_rows(store).values() for data in row["records"]]
    matches = [found for found in ids if found == wanted]
    if not matches:
        matches = [found for found in ids if found.startswith(wanted) or _short_form_of(found, visit_part, item_part)]
    if not matches:
        raise DomainError("rectification.unknown", text=text)
    if len(matches) > 1:
        raise DomainError("rectification.ambiguous", text=text, count=len(matches))
    return matches[0]


def _short_form_of(rectification_id: str, visit_prefix: str, item_id: str) -> bool:
    visit_uuid, _, rest = rectification_id.partition("/")
    return bool(item_id) and visit_uuid.startswith(visit_prefix) and rest == item_id


@dataclass(frozen=True)
class RectificationFilter:
    """What a list of rectifications is narrowed to; None or False means 'any'."""

    township: str | None = None
    site: str | None = None
    area: Area | None = None
    severity: Severity | None = None
    state: RectificationState | None = None
    overdue: bool = False

    @property
    def may_keep_closed(self) -> bool:
        """Whether a closed rectification may match (a listing of open or overdue ones reads only
        the heads of those not closed)."""
        return not self.overdue and self.state in (None, RectificationState.CLOSED)

    def matches(self, view: RectificationView | _ViewHead, today: date) -> bool:
        record = view.record
        return (
            (self.township is None or self.township in record.township)
            and (self.site is None or self.site == record.site_id or self.site in record.site_name)
            and (self.area is None or record.area is self.area)
            and (self.severity is None or record.severity is self.severity)
            and (self.state is None or view.state is self.state)
            and (not self.overdue or view.overdue_on(today))
        )


def find_rectifications(
    store: Store, wanted: RectificationFilter | None = None, *, today: date | None = None
) -> list[RectificationView]:
    """The rectifications matching ``wanted``, by due date; overdue as of ``today`` in Asia/Shanghai."""
    day = today or local_date(now())
    wanted = wanted or RectificationFilter()

    def kept(state: _FoldState) -> list[RectificationView]:
        views = state.views
        if state.ordered is None and isinstance(views, _Views):  # decode only what is kept
            heads = views.heads_where(closed=wanted.may_keep_closed)
            # ordered as ``_by_due`` orders views, from the heads (a view's id is its key)
            found = sorted(
                (head.due, head.record.site_id, key) for key, head in heads.items() if wanted.matches(head, day)
            )
            return views.many([key for _, _, key in found])
        return [view for view in _ordered(state) if wanted.matches(view, day)]

    return _with_fold_state(
        store, kept, lambda: [view for view in _by_due(_fold_views(store).values()) if wanted.matches(view, day)]
    )


@dataclass(frozen=True)
class RectificationCounts:
    """What the home screen shows: how many in each state, how many overdue, the most overdue first."""

    by_state: dict[RectificationState, int]
    overdue: list[RectificationView]

    @property
    def not_closed(self) -> int:
        return sum(count for state, count in self.by_state.items() if state is not RectificationState.CLOSED)


def rectification_counts(store: Store, *, today: date | None = None) -> RectificationCounts:
    day = today or local_date(now())
    views = rectification_views(store)
    by_state = {state: sum(1 for view in views if view.state is state) for state in RectificationState}
    overdue = sorted((view for view in views if view.overdue_on(day)), key=lambda view: (view.due, view.id))
    return RectificationCounts(by_state, overdue)


# -- recording ---------------------------------------------------------------------------------


def _append(
    store: Store,
    events: Iterable[RectificationEvent],
    *,
    origin: str,
    received_at: Mapping[str, str] | None = None,
) -> int:
    """Store events not yet here (by id) in one write; local ones are queued for upload too.

    The events file is written before the outbox: after a crash between the two,
    ``queue_unsent_events`` finds the local events the outbox lacks.
    """
    journal = _events(store)
    known = journal.records()
    fresh: dict[str, RectificationEvent] = {}
    for event in events:
        if event.id not in known:
            fresh.setdefault(event.id, event)
    if not fresh:
        return 0
    receipts = received_at or {}
    unqueued = _unqueued_local_events(store) if origin == LOCAL else []
    _append_event_rows(
        store,
        [
            {
                "id": event.id,
                "origin": origin,
                "event": event.to_dict(),
                **({"received_at": receipts[event.id]} if event.id in receipts else {}),
            }
            for event in fresh.values()
        ],
    )
    if origin == LOCAL:
        _queue(store, [*unqueued, *(event.to_dict() for event in fresh.values())])
    return len(fresh)


def _unqueued_local_events(store: Store) -> list[dict[str, Any]]:
    """The latest local events a crash left out of the outbox, oldest first.

    Local events are stored, then queued, a batch at a time, each batch queued in one write, and
    every new batch first queues what the last one may have missed; so only the latest local
    events can lack their entry, and the search stops at the first (from the end) that has one:
    nobody looks up years of sent events.
    """
    missing = []
    for row in reversed(_events(store).records().values()):  # from the end, no copy of years of rows
        if row["origin"] != LOCAL:
            continue
        if store.outbox_entry(OUTBOX_KIND, row["id"]) is not None:
            break
        missing.append(row["event"])
    return missing[::-1]


def _queue(store: Store, events: list[dict[str, Any]]) -> None:
    """Queue events for upload in one appended write: a crash queues all of them or none."""
    store.put_outbox_many(
        {"kind": OUTBOX_KIND, "key": event["id"], "event": event, "state": PENDING_STATE} for event in events
    )


def queue_unsent_events(store: Store) -> int:
    """Store and queue what a signed-off re-inspection decided, and every local event a crash left
    out of the outbox; returns how many were queued. The sync calls it before each upload."""
    derived = [RectificationEvent.from_dict(data) for data in _derived_events(_indexed_visits(store))]
    missing = _unqueued_local_events(store)
    _queue(store, missing)
    return _append(store, derived, origin=LOCAL) + len(missing)


def _new_id() -> str:
    return str(uuid_module.uuid4())


def check_may_record(store: Store, kind: EventKind) -> None:
    """Refuse here what the bureau server would refuse: a step the account this laptop logged in
    with may not record (``core.rectifications.may_record``). The only step kept to the owning
    team, the notice, is noted here only for this laptop's own visits (a notice, or a re-inspection's
    follow-up); before any login, the server decides at the first sync."""
    from inspector.services.sync import saved_login

    login = saved_login(store)
    if login is not None and not rules.may_record(kind, login.role, owns_record=True):
        raise DomainError("rectification.role_may_not", role=login.role)


def record_feedback(
    store: Store,
    rectification_id: str,
    *,
    measures: str,
    responsible: str,
    feedback_date: date,
    status: FeedbackStatus,
    by: str,
    evidence_files: Iterable[Path] = (),
    reason: str = "",
    at: datetime | None = None,
) -> RectificationView:
    """The unit's 反馈, typed in from the returned form; its evidence files are copied into the store first.

    The event names the last step it was recorded after (``rules.last_seen``), so a laptop clock
    that is behind cannot sort it before the notice it answers."""
    check_may_record(store, EventKind.FEEDBACK)
    before = rectification_view(store, rectification_id)
    event = rules.make_event(
        id=_new_id(),
        rectification_id=rectification_id,
        kind=EventKind.FEEDBACK,
        at=at or now(),
        by=by,
        reason=reason,
        payload={
            "measures": measures,
            "responsible": responsible,
            "date": feedback_date.isoformat(),
            "status": FeedbackStatus(status).value,
            **rules.last_seen(before),
        },
    )
    # checked before the files are copied, so a refused feedback leaves nothing behind
    rules.advance(before, event)
    event = replace(event, evidence=tuple(store.add_evidence(Path(path)) for path in evidence_files))
    after = rules.advance(before, event)
    _append(store, [event], origin=LOCAL)
    return after


def record_notice(store: Store, visit_uuid: str, notice_number: str, *, by: str, at: datetime | None = None) -> int:
    """Note on each open rectification of a visit that its notice (整改通知书) went out; returns how many.

    The notice after a re-inspection (its follow-up) goes on the rectifications it re-opened.
    Recording the same notice again adds nothing.
    """
    check_may_record(store, EventKind.ISSUED)
    visit = store.load_visit(visit_uuid)
    views = _fold_views(store, visit.reinspects or [record.id for record in rectifications(visit)]).values()
    events = []
    for view in views:
        if view.state is not RectificationState.OPEN or view.notice_number == notice_number.strip():
            continue
        event = rules.make_event(
            id=_new_id(),
            rectification_id=view.id,
            kind=EventKind.ISSUED,
            at=at or now(),
            by=by,
            payload={"notice_number": notice_number, **rules.last_seen(view)},
        )
        rules.advance(view, event)
        events.append(event)
    queue_unsent_events(store)
    return _append(store, events, origin=LOCAL)


def apply_remote_events(
    store: Store, events: list[dict[str, Any]], received_at: Mapping[str, str] | None = None
) -> int:
    """Store events pulled from the bureau server; those already here (by id) are skipped.

    Returns how many were new. Every event is read first: a malformed one is refused with its id
    and nothing is stored. Conflicting steps are kept and shown as such in the history.
    ``received_at``: when the server received each event (by id), kept beside it, also on this
    laptop's own events as they come back.
    """
    return store_remote_events(store, [RectificationEvent.from_dict(event) for event in events], received_at)


def store_remote_events(
    store: Store, events: list[RectificationEvent], received_at: Mapping[str, str] | None = None
) -> int:
    """``apply_remote_events`` for events already read (the sync reads each entry once, to set an
    unreadable one aside alone)."""
    added = _append(store, events, origin=REMOTE, received_at=received_at or {})
    _note_receipts(store, received_at or {})
    return added


def _note_receipts(store: Store, received_at: Mapping[str, str]) -> None:
    """Keep the server's receipt time on the stored events that lack it: their rows again, with it,
    in one append (a later row of the same event wins). A lookup per event received, not a pass
    over every event stored."""
    journal = _events(store)
    late = []
    for key, at in received_at.items():
        row = journal.get(key)
        if row is not None and not row.get("received_at"):
            late.append({**row, "received_at": at})
    if late:
        _append_event_rows(store, late)


# -- re-inspection (复查) ------------------------------------------------------------------------


def open_at_site(store: Store, site_id: str) -> list[RectificationView]:
    return [view for view in rectification_views(store) if view.record.site_id == site_id and view.is_open]


def start_reinspection(
    store: Store,
    site_id: str,
    *,
    lead: str,
    title: str,
    members: Iterable[str] = (),
    arrived_at: datetime | None = None,
) -> Visit:
    """Start a re-inspection at a site: a visit like any other, whose checklist is exactly the
    site's open items.

    Refused while another re-inspection of the site is not yet signed off, so that one item is
    never verified by two visits at once.
    """
    for summary in visit_services.visits_in_progress(store):
        if summary.site_id == site_id and store.load_visit(summary.uuid).reinspects:
            raise DomainError("rectification.reinspection_in_progress", uuid=summary.uuid[:8])
    site = store.site(site_id)
    if site is None:
        raise DomainError("visit.unknown_site", site_id=site_id)
    views = open_at_site(store, site_id)
    local = {view.record.visit_uuid for view in views if store.visit_summary(view.record.visit_uuid) is not None}
    visits = {uuid: store.load_visit(uuid) for uuid in local}
    prepared = rules.prepare_reinspection(site, views, visits, title, _remote_items(store, views))
    return visit_services.start_visit(
        store,
        site_id,
        lead=lead,
        members=members,
        arrived_at=arrived_at,
        checklist=prepared.checklist,
        reinspects=prepared.reinspects,
    )


def _remote_items(store: Store, views: Iterable[RectificationView]) -> dict[str, Item]:
    """The original items of the records another team found (their visits are not here), by record id."""
    rows = _remote_checklist_items(store).records()
    items = {}
    for view in views:
        row = rows.get(view.record.visit_uuid)
        if row is not None and view.record.item_id in row["items"]:
            items[view.id] = Item.from_dict(row["items"][view.record.item_id])
    return items


def reinspection_items(store: Store, visit_uuid: str) -> list[ReinspectionEntry]:
    """The items of a re-inspection, each with its rectification as it stands now (finding,
    evidence, feedback, history): what the runner and the command line show beside each item."""
    visit = store.load_visit(visit_uuid)
    if not visit.reinspects:
        raise DomainError("rectification.not_a_reinspection", uuid=visit_uuid[:8])
    views = _fold_views(store, visit.reinspects)
    return [ReinspectionEntry(item, views[item.id]) for item in visit.checklist.items]


def complete_reinspection(store: Store, visit_uuid: str, *, by: str, at: datetime | None = None) -> Visit:
    """Sign the re-inspection off and record its outcome: passed items closed, failed ones re-opened.

    A failed item's new due date is the re-inspection's own deadline for it (the item's deadline,
    or the one the team set on the answer). Safe to call again on a signed-off re-inspection:
    the outcome's events have fixed ids, so only the missing ones are added.
    """
    visit = store.load_visit(visit_uuid)
    if not visit.reinspects:
        raise DomainError("rectification.not_a_reinspection", uuid=visit_uuid[:8])
    if not visit.is_sealed:
        _check_still_open(store, visit)
        visit = visit_services.sign_off_visit(store, visit_uuid, by=by, at=at)
    queue_unsent_events(store)
    return visit


def _check_still_open(store: Store, visit: Visit) -> None:
    """Each item found passed or failed must still be open: another team may have closed it meanwhile."""
    answers = visit.answers
    views = _fold_views(store, visit.reinspects)
    for rectification_id in visit.reinspects:
        answer = answers.get(rectification_id)
        if answer is None or answer.result not in (Result.PASS, Result.FAIL):
            continue
        view = views[rectification_id]
        if not view.is_open:
            raise DomainError("rectification.no_longer_open", item_id=view.record.item_id)


# -- home's rectifications (added for the TUI at 10,000 visits; nothing above depends on it) -----


def not_closed(store: Store, *, whole: int) -> NotClosed:
    """Home's rectifications, the first ``whole`` of them whole. From the persisted fold only the
    heads are read for the rest (at 10,000 visits home counts 30,000 and lists 200, and decoding
    every view would cost ~0.4 s and ~80 MB more), and with none whole only its tally of them. A
    snapshot replaced meanwhile is read again (``_with_fold_state``), as for every other reading."""

    def from_views(views: Iterable[RectificationView]) -> NotClosed:
        found = [view for view in views if view.state is not RectificationState.CLOSED]
        return NotClosed(dict(Counter(Standing(view.state, view.due) for view in found)), found[:whole])

    def from_fold(state: _FoldState) -> NotClosed:
        views = state.views
        if state.ordered is not None or not isinstance(views, _Views):
            return from_views(_ordered(state))
        tally = views.open_tally() if not whole else None
        if tally is not None:
            return NotClosed({Standing(kind, due): count for due, kind, count in tally}, [])
        rows = sorted(  # as ``_by_due`` orders views
            (head.due, head.record.site_id, key, head.state) for key, head in views.heads_where(closed=False).items()
        )
        return NotClosed(
            dict(Counter(Standing(kind, due) for due, _, _, kind in rows)),
            views.many([row[2] for row in rows[:whole]]),
        )

    return _with_fold_state(store, from_fold, lambda: from_views(_by_due(_fold_views(store).values())))

"""What home's first frame shows, and how a laptop holding years of visits starts without reading them.

Home counts every visit, lists the visits in progress, counts the signed-off versions waiting to
be sent and the round's assignments still due. After years, reading that from the visit index and
the outbox (megabytes of JSON Lines at 10,000 visits) was most of the app's start, for a summary of
a few hundred bytes. So the app keeps the summary it last showed when it closes cleanly
(``Store.keep_at_close``), and the next start shows it when the store proves that no file of the
data dir changed since (``Store.kept_at_open``: the clean-close stamp); otherwise, and for every
later refresh of home, the summary is read from the files. The summary is a cache, never a
source of truth: losing it costs one reading of the files.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

import msgspec

from inspector.core.visit_summary import VisitSummary
from inspector.core.vocabulary import RectificationState
from inspector.services.rounds import RoundDue, due
from inspector.store.errors import StoreError
from inspector.store.store import PENDING_STATE, VISIT_KIND, Store


class HomeSummary(msgspec.Struct, frozen=True):
    visit_count: int
    in_progress: list[dict[str, Any]]
    """The index rows of the visits in progress, newest arrival first."""
    pending_uploads: int
    round_due: RoundDue
    rectifications: list[tuple[date, RectificationState, int]] | None = None
    """How many rectifications not closed share each (due date, state), as the fold's tally has it
    (``core.standing.NotClosed``); kept at a clean close only: at any other time home
    counts them in a thread, as folding them can take seconds after a sign-off."""

    def visits_in_progress(self) -> list[VisitSummary]:
        return [VisitSummary.from_dict(row) for row in self.in_progress]


_DECODER = msgspec.json.Decoder(HomeSummary)


def pending_uploads(store: Store) -> list[dict[str, Any]]:
    """The outbox's signed-off visit versions not yet sent, of the visits the index lists."""
    listed = set(store.visit_uuids())
    return [
        entry
        for entry in store.unsent_outbox()
        if entry.get("kind") == VISIT_KIND and entry.get("state") == PENDING_STATE and entry.get("uuid") in listed
    ]


def home_summary(store: Store) -> HomeSummary:
    """Read from the store's files."""
    return HomeSummary(
        visit_count=store.visit_count(),
        in_progress=[summary.to_dict() for summary in store.newest_visits(in_progress=True)],
        pending_uploads=len(pending_uploads(store)),
        round_due=due(store),
    )


def summary_at_start(store: Store) -> HomeSummary:
    """The summary the last clean close kept, when nothing changed since; else read from the files."""
    kept = store.kept_at_open
    if kept is not None:
        try:
            summary = _DECODER.decode(kept)
            summary.visits_in_progress()  # rows of another shape fail here, not on screen
            return summary
        except (msgspec.DecodeError, KeyError, TypeError, ValueError):  # kept by another version
            pass
    return home_summary(store)


def keep_for_next_start(store: Store) -> None:
    """Give the store, as it closes, what the next start's first frame shows, the rectifications'
    tally too (this process folded them for home already). A store that cannot be read now (said on
    screen when it was met) keeps nothing: the next start reads the files."""
    from inspector.services.rectifications import not_closed  # not imported for home's first frame

    with suppress(StoreError):
        tally = not_closed(store, whole=0).tally
        rectifications = [(standing.due, standing.state, count) for standing, count in tally.items()]
        summary = msgspec.structs.replace(home_summary(store), rectifications=rectifications)
        store.keep_at_close(msgspec.json.encode(summary))

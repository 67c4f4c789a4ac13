"""The outbox's upkeep: a signed-off version queued for the bureau, and the look at each start (and
each sync) for a version a crash left out of it.

Apart from ``services.visits``, which queues each version it signs off: the app runs
``ensure_outbox`` before its first frame, and after a clean close it finds nothing to do; the rules
of a whole visit are imported only once a version is to be queued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector.core.canonical import sha256_hex
from inspector.store.store import PENDING_STATE, VISIT_KIND, Store

if TYPE_CHECKING:
    from inspector.core.visits import Visit


def queue_signed_version(store: Store, visit: Visit) -> None:
    """Freeze the bytes of a signed-off version and put them in the outbox (once).

    The entry is written after the bytes: without the bytes there is no entry, and the outbox
    (with its archive of years of receipts) is not searched; so a sign-off costs the same whatever
    the history."""
    key = f"{visit.uuid}.v{visit.version}"
    if store.has_sealed(visit.uuid, visit.version) and store.outbox_entry(VISIT_KIND, key) is not None:
        return  # both are there
    from inspector.core.visits import sealed_bytes  # loaded already: whoever holds a visit made it with these rules

    frozen = sealed_bytes(visit)
    store.save_sealed(visit.uuid, visit.version, frozen)
    store.put_outbox(
        {
            "kind": VISIT_KIND,
            "key": key,
            "uuid": visit.uuid,
            "version": visit.version,
            "seal": visit.seal,
            # the frozen bytes' own hash: checking them before an upload or a document costs one hash
            "sha256": sha256_hex(frozen),
            "state": PENDING_STATE,
        }
    )


def ensure_outbox(store: Store, *, whole: bool = False) -> int:
    """Queue every signed-off version that a crash left out of the outbox; returns how many. Read
    from the index's rows, not from a summary of every visit: it runs before the app's first frame.
    Nothing to look for when the store knows the outbox complete (``Store.outbox_complete``: after
    a clean close, and a look like this one, nothing signed off can be missing from it), unless
    ``whole``: a caller that found an entry missing all the same looks at every one."""
    if store.outbox_complete and not whole:
        return 0
    added = 0
    for uuid, version in store.signed_off_versions().items():
        if not store.in_outbox(VISIT_KIND, f"{uuid}.v{version}"):
            queue_signed_version(store, store.load_visit(uuid))
            added += 1
    store.outbox_found_complete()
    return added

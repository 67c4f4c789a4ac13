"""The bureau profile: read it (demo defaults until someone edits it) and change one field."""

from __future__ import annotations

from tinydb.table import Document

from inspector.core.profile import BureauProfile, with_value
from inspector.store.store import SINGLE, Store

PROFILE_FILE = "profile.json"


def load_profile(store: Store) -> BureauProfile:
    row = store.db(PROFILE_FILE).table("profile").get(doc_id=SINGLE)
    return BureauProfile.from_dict(dict(row)) if row else BureauProfile()


def save_profile(store: Store, profile: BureauProfile) -> None:
    store.db(PROFILE_FILE).table("profile").upsert(Document(profile.to_dict(), doc_id=SINGLE))


def set_profile_value(store: Store, key: str, text: str) -> BureauProfile:
    """Set one field from what a clerk typed; the whole profile is written in one atomic write."""
    profile = with_value(load_profile(store), key, text)
    save_profile(store, profile)
    return profile

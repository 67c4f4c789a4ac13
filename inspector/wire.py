"""What travels between a laptop, a county server and a province server: one schema per body.

The server validates every request body with these (strictly: no unknown field where the body is
ours alone, no string where a number belongs, lengths and id patterns bounded), the client builds
its uploads and reads the answers with them, and the OpenAPI document publishes them; so the
three cannot drift apart. msgspec, not pydantic: it decodes and checks in one pass in C, refuses
what is not strict JSON (NaN, Infinity, a number out of range, a lone surrogate) by itself, and
costs a fraction of pydantic's import (bench/RESULTS.md, "Trust").

Importable by both sides: nothing here imports the server, the client or an HTTP library.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

import msgspec

T = TypeVar("T")
MAX_ID = 200
"""The longest event or rectification id (the database's key columns hold 200 characters)."""
MAX_SITE_ID = 40
MAX_TEXT = 2000
MAX_BATCH = 100

# A printable id: no control character (NUL …), no lone surrogate; '/ ? # %', spaces and Chinese are
# allowed (every client percent-encodes a path segment).
ID_PATTERN = r"^[^\x00-\x1f\x7f\ud800-\udfff]+$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
MAX_SEQ = 10**18 - 1
"""Sequence numbers and ``since`` fit 18 decimal digits (and a 64-bit column)."""

NUMBER_SERIES_PATTERN = r"^[a-z_]{1,24}:[0-9]{4}$"
"""A kind of document and a year: ``notice:2026``."""
MAX_NUMBER_BLOCK = 100

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID, pattern=ID_PATTERN)]
SiteId = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SITE_ID, pattern=ID_PATTERN)]
Sha256 = Annotated[str, msgspec.Meta(pattern=SHA256_PATTERN)]
Uuid = Annotated[str, msgspec.Meta(pattern=UUID_PATTERN)]
Text = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]
Moment = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Version = Annotated[int, msgspec.Meta(ge=1, le=999_999_999)]


class WireError(Exception):
    """A body refused at the door: ``code`` (bad_json: not strict JSON; bad_body: a field breaks
    its schema), ``field`` (a JSON path such as ``$.visits[3].version``) and why."""

    def __init__(self, code: str, field: str, reason: str) -> None:
        super().__init__(f"{code} {field}: {reason}")
        self.code = code
        self.field = field
        self.reason = reason


# -- request bodies ----------------------------------------------------------------------------


class Evidence(msgspec.Struct):
    sha256: Sha256
    name: Annotated[str, msgspec.Meta(max_length=255)]
    size: Annotated[int, msgspec.Meta(ge=0, le=MAX_SEQ)]


class EventBody(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """PUT /events/{event_id}: one step in a rectification's life (core.rectifications checks the
    rest: the kind's fields, the dates, the state, who may take it)."""

    id: Id
    rectification_id: Id
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=24)]
    at: Moment
    by: Annotated[str, msgspec.Meta(max_length=100)]
    reason: Text = ""
    evidence: Annotated[list[Evidence], msgspec.Meta(max_length=50)] = []
    # text fields of the kind, and ``visit_version`` (the re-inspection version a derived step comes from)
    payload: Annotated[
        dict[Annotated[str, msgspec.Meta(max_length=40)], Text | Version], msgspec.Meta(max_length=8)
    ] = {}
    signed_by: Annotated[str, msgspec.Meta(max_length=400)] = ""
    """Set by the server that stored it (a county server relays its own), never by a laptop."""


class SiteRef(msgspec.Struct):
    id: SiteId
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    township: Annotated[str, msgspec.Meta(max_length=100)] = ""


class Amendment(msgspec.Struct):
    supersedes_seal: Sha256


class AnswerRef(msgspec.Struct):
    # a rectification's id is "<visit uuid>/<item id>": it must fit an id (MAX_ID) too
    item_id: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID - 37, pattern=ID_PATTERN)]
    evidence: list[Evidence] = []


class SealedVisit(msgspec.Struct):
    """PUT /visits/{uuid}/{version}: a signed-off visit's sealed canonical bytes. The fields the
    server itself reads are checked here; the rest it keeps sealed for the laptops (other fields
    are allowed: the laptops' format grows)."""

    uuid: Uuid
    status: str
    seal: Sha256
    site: SiteRef
    amendments: list[Amendment]
    answer_log: list[AnswerRef]


class VisitItem(msgspec.Struct, forbid_unknown_fields=True):
    uuid: Uuid
    version: Version
    sha256: Sha256
    visit: msgspec.Raw
    """The version's bytes exactly as the laptop holds them (their SHA-256 is ``sha256``)."""


class VisitBatch(msgspec.Struct, forbid_unknown_fields=True):
    """POST /visits: up to 100 versions; each is answered as its single upload would be."""

    visits: Annotated[list[VisitItem], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]


class RegisterBody(msgspec.Struct, forbid_unknown_fields=True):
    """PUT /register: the whole register of sites (core.sites reads and checks each site)."""

    sites: Annotated[list[dict[str, Any]], msgspec.Meta(max_length=100_000)]


class NumberBlockRequest(msgspec.Struct, forbid_unknown_fields=True):
    """PUT /number-blocks/{request_id}: a block of document numbers (号段) of one series."""

    series: Annotated[str, msgspec.Meta(pattern=NUMBER_SERIES_PATTERN)]
    size: Annotated[int, msgspec.Meta(ge=1, le=MAX_NUMBER_BLOCK)]


# -- answers -----------------------------------------------------------------------------------


class VisitReceipt(msgspec.Struct):
    seq: int
    uuid: str
    version: int
    seal: str
    sha256: str
    site_id: str
    received_at: str


class FeedReceipt(msgspec.Struct):
    seq: int
    kind: str
    key: str
    sha256: str


class NumberBlock(msgspec.Struct):
    series: str
    first: int
    last: int


class PhotoReceipt(msgspec.Struct):
    sha256: str
    size: int


class Refusal(msgspec.Struct):
    error: str
    detail: dict[str, Any] = {}


class ItemResult(msgspec.Struct, omit_defaults=True):
    """One item of a batch: its status, then the receipt (200, 201) or the refusal."""

    status: int
    receipt: VisitReceipt | None = None
    error: str | None = None
    detail: dict[str, Any] | None = None


class BatchResults(msgspec.Struct):
    results: list[ItemResult]


class RectificationRecord(msgspec.Struct, forbid_unknown_fields=True):
    """One finding as a re-inspecting team needs it (``core.rectifications.record_to_dict``): the
    site, the item and its text, the finding (``note``), its evidence by hash (the photos are
    fetched when looked at, never all up front), severity, deadline and due date."""

    id: Id
    visit_uuid: Uuid
    site_id: SiteId
    site_name: Annotated[str, msgspec.Meta(max_length=200)]
    township: Annotated[str, msgspec.Meta(max_length=100)]
    item_id: Id
    area: Annotated[str, msgspec.Meta(min_length=1, max_length=24)]
    item_text: Text
    basis: Text
    note: Text
    evidence: Annotated[list[Evidence], msgspec.Meta(max_length=50)]
    severity: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    deadline_days: Annotated[int, msgspec.Meta(ge=0, le=3650)]
    due: Annotated[str, msgspec.Meta(min_length=10, max_length=10)]
    found_by: Annotated[str, msgspec.Meta(max_length=200)] = ""


class CheckItem(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A checklist item as the visit that failed it held it (``core.checklists.Item``): what a
    re-inspection by another team checks again."""

    id: Id
    area: Annotated[str, msgspec.Meta(min_length=1, max_length=24)]
    text: Text
    method: Annotated[str, msgspec.Meta(min_length=1, max_length=24)]
    severity: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    deadline_days: Annotated[int, msgspec.Meta(ge=0, le=3650)]
    basis: Text
    applies_when_features: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=50)
    ] = []
    requirement: Text = ""


class RectificationRecords(msgspec.Struct, forbid_unknown_fields=True):
    """A feed entry of kind ``rect_records`` (key ``<visit uuid>.v<version>``), one for every version
    of every original visit (none found is said too: a bulletin counts the visits): the records it stands for, under the one rule (``core.rectifications.contribution``);
    a later version's entry replaces an earlier one's. A record's state, its notice number and date
    come with the rectification events of the same feed, folded by the same rules everywhere."""

    visit_uuid: Uuid
    version: Version
    found_by: Annotated[str, msgspec.Meta(max_length=200)]
    arrived_at: Moment
    """When the visit began (a bulletin over a period counts the visits that arrived in it)."""
    site_id: SiteId
    township: Annotated[str, msgspec.Meta(max_length=100)]
    site_kind: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    records: Annotated[list[RectificationRecord], msgspec.Meta(max_length=1000)]
    items: Annotated[list[CheckItem], msgspec.Meta(max_length=1000)]
    """The items the records failed, one per record, in the same order."""


class FeedEntry(msgspec.Struct):
    seq: int
    kind: str
    key: str
    published_at: str
    body: dict[str, Any]


class FeedPage(msgspec.Struct):
    entries: list[FeedEntry]
    next: int
    more: bool


class VisitPage(msgspec.Struct):
    entries: list[VisitReceipt]
    next: int
    more: bool


class Hello(msgspec.Struct):
    service: str
    api: int
    proof: str
    name: str
    role: str
    expires_at: str
    server_time: str
    limits: dict[str, int]
    epoch: str


class Assignment(msgspec.Struct):
    """One site of a round drawn for the caller's team: where, when, and who goes."""

    round_id: str
    round_name: str
    version: int
    start: str
    end: str
    site_id: str
    site_name: str
    township: str
    kind: str
    team: list[str]


class AssignmentList(msgspec.Struct):
    """GET /assignments: the caller's own assignments, from shortly before each round's period."""

    assignments: list[Assignment]


# -- the door ----------------------------------------------------------------------------------

_PATH = re.compile(r" - at `([^`]*)`$")
_NAMED_FIELD = re.compile(r"^Object (?:contains unknown|missing required) field `([^`]*)`")


def _split(error: msgspec.ValidationError) -> tuple[str, str]:
    """msgspec says "Expected `int`, got `str` - at `$.visits[0].version`": the path and the why."""
    text = str(error)
    found = _PATH.search(text)
    path, reason = (found.group(1), text[: found.start()]) if found else ("$", text)
    named = _NAMED_FIELD.match(reason)  # an unknown or a missing field: the path names the field itself
    return (f"{path}.{named.group(1)}", reason) if named else (path, reason)


def read(body: bytes, model: type[T] = Any) -> T:  # type: ignore[assignment]
    """``body`` as ``model`` (any JSON value by default), decoded and checked in one pass, or
    ``WireError`` naming the field. Strict JSON only: UTF-8, no NaN or Infinity, no number beyond
    a double, no lone surrogate, no NUL in a string, not nested so deep that reading it would
    recurse past Python's limit (msgspec stops there with RecursionError, cleanly); and strict
    types: no "1" for 1, no 1.0 for 1."""
    # canonical JSON writes NUL as \u0000; refused whole (an escaped backslash before "u0000" too:
    # no text of ours holds that)
    if b"\\u0000" in body:
        raise WireError("bad_json", "$", "a string holds NUL")
    try:
        return msgspec.json.decode(body, type=model, strict=True)
    except msgspec.ValidationError as error:
        field, reason = _split(error)
        raise WireError("bad_body", field, reason) from None
    except (msgspec.DecodeError, RecursionError) as error:
        raise WireError("bad_json", "$", str(error)) from None


def convert(value: Any, model: type[T]) -> T:
    """Already decoded JSON as ``model``, strictly, or ``WireError`` naming the field."""
    try:
        return msgspec.convert(value, model, strict=True)
    except msgspec.ValidationError as error:
        field, reason = _split(error)
        raise WireError("bad_body", field, reason) from None


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)


def schemas(models: list[type]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """JSON Schemas of ``models`` (references into ``#/components/schemas``) and those components."""
    return msgspec.json.schema_components(models, ref_template="#/components/schemas/{name}")

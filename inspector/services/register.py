"""The site register: import from a clerk's CSV (all rows or none), export for Excel and WPS."""

from __future__ import annotations

import csv
import io
import uuid as uuid_module
from dataclasses import dataclass, replace
from pathlib import Path

from inspector.core.clock import now
from inspector.core.errors import DomainError
from inspector.core.sites import Site, site_problems
from inspector.core.vocabulary import SiteKind
from inspector.i18n.foreign import os_error_text
from inspector.store.store import Store

COLUMNS = ("id", "kind", "township", "name", "address", "person_in_charge", "phone", "features")
CHINESE_HEADERS = ("编号", "类型", "乡镇", "名称", "地址", "负责人", "电话", "特征")
_HEADER_TO_FIELD = {**dict(zip(CHINESE_HEADERS, COLUMNS, strict=True)), **{c: c for c in COLUMNS}}
_REQUIRED = ("id", "kind", "township", "name")
MAX_CSV_BYTES = 20 * 1024 * 1024
# Excel saves CSV as UTF-8 with a BOM when asked, and as GBK (code page 936) on Chinese Windows by default.
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class RowProblem:
    """``row`` counts the header as row 1, as a spreadsheet shows it; ``message`` is a catalogue key.

    ``field`` is the site's field; ``column`` names it as the file's header does (编号, or id).
    """

    row: int
    field: str
    message: str
    value: str = ""
    column: str = ""


@dataclass(frozen=True)
class ImportReport:
    added: int
    changed: int
    unchanged: int
    problems: list[RowProblem]


def parse_register(raw: bytes) -> tuple[list[Site], list[RowProblem]]:
    """Parse a CSV register; every bad cell is reported, with its row and column."""
    if len(raw) > MAX_CSV_BYTES:
        return [], [RowProblem(0, "", "register.too_big")]
    text = _decode(raw)
    if text is None:
        return [], [RowProblem(0, "", "register.encoding")]
    if "\x00" in text:
        return [], [RowProblem(0, "", "register.binary")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [RowProblem(1, "", "register.empty")]
    fields = [_HEADER_TO_FIELD.get(name.strip()) for name in header]
    named = _column_names(header, fields)
    missing = [name for name in _REQUIRED if name not in fields]
    if missing:
        return [], [RowProblem(1, name, "register.missing_column", column=named[name]) for name in missing]
    sites: list[Site] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    try:
        for row_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            site, row_problems = _row_to_site(row_number, fields, cells)
            problems.extend(row_problems)
            if site is None:
                continue
            if site.id in seen:
                problems.append(RowProblem(row_number, "id", "register.duplicate_id", site.id))
                continue
            seen[site.id] = row_number
            sites.append(site)
    except csv.Error as error:
        problems.append(RowProblem(reader.line_num, "", "register.bad_csv", str(error)))
    return sites, [replace(problem, column=named.get(problem.field, "")) for problem in problems]


def _column_names(header: list[str], fields: list[str | None]) -> dict[str, str]:
    """Each field's column as the file names it; a missing one in the language of the file's headers
    (Chinese, the clerks' own, unless the file's known headers are all English)."""
    known = [name.strip() for name, field in zip(header, fields, strict=True) if field]
    english = bool(known) and all(name in COLUMNS for name in known)
    named = dict(zip(COLUMNS, COLUMNS if english else CHINESE_HEADERS, strict=True))
    for name, field in zip(header, fields, strict=True):
        if field:
            named[field] = name.strip()
    return named


def _decode(raw: bytes) -> str | None:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _row_to_site(row_number: int, fields: list[str | None], cells: list[str]) -> tuple[Site | None, list[RowProblem]]:
    values = {name: cell.strip() for name, cell in zip(fields, cells, strict=False) if name}
    problems = [RowProblem(row_number, name, "register.required") for name in _REQUIRED if not values.get(name)]
    if len(cells) > len(fields):
        problems.append(RowProblem(row_number, "", "register.extra_cells"))
    kind = None
    if values.get("kind"):
        try:
            kind = SiteKind.parse(values["kind"])
        except ValueError:
            problems.append(RowProblem(row_number, "kind", "register.bad_kind", values["kind"]))
    if problems or kind is None:
        return None, problems
    site = Site(
        id=values["id"],
        kind=kind,  # type: ignore[arg-type]
        township=values["township"],
        name=values["name"],
        address=values.get("address", ""),
        person_in_charge=values.get("person_in_charge", ""),
        phone=values.get("phone", ""),
        features=frozenset(values.get("features", "").split()),
    )
    rule_problems = [
        RowProblem(row_number, field, message, values.get(field, "")) for field, message in site_problems(site)
    ]
    return (None if rule_problems else site), rule_problems


def import_register(store: Store, path: Path) -> ImportReport:
    """Import a CSV register. Any bad row and nothing is imported; the report says which and why."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        return ImportReport(0, 0, 0, [RowProblem(0, "", "register.unreadable", os_error_text(error))])
    sites, problems = parse_register(raw)
    if problems:
        return ImportReport(0, 0, 0, problems)
    added, changed = store.upsert_sites(sites, superseded_at=now())
    return ImportReport(added, changed, len(sites) - added - changed, [])


def register_csv(sites: list[Site]) -> str:
    """The register as CSV text with Chinese headers, in the layout ``parse_register`` reads back."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHINESE_HEADERS)
    for site in sorted(sites, key=lambda s: (s.township, s.kind.value, s.id)):
        writer.writerow(
            [
                site.id,
                site.kind.zh,
                site.township,
                site.name,
                site.address,
                site.person_in_charge,
                site.phone,
                " ".join(sorted(site.features)),
            ]
        )
    return out.getvalue()


LOCAL_SITE_PREFIX = "LOCAL-"


def add_local_site(store: Store, *, name: str, kind: SiteKind, township: str) -> Site:
    """A site the team found on the spot that the register does not list (a new institution, an
    empty register on a fresh laptop). It gets the laptop's own id and is marked as added here,
    so the bureau can match it to its register later; the visit carries it as recorded."""
    if not name.strip():
        raise DomainError("local_site.name_required")
    if not township.strip():
        raise DomainError("local_site.township_required")
    site = Site(
        id=LOCAL_SITE_PREFIX + uuid_module.uuid4().hex[:12].upper(),
        kind=kind,
        township=township.strip(),
        name=name.strip(),
        added_on_laptop=True,
    )
    store.upsert_sites([site], superseded_at=now())
    return site

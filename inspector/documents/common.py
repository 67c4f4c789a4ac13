"""What the document modules share: dates as documents write them, addressees, file names, the form's cells."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

from inspector.core.clock import BUREAU_TZ, from_iso, local_date
from inspector.core.profile import BureauProfile
from inspector.core.sites import Site
from inspector.core.visits import Rectification, Visit
from inspector.core.vocabulary import SiteKind
from inspector.documents.gongwen import OfficialDocument, Properties
from inspector.i18n import language, set_language, t

_UNSAFE_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
MAX_FILE_NAME = 150


def long_date(day: date) -> str:
    """2026年11月28日: Arabic numerals, no leading zeros (GB/T 9704 成文日期)."""
    return t("doc.date", year=day.year, month=day.month, day=day.day)


def short_date(day: date, reference: date) -> str:
    """11月28日 within the reference's year, the long form across a year's end."""
    if day.year != reference.year:
        return long_date(day)
    return t("doc.date_short", month=day.month, day=day.day)


def deadline_text(rectification: Rectification, reference: date) -> str:
    if rectification.immediate:
        return t("deadline.immediate")
    return t("doc.before", date=short_date(rectification.due, reference))


def visit_day(visit: Visit) -> date:
    return local_date(from_iso(visit.arrived_at))


def issue_day(visit: Visit) -> date:
    """A notice is dated the day its visit was signed off: the same visit always gives the same date."""
    return local_date(from_iso(visit.signed_off_at or visit.departed_at or visit.arrived_at))


def township_government(township: str) -> str:
    """The township's government as an addressee: 露峰街道办事处, 张官营镇人民政府, 土门办事处."""
    if township.endswith("办事处"):
        return township
    key = "doc.township_office" if township.endswith("街道") else "doc.township_government"
    return t(key, township=township)


def township_reviews(site: Site) -> bool:
    """Whether the township oversees the unit: its own office (民政所) and the units it runs, named
    after it (张官营镇敬老院). County-level and private units (鲁山县婚姻登记处, 鲁山县中心敬老院,
    鲁山县颐和养老院) answer to the bureau directly."""
    return site.kind is SiteKind.TOWNSHIP or site.name.startswith(site.township)


def addressees(site: Site) -> str:
    """主送 by who answers for the unit: a township's office goes to the township's government,
    a unit the township runs to the government and the unit, any other unit to itself alone."""
    government = township_government(site.township)
    if site.kind is SiteKind.TOWNSHIP:
        names = [government]
    elif township_reviews(site):
        names = [government, site.name]
    else:
        names = [site.name]
    return t("doc.addressee", names=t("doc.list_separator").join(names))


@contextmanager
def in_chinese() -> Iterator[None]:
    """Official documents are Chinese whatever the screens speak (``--lang en`` changes screens only)."""
    previous = language()
    set_language("zh")
    try:
        yield
    finally:
        set_language(previous)


def properties(profile: BureauProfile, title: str, subject: str, day: date) -> Properties:
    return Properties(
        title=title,
        author=profile.organ_name,
        subject=subject,
        # 08:00 in the bureau's zone on the document's day, written in UTC as core.xml wants it
        # (python-docx writes the clock time it is given with a Z)
        moment=datetime.combine(day, time(8, 0), tzinfo=BUREAU_TZ).astimezone(UTC).replace(tzinfo=None),
    )


def start_document(profile: BureauProfile, title: str, subject: str, day: date) -> OfficialDocument:
    return OfficialDocument(properties(profile, title, subject, day))


def sign(document: OfficialDocument, profile: BureauProfile, day: date) -> None:
    """The issuing organ and the date, with the profile's contact under them when it has one."""
    contact = profile.contact_person or profile.contact_phone
    note = t("doc.contact", person=profile.contact_person, phone=profile.contact_phone) if contact else ""
    document.signature(profile.organ_name, long_date(day), note=note)


def close_document(document: OfficialDocument, profile: BureauProfile, day: date, *, pages_before: int = 0) -> bytes:
    """版记 at the foot of the last page (``pages_before`` 0) or on a page of its own, the next even
    one (any other number; see ``OfficialDocument.back_matter``), then the bytes."""
    cc = t("doc.cc", names=t("doc.list_separator").join(profile.cc)) if profile.cc else ""
    document.back_matter(cc, profile.printing_organ, t("doc.printed", date=long_date(day)), pages_before=pages_before)
    return document.to_bytes()


def title_segments(key: str, **params: str) -> list[str]:
    """A title from the catalogue, cut at its '|' marks: the places it may break between lines."""
    return t(key, **params).split("|")


def safe_file_name(name: str) -> str:
    """A file name Windows accepts: no reserved characters or names, no trailing dot or space, not too long."""
    cleaned = _UNSAFE_IN_FILE_NAMES.sub("_", name).strip().rstrip(". ")
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        stem, suffix = cleaned, ""
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_FILE_NAME - len(suffix) - 1].rstrip(". ")
    return f"{stem}.{suffix}" if suffix else stem

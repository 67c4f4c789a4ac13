"""The bureau profile: who issues the documents, how they are numbered, whom they go to.

One small record per data dir, edited by the bureau's clerk; the defaults are the demo bureau's
(鲁山县民政局), so documents come out complete before anyone has filled it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from inspector.core.errors import DomainError

_PHONE = re.compile(r"^[0-9][0-9-]{6,19}$")
_LIST_SEPARATORS = re.compile(r"[、，,;；\n]+")


@dataclass(frozen=True)
class BureauProfile:
    organ_name: str = "鲁山县民政局"
    """The issuing organ's full name, as signed under a document."""
    organ_mark: str = "鲁山县民政局文件"
    """The red organ mark (发文机关标志) at the head of a document."""
    notice_prefix: str = "鲁民督改"
    """Document-number prefix of rectification notices: 鲁民督改〔2026〕3号."""
    bulletin_prefix: str = "鲁民督通"
    """Document-number prefix of inspection bulletins."""
    urge_prefix: str = "鲁民督催"
    """Document-number prefix of 催办通知 (overdue rectifications chased, township by township)."""
    round_prefix: str = "鲁民督公"
    """Document-number prefix of 抽查结果公示 (an inspection round's results made public)."""
    department: str = "社会事务股"
    """The office inside the bureau that receives the feedback forms."""
    contact_person: str = "王晓丽"
    contact_phone: str = "0375-5052316"
    address: str = "鲁山县人民路中段民政局办公楼"
    cc: tuple[str, ...] = ("县政府督查室", "县疫情防控指挥部办公室")
    """抄送: the organs that receive a copy."""
    printing_organ: str = "鲁山县民政局办公室"
    """印发: the office that prints and sends the documents."""
    exports_dir: str = "exports"
    """Where documents go without -o; a relative path is taken inside the data dir."""

    def to_dict(self) -> dict[str, Any]:
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return {key: list(value) if isinstance(value, tuple) else value for key, value in values.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BureauProfile:
        """A profile from stored data; unknown keys are ignored and missing ones keep the default."""
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        if "cc" in values:
            values["cc"] = tuple(values["cc"])
        return cls(**values)


def profile_keys() -> list[str]:
    return [field.name for field in fields(BureauProfile)]


def with_value(profile: BureauProfile, key: str, text: str) -> BureauProfile:
    """The profile with one field set from text typed by a clerk; lists are split on 、 or commas."""
    if key not in profile_keys():
        raise DomainError("profile.unknown_key", key=key, keys=", ".join(profile_keys()))
    cleaned = text.strip()
    if key == "cc":
        return replace(profile, cc=tuple(part.strip() for part in _LIST_SEPARATORS.split(cleaned) if part.strip()))
    if key == "contact_phone" and cleaned and not _PHONE.match(cleaned):
        raise DomainError("profile.bad_phone", value=cleaned)
    if not cleaned and key not in ("address", "contact_person", "contact_phone", "department"):
        raise DomainError("profile.empty_value", key=key)
    return replace(profile, **{key: cleaned})


def document_number(prefix: str, year: int, number: int) -> str:
    """A document number as GB/T 9704 writes it: 鲁民督改〔2026〕3号 (hexagonal brackets, no leading zeros)."""
    if number < 1:
        raise ValueError(f"document numbers start at 1, not {number}")
    return f"{prefix}〔{year}〕{number}号"

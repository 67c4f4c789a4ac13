"""The closed sets of the domain: areas, kinds of site, how to check, severity, results.

Each member is defined by its key (what code and files store) and its Chinese name (what
clerks write in checklist files and registers), so both parse. The words shown on screen come
from the message catalogue, not from here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class _Named(StrEnum):
    """A StrEnum whose members are written ``KEY = "key", "中文名"`` and parse from either."""

    zh: str

    def __new__(cls, value: str, zh: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        return member

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept the key or the Chinese name; raise ValueError naming what is allowed."""
        cleaned = text.strip()
        for member in cls:
            if cleaned in (member.value, member.zh):
                return member
        allowed = " | ".join(f"{m.value} ({m.zh})" for m in cls)
        raise ValueError(f"{text!r} is not one of: {allowed}")


class Area(_Named):
    """The five focus areas of the notice (section 四, item 五), in the order inspected."""

    MECHANISM = "mechanism", "机制建立"
    DISINFECTION = "disinfection", "卫生消杀"
    DUTY = "duty", "应急值守"
    STOCKPILES = "stockpiles", "物资储备"
    EDUCATION = "education", "知识宣教"


class SiteKind(_Named):
    TOWNSHIP = "township", "乡镇民政所"
    ELDERLY_CARE = "elderly_care", "养老机构"
    CHILD_WELFARE = "child_welfare", "儿童福利机构"
    RESCUE_STATION = "rescue_station", "救助管理站"
    MARRIAGE_REGISTRY = "marriage_registry", "婚姻登记处"
    FUNERAL = "funeral", "殡葬服务机构"


class Method(_Named):
    """How an item is checked on site."""

    DOCUMENTS = "documents", "查阅资料"
    ON_SITE = "on_site", "现场查看"
    INTERVIEW = "interview", "询问"
    SAMPLE = "sample", "抽查"


class Severity(_Named):
    GENERAL = "general", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class Result(_Named):
    """What the team found for one item.

    ``NOT_CHECKED`` is not a finding: it records, with a reason, that an item could not be
    checked on this visit, so that it no longer blocks sign-off.
    """

    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    NOT_APPLICABLE = "na", "不适用"
    NOT_CHECKED = "not_checked", "未检查"


class VisitStatus(_Named):
    DRAFT = "draft", "检查中"
    COMPLETED = "completed", "待签发"
    SIGNED_OFF = "signed_off", "已签发"


class RectificationState(StrEnum):
    """Where a rectification stands in its loop (issued, answered, re-inspected, closed); the rules
    of moving between them are ``core.rectifications``'. Here with the other words, so that what
    only names a state (home's tally, a filter) need not import those rules."""

    OPEN = "open"
    FEEDBACK_RECEIVED = "feedback_received"
    RE_INSPECTED = "re_inspected"
    CLOSED = "closed"


SITE_FEATURES: frozenset[str] = frozenset({"canteen", "isolation_room", "residents", "medical_unit"})
"""Facts about a site that an item's applies-when condition may ask for."""

"""The closed sets of the domain: areas, kinds of site, how to check, severity, results.

Each value's key is what code and files store; the Chinese name is what checklists may be
written with (clerks edit them), so both parse. The words shown on screen come from the
message catalogue, not from here.
"""

from __future__ import annotations

from enum import StrEnum


class _Named(StrEnum):
    """A StrEnum whose members also parse from their Chinese name."""

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        raise NotImplementedError

    @property
    def zh(self) -> str:
        return self.chinese_names()[self.value]

    @classmethod
    def parse(cls, text: str) -> _Named:
        """Accept the key or the Chinese name; raise ValueError naming what is allowed."""
        cleaned = text.strip()
        for member in cls:
            if cleaned in (member.value, member.zh):
                return member
        allowed = " | ".join(f"{m.value} ({m.zh})" for m in cls)
        raise ValueError(f"{text!r} is not one of: {allowed}")


class Area(_Named):
    """The five focus areas of the notice (section 四, item 五), in the order inspected."""

    MECHANISM = "mechanism"
    DISINFECTION = "disinfection"
    DUTY = "duty"
    STOCKPILES = "stockpiles"
    EDUCATION = "education"

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        return {
            "mechanism": "机制建立",
            "disinfection": "卫生消杀",
            "duty": "应急值守",
            "stockpiles": "物资储备",
            "education": "知识宣教",
        }


class SiteKind(_Named):
    TOWNSHIP = "township"
    ELDERLY_CARE = "elderly_care"
    CHILD_WELFARE = "child_welfare"
    RESCUE_STATION = "rescue_station"
    MARRIAGE_REGISTRY = "marriage_registry"
    FUNERAL = "funeral"

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        return {
            "township": "乡镇民政所",
            "elderly_care": "养老机构",
            "child_welfare": "儿童福利机构",
            "rescue_station": "救助管理站",
            "marriage_registry": "婚姻登记处",
            "funeral": "殡葬服务机构",
        }


class Method(_Named):
    """How an item is checked on site."""

    DOCUMENTS = "documents"
    ON_SITE = "on_site"
    INTERVIEW = "interview"
    SAMPLE = "sample"

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        return {
            "documents": "查阅资料",
            "on_site": "现场查看",
            "interview": "询问",
            "sample": "抽查",
        }


class Severity(_Named):
    GENERAL = "general"
    MAJOR = "major"
    SERIOUS = "serious"

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        return {"general": "一般", "major": "较重", "serious": "严重"}


class Result(_Named):
    """What the team found for one item.

    ``NOT_CHECKED`` is not a finding: it records, with a reason, that an item could not be
    checked on this visit, so that it no longer blocks sign-off.
    """

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "na"
    NOT_CHECKED = "not_checked"

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        return {
            "pass": "合格",
            "fail": "不合格",
            "na": "不适用",
            "not_checked": "未检查",
        }


class VisitStatus(_Named):
    DRAFT = "draft"
    COMPLETED = "completed"
    SIGNED_OFF = "signed_off"

    @classmethod
    def chinese_names(cls) -> dict[str, str]:
        return {"draft": "检查中", "completed": "待签发", "signed_off": "已签发"}


SITE_FEATURES: frozenset[str] = frozenset({"canteen", "isolation_room", "residents", "medical_unit"})
"""Facts about a site that an item's applies-when condition may ask for."""

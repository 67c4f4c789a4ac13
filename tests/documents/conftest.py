"""Demo data made once per session and copied per test; helpers to read a .docx back."""

from __future__ import annotations

import io
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from inspector.core import visits as rules
from inspector.core.visits import Answer, Visit, failed_items
from inspector.core.vocabulary import Result, VisitStatus
from inspector.services.checklists import checklist_for_kind
from inspector.services.demo import fill_demo
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents-demo") / "data"
    with Store.open(root) as store:
        fill_demo(store, today=DEMO_TODAY)
    return root


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_template, root)
    return root


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Store]:
    with Store.open(demo_dir) as store:
        yield store


def visits_by_status(store: Store, status: VisitStatus) -> list[Visit]:
    return [store.load_visit(s.uuid) for s in store.visit_summaries() if s.status is status]


def signed_with_failures(store: Store) -> Visit:
    """The demo's signed-off visit with the most failed items."""
    return max(visits_by_status(store, VisitStatus.SIGNED_OFF), key=lambda visit: len(failed_items(visit)))


class Docx:
    """A .docx read back: its XML parts parsed with lxml."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            self.names = package.namelist()
            self.parts = {name: package.read(name) for name in self.names}
        self.xml = {name: etree.fromstring(raw) for name, raw in self.parts.items() if name.endswith((".xml", ".rels"))}
        self.document = self.xml["word/document.xml"]
        self.styles = self.xml["word/styles.xml"]

    @property
    def body_paragraphs(self) -> list[etree._Element]:
        return self.document.findall(".//w:body/w:p", NS)

    @staticmethod
    def text_of(element: etree._Element) -> str:
        return "".join(node.text or "" for node in element.iter(w("t")))

    @property
    def text(self) -> str:
        return "\n".join(self.text_of(p) for p in self.document.iter(w("p")))

    def footers(self) -> list[etree._Element]:
        return [root for name, root in self.xml.items() if re.match(r"word/footer\d+\.xml", name)]


LONG_NOTE = "现场查看发现台账记录不完整，近7日无经手人签字，相关人员对防控要求不熟悉，须限期整改到位。"


def visit_with_failures(store: Store, site_id: str, failures: int, *, arrived: datetime) -> Visit:
    """A signed-off visit whose checklist is stretched (items repeated under new ids) to hold
    ``failures`` failed items; every third note is twice as long, as field notes run."""
    site = store.site(site_id)
    assert site is not None
    base = checklist_for_kind(store, site.kind)
    items = list(base.items)
    while len(items) < failures:
        items += [replace(item, id=f"{item.id}-x{len(items)}") for item in base.items]
    checklist = replace(base, items=tuple(items))
    visit = rules.start_visit(
        uuid=str(uuid.UUID(int=failures)),
        site=site,
        checklist=checklist,
        lead="张建国",
        members=("李娜",),
        arrived_at=arrived,
    )
    for number, item in enumerate(visit.checklist.items):
        failed = number < failures
        note = LONG_NOTE * (2 if number % 3 == 1 else 1) if failed else ""
        at = (arrived + timedelta(minutes=number)).isoformat()
        visit = rules.record_answer(
            visit, Answer(item.id, Result.FAIL if failed else Result.PASS, by="李娜", at=at, note=note)
        )
    visit = rules.complete(visit, arrived + timedelta(hours=2))
    return rules.sign_off(visit, "张建国", arrived + timedelta(hours=2, minutes=5))

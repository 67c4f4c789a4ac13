"""A re-inspection's checklist is built from the site's open rectifications only, and starts like any visit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from inspector.core.errors import DomainError
from inspector.core.rectifications import (
    REINSPECTION_CHECKLIST_ID,
    fold,
    prepare_reinspection,
)
from inspector.core.visits import start_visit
from inspector.core.vocabulary import Area
from inspector.services import rectifications as services
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY

from .helpers import event


def test_only_the_open_items_of_the_site_each_with_its_story(demo: Store) -> None:
    views = services.rectification_views(demo)
    site_id = "LS-EC-002"
    at_site = [view for view in views if view.record.site_id == site_id]
    assert len(at_site) >= 3
    closed, checked = at_site[0], at_site[1]
    # one closed, one re-inspected and awaiting the decision: neither is checked again
    views = [
        fold(view.record, [event("pass", rectification_id=view.id), event("closed", rectification_id=view.id)])
        if view is closed
        else fold(view.record, [event("fail", rectification_id=view.id)])
        if view is checked
        else view
        for view in views
    ]
    still_open = [view for view in views if view.record.site_id == site_id and view.is_open]
    visits = {uuid: demo.load_visit(uuid) for uuid in {view.record.visit_uuid for view in views}}
    site = demo.site(site_id)
    assert site is not None
    # the site has gained a feature since: the items found then are re-checked all the same
    grown = replace(site, features=site.features | {"new-wing"})

    prepared = prepare_reinspection(grown, views, visits, "复查：露峰街道敬老院")

    assert sorted(prepared.reinspects) == sorted(view.id for view in still_open)
    assert closed.id not in prepared.reinspects and checked.id not in prepared.reinspects
    areas = [list(Area).index(item.area) for item in prepared.checklist.items]
    assert areas == sorted(areas)
    for entry in prepared.entries:
        original = visits[entry.view.record.visit_uuid].checklist.item(entry.view.record.item_id)
        assert entry.item.id == entry.view.id and entry.item.text == original.text
        assert entry.item.severity is entry.view.record.severity and not entry.item.applies_when_features
        assert entry.view.record.note and entry.view.record.evidence
    assert sum(1 for entry in prepared.entries if entry.view.feedback) >= 1
    assert prepared.checklist.id == REINSPECTION_CHECKLIST_ID and prepared.checklist.site_kinds == (site.kind,)

    visit = start_visit(
        uuid="re",
        site=grown,
        checklist=prepared.checklist,
        lead=" 张建国 ",
        members=["李娜", " "],
        arrived_at=DEMO_TODAY + timedelta(days=1),
        reinspects=prepared.reinspects,
    )
    assert [item.id for item in visit.checklist.items] == list(prepared.reinspects) == list(visit.reinspects)
    assert visit.cursor == prepared.reinspects[0] and visit.lead == "张建国" and visit.members == ("李娜",)


def test_nothing_open_at_the_site_is_refused(demo: Store) -> None:
    views = services.rectification_views(demo)
    funeral_home = demo.site("LS-FU-001")  # visited, nothing found
    assert funeral_home is not None and views
    with pytest.raises(DomainError, match="nothing_open"):
        prepare_reinspection(funeral_home, views, {}, "复查")

"""Finding a site as it is typed on site: Chinese, full pinyin, initials; by township and kind."""

from __future__ import annotations

import pytest

from inspector.core.vocabulary import SiteKind
from inspector.paths import sample_register
from inspector.services.register import import_register
from inspector.services.site_search import SiteIndex, search_sites
from inspector.store.store import Store


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SiteIndex:
    with Store.open(tmp_path_factory.mktemp("register")) as store:
        import_register(store, sample_register())
        return SiteIndex(store.sites())


@pytest.mark.parametrize("typed", ["鲁阳", "luyang", "ly", "LY", "lu yang", "lu'yang", "鲁阳街道敬"])
def test_chinese_pinyin_and_initials_find_the_same_site_first(index: SiteIndex, typed: str) -> None:
    assert index.search(typed)[0].name == "鲁阳街道敬老院"


def test_a_name_starting_with_the_query_comes_before_one_containing_it(index: SiteIndex) -> None:
    names = [site.name for site in index.search("jly")]
    assert names and all("敬老院" in name for name in names[:5])
    assert [site.name for site in index.search("byg")] == ["鲁山县殡仪馆"]


def test_township_and_kind_narrow_the_list(index: SiteIndex) -> None:
    in_luyang = index.search(township="鲁阳街道")
    assert in_luyang and {site.township for site in in_luyang} == {"鲁阳街道"}
    homes = index.search("ly", kind=SiteKind.ELDERLY_CARE)
    assert homes and {site.kind for site in homes} == {SiteKind.ELDERLY_CARE}
    assert index.search("ly", township="鲁阳街道", kind=SiteKind.TOWNSHIP)[0].name == "鲁阳街道民政所"
    assert index.search("殡仪馆", township="鲁阳街道") == []


def test_the_filters_offer_what_the_register_holds(index: SiteIndex) -> None:
    townships = index.townships()
    assert "鲁阳街道" in townships and townships == sorted(set(townships), key=townships.index)
    assert townships[0] == "背孜乡"  # pinyin order: bei before cang …
    assert set(index.kinds()) == set(SiteKind)


def test_nothing_typed_lists_every_site_and_nonsense_finds_none(index: SiteIndex) -> None:
    assert len(index.search("")) == len(index)
    assert index.search("qqqzzz") == []


def test_the_service_searches_the_store(demo_store: Store) -> None:
    assert search_sites(demo_store, "ly", kind=SiteKind.TOWNSHIP)[0].id == "LS-TW-001"

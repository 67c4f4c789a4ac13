"""Finding a site in the register as a team types it on site: Chinese, full pinyin or initials.

鲁阳, luyang and ly all find 鲁阳街道敬老院; the list can be narrowed to a township and a kind.
The CLI and the TUI both search through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inspector.core.sites import Site
from inspector.core.vocabulary import SiteKind
from inspector.store.store import Store

# What people type between syllables or words and that never belongs to a name.
_SEPARATORS = str.maketrans("", "", " '’·-_　")


@dataclass(frozen=True)
class _Keys:
    """What one site can be found by, each in the form a query is compared with."""

    site: Site
    name: str
    pinyin: str
    initials: str
    others: str
    """Township (in Chinese and pinyin), id and address: matched after the name."""


def _normalise(text: str) -> str:
    return text.translate(_SEPARATORS).lower()


def _pinyin(text: str) -> tuple[str, str]:
    """The full pinyin and the initials of ``text``, without tones; other characters kept as they are."""
    # imported here: pypinyin takes ~0.15 s to load, and the app's first frame does not need it
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(text))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return _normalise(full), _normalise(initials)


def _keys(site: Site) -> _Keys:
    pinyin, initials = _pinyin(site.name)
    township_pinyin, township_initials = _pinyin(site.township)
    others = _normalise(" ".join((site.township, township_pinyin, township_initials, site.id, site.address)))
    return _Keys(site, _normalise(site.name), pinyin, initials, others)


class SiteIndex:
    """The register prepared for searching. Build it once (it converts every name to pinyin)."""

    def __init__(self, sites: Iterable[Site]) -> None:
        self._keys = [_keys(site) for site in sorted(sites, key=lambda site: site.id)]

    def __len__(self) -> int:
        return len(self._keys)

    def townships(self) -> list[str]:
        """The townships of the register, in pinyin order (how a Chinese list is read)."""
        seen = {keys.site.township: keys.others for keys in self._keys}
        return sorted(seen, key=lambda township: _pinyin(township)[0])

    def kinds(self) -> list[SiteKind]:
        present = {keys.site.kind for keys in self._keys}
        return [kind for kind in SiteKind if kind in present]

    def search(self, text: str = "", *, township: str | None = None, kind: SiteKind | None = None) -> list[Site]:
        """The sites matching ``text`` in the township and of the kind given (None: any).

        A name that starts with the query comes first, then a name containing it, then a match on
        the township, id or address; ties keep the register's order.
        """
        query = _normalise(text)
        ranked: list[tuple[int, int, Site]] = []
        for position, keys in enumerate(self._keys):
            site = keys.site
            if (township and site.township != township) or (kind and site.kind is not kind):
                continue
            rank = _rank(keys, query)
            if rank is not None:
                ranked.append((rank, position, site))
        return [site for _, _, site in sorted(ranked, key=lambda row: row[:2])]


def _rank(keys: _Keys, query: str) -> int | None:
    if not query:
        return 0
    names = (keys.name, keys.pinyin, keys.initials)
    if any(name.startswith(query) for name in names):
        return 0
    if any(query in name for name in names):
        return 1
    if query in keys.others:
        return 2
    return None


def site_index(store: Store) -> SiteIndex:
    return SiteIndex(store.sites())


def search_sites(
    store: Store, text: str = "", *, township: str | None = None, kind: SiteKind | None = None
) -> list[Site]:
    """One search of the register (build a ``SiteIndex`` instead to search as the user types)."""
    return site_index(store).search(text, township=township, kind=kind)

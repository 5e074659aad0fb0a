"""Finding the region a person meant from a name as written in an agency's table.

Exact key matches (see ``names.name_key``) come first; otherwise candidates are scored with
rapidfuzz and only those above a threshold are offered, best first, as suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from satudata.regions.models import Region
from satudata.regions.names import name_key

SUGGEST_ABOVE = 80.0


@dataclass(frozen=True)
class RegionMatch:
    region: Region
    score: float

    @property
    def is_exact(self) -> bool:
        return self.score >= 100.0


class RegionIndex:
    """Candidate regions held in memory, for matching many names (one uploaded table)."""

    def __init__(self, regions: Iterable[Region]) -> None:
        self.regions = sorted(regions, key=lambda r: (r.level, r.code))
        self.keys = [r.name_key for r in self.regions]
        self.by_key: dict[str, list[Region]] = {}
        for region in self.regions:
            self.by_key.setdefault(region.name_key, []).append(region)

    @classmethod
    def build(cls, *, within: str | None = None, level: int | None = None) -> RegionIndex:
        regions = Region.objects.all()
        if within:
            regions = regions.under(within)
        if level:
            regions = regions.filter(level=level)
        return cls(regions.only("code", "name", "level", "kind", "name_key", "parent_id"))

    def exact(self, name: str) -> list[RegionMatch]:
        """The regions whose name is ``name`` once written the same way (``names.name_key``)."""
        return [RegionMatch(r, 100.0) for r in self.by_key.get(name_key(name), [])]

    def match(self, name: str, *, limit: int = 5) -> list[RegionMatch]:
        key = name_key(name)
        if not key:
            return []
        exact = self.exact(name)
        if exact:
            return exact[:limit]
        found = process.extract(
            key, self.keys, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST_ABOVE
        )
        return [RegionMatch(self.regions[index], round(score, 1)) for _, score, index in found]


def match_region(
    name: str, *, within: str | None = None, level: int | None = None, limit: int = 5
) -> list[RegionMatch]:
    """Regions whose name matches ``name``, best first: exact key matches, then close ones."""
    return RegionIndex.build(within=within, level=level).match(name, limit=limit)

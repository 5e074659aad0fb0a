"""Reading the values of a region column: codes, codes written the wrong way, and names.

A column is read at one level — the level its variable declares (kecamatan, desa/kelurahan,
kabupaten, provinsi) or, when it declares none, the level most of its values are at — so a
kecamatan table's "Ambarawa" is the kecamatan, not a desa of the same name. Names are matched
first among the regions of the site's own kabupaten and, when nothing there fits, among every
region loaded (a province-wide file). Codes written undotted ("181001"), with other separators
("18-10-01") or in BPS form ("1810020", the BPS kecamatan code with its three-digit kecamatan
part) are refused with the Kemendagri code they most likely mean.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from satudata.regions.matching import RegionIndex, RegionMatch
from satudata.regions.models import CODE_PATTERN, Region, RegionLevel

ERROR, WARNING = "error", "warning"
CHUNK = 900  # SQLite's limit on bound parameters, with room to spare
# A close name is read as the closest region only when no other comes within this many points
# ("Sukoharjo" is as close to Sukoharjo I as to Sukoharjo II: no guess).
MARGIN = 5.0
_CODE_LIKE = re.compile(r"[0-9][0-9 .\-/_,]*[0-9]")
# Digits per Kemendagri segment, and the length of each undotted code.
_SEGMENTS = (2, 2, 2, 4)
_UNDOTTED = {2: 1, 4: 2, 6: 3, 10: 4}
# BPS: PP KK CCC DDD — a kecamatan is 7 digits, a desa 10.
_BPS_LENGTHS = (7, 10)


@dataclass(frozen=True)
class Resolved:
    """What one written value of a region column was read as."""

    code: str | None
    severity: str = ""
    problem: str = ""
    suggestion: str = ""


def _level_name(level: int) -> str:
    return str(RegionLevel(level).label).lower()


def _described(region: Region) -> str:
    return f"{region.code} {region.name} ({RegionLevel(region.level).label})"


def dotted_candidates(text: str) -> list[str]:
    """The Kemendagri codes a code written without dots or with other separators may mean."""
    groups = re.findall(r"\d+", text)
    if len(groups) == 1:
        digits = groups[0]
        parts = _UNDOTTED.get(len(digits))
        if parts is None:
            return []
        cuts, start, out = _SEGMENTS[:parts], 0, []
        for width in cuts:
            out.append(digits[start : start + width])
            start += width
        return [".".join(out)]
    if not 2 <= len(groups) <= 4:
        return []
    padded = [g.zfill(w) for g, w in zip(groups, _SEGMENTS, strict=False)]
    if any(len(g) != w for g, w in zip(padded, _SEGMENTS, strict=False)):
        return []
    return [".".join(padded)]


def bps_candidates(text: str) -> list[str]:
    digits = "".join(re.findall(r"\d+", text))
    return [digits] if len(digits) in _BPS_LENGTHS else []


@dataclass
class RegionReference:
    """The loaded regions, fetched once per check and shared by every region column.

    ``within`` is the site's kabupaten; names are matched there first, then nationally.
    """

    within: str | None
    by_code: dict[str, Region] = field(default_factory=dict)
    by_bps: dict[str, Region] = field(default_factory=dict)
    _indexes: dict[tuple[bool, int | None], RegionIndex] = field(default_factory=dict)

    def fetch(self, values: Iterable[str]) -> None:
        """Fetch the regions that the written ``values`` may name by code, in a few queries."""
        codes, bps = set(), set()
        for value in values:
            if CODE_PATTERN.match(value):
                codes.add(value)
            elif _CODE_LIKE.fullmatch(value):
                codes.update(dotted_candidates(value))
                bps.update(bps_candidates(value))
        codes -= set(self.by_code)
        bps -= set(self.by_bps)
        for chunk in _chunks(sorted(codes)):
            self.by_code.update((r.code, r) for r in Region.objects.filter(code__in=chunk))
        for chunk in _chunks(sorted(bps)):
            self.by_bps.update((r.bps_code, r) for r in Region.objects.filter(bps_code__in=chunk))

    def index(self, *, local: bool, level: int | None) -> RegionIndex:
        key = (local and bool(self.within), level)
        if key not in self._indexes:
            within = self.within if key[0] else None
            self._indexes[key] = RegionIndex.build(within=within, level=level)
        return self._indexes[key]

    def match(self, name: str, *, level: int | None, limit: int = 5) -> list[RegionMatch]:
        """Close regions at ``level``: the site's own first, every loaded region if none fit."""
        found = self.index(local=True, level=level).match(name, limit=limit)
        if found or not self.within:
            return found
        return self.index(local=False, level=level).match(name, limit=limit)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class RegionResolver:
    """Reads the written values of one region column (see the module's docstring)."""

    def __init__(self, reference: RegionReference, *, level: int | None) -> None:
        self.reference, self.level = reference, level
        self.written_as_code = 0
        self.written_as_name = 0

    def prepare(self, values: list[str]) -> None:
        """Fetch what ``values`` need, and find the column's level when none is declared."""
        self.reference.fetch(values)
        if self.level is None:
            self.level = self._likely_level(values)

    def _likely_level(self, values: list[str]) -> int | None:
        """The level most of ``values`` name, judged on at most 1,000 of them in sorted order;
        on a tie the finer level (detail rows outnumber their totals). The same values give the
        same level whatever order they come in (the check lists them in no fixed order)."""
        levels: Counter[int] = Counter()
        for value in sorted(values)[:1000]:
            region = self.reference.by_code.get(value)
            if region is not None:
                levels[region.level] += 1
                continue
            # Names count only when written exactly and at one level: no fuzzy search here.
            exact = self.reference.index(local=True, level=None).exact(value)
            if len({m.region.level for m in exact}) == 1:
                levels[exact[0].region.level] += 1
        return max(levels, key=lambda level: (levels[level], level)) if levels else None

    def resolve(self, text: str) -> Resolved:
        if CODE_PATTERN.match(text):
            self.written_as_code += 1
            return self._code(text)
        if _CODE_LIKE.fullmatch(text):
            self.written_as_code += 1
            return self._misshapen(text)
        self.written_as_name += 1
        return self._name(text)

    def _code(self, code: str) -> Resolved:
        region = self.reference.by_code.get(code)
        if region is None:
            return Resolved(
                None,
                ERROR,
                _("No region has this Kemendagri code."),
                _("Check the code in the region list."),
            )
        if self.level and region.level != self.level:
            return Resolved(
                None,
                ERROR,
                _("This is the code of %(region)s; this column holds %(level)s codes.")
                % {"region": _described(region), "level": _level_name(self.level)},
                _(
                    "Use the code of the %(level)s, or correct the column's region level in the "
                    "metadata."
                )
                % {"level": _level_name(self.level)},
            )
        return Resolved(code)

    def _misshapen(self, text: str) -> Resolved:
        dotted = [
            self.reference.by_code[c]
            for c in dotted_candidates(text)
            if c in self.reference.by_code
        ]
        bps = [self.reference.by_bps[c] for c in bps_candidates(text) if c in self.reference.by_bps]
        fitting = [r for r in dotted + bps if not self.level or r.level == self.level]
        likely = list(dict.fromkeys(fitting or dotted + bps))
        if bps and not dotted:
            problem = _("This looks like a BPS code; this column holds Kemendagri codes.")
        else:
            problem = _("Not written as a Kemendagri code (PP.KK.CC.DDDD, with dots).")
        if not likely:
            return Resolved(None, ERROR, problem, _("Use the Kemendagri code of the region."))
        return Resolved(
            None,
            ERROR,
            problem,
            _("Most likely: %(regions)s.") % {"regions": "; ".join(_described(r) for r in likely)},
        )

    def _name(self, text: str) -> Resolved:
        matches = self.reference.match(text, level=self.level, limit=5)
        exact = [m for m in matches if m.is_exact]
        if len(exact) == 1:
            return Resolved(exact[0].region.code)
        close = [m for m in matches if not m.is_exact]
        if not exact and self.level:
            elsewhere = self._exact_elsewhere(text, level=self.level, nationally=not close)
            if elsewhere:
                return self._other_level(elsewhere, close, self.level)
        if not exact and close and (len(close) == 1 or close[0].score - close[1].score >= MARGIN):
            region = close[0].region
            return Resolved(
                region.code,
                WARNING,
                _("Read as %(name)s, code %(code)s: the name is written differently.")
                % {"name": region.name, "code": region.code},
                _("Write the name as %(name)s, or use the code %(code)s.")
                % {"name": region.name, "code": region.code},
            )
        names = "; ".join(_described(m.region) for m in (exact or matches))
        where = (
            _("No %(level)s has this name.") % {"level": _level_name(self.level)}
            if self.level
            else _("No region has this name.")
        )
        return Resolved(
            None,
            ERROR,
            _("Several regions have this name.") if len(exact) > 1 else where,
            _("Perhaps: %(names)s. Use the Kemendagri code to be certain.") % {"names": names}
            if names
            else _("Use the Kemendagri code of the region."),
        )

    def _exact_elsewhere(self, text: str, *, level: int, nationally: bool) -> list[Region]:
        """The regions at another level than ``level`` that ``text`` names exactly (once
        written the same way): the site's own, and every loaded region when ``nationally`` and
        none of the site's is. A region of the column's level spelt close to ``text`` is
        weighed only against the site's own names: among the 91k names of the whole country a
        misspelling of a kecamatan is often the exact name of some far-away desa."""
        for local in (True, False) if nationally else (True,):
            found = self.reference.index(local=local, level=None).exact(text)
            regions = [m.region for m in found if m.region.level != level]
            if regions or not self.reference.within:
                return regions
        return []

    def _other_level(self, regions: list[Region], close: list[RegionMatch], level: int) -> Resolved:
        """The name of a desa in a kecamatan column (or of any other level): an error, even
        when a region of the column's level is spelt close to it ("Gading Rejo Utara" is a
        desa, not a misspelt kecamatan Gading Rejo); the close ones are the suggestion."""
        level_name = _level_name(level)
        problem = _("This is the name of %(regions)s, not of a %(level)s.") % {
            "regions": "; ".join(_described(r) for r in regions),
            "level": level_name,
        }
        if not close:
            return Resolved(
                None,
                ERROR,
                problem,
                _(
                    "Use the name or the code of a %(level)s, or correct the column's region "
                    "level in the metadata."
                )
                % {"level": level_name},
            )
        return Resolved(
            None,
            ERROR,
            problem,
            _("Perhaps the %(level)s %(names)s. Use the Kemendagri code to be certain.")
            % {"level": level_name, "names": "; ".join(_described(m.region) for m in close)},
        )

    def disagrees(self, code: str, name: str) -> Region | None:
        """The region of ``code`` when the written ``name`` is not its name (beyond spelling);
        None when they agree."""
        region = self.reference.by_code.get(code)
        if region is None:
            return None
        found = self.reference.match(name, level=region.level, limit=3)
        if not any(m.region.code == code for m in found):
            return region
        if any(m.is_exact for m in found):
            return None
        # Spelt close to the code's region, but the very name of another level's ("Gading Rejo
        # Utara" beside 18.10.02 is a desa, not Gading Rejo misspelt).
        if self._exact_elsewhere(name, level=region.level, nationally=False):
            return region
        return None

    def disagreeing(
        self, pairs: list[tuple[str, str]], *, level: int, names_as_codes: bool
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """The (code, name) pairs of a code column and a name column at ``level`` that name
        different regions, each with (the name of the code's region at ``level``, the name as
        shown). ``names_as_codes``: the name column was read as codes already (a region column),
        with spelling tolerance; otherwise it holds names as written."""
        above = {code: ".".join(code.split(".")[:level]) for code, _name in pairs}
        self.reference.fetch(above.values())
        by_code = self.reference.by_code
        bad: dict[tuple[str, str], tuple[str, str]] = {}
        for code, name in pairs:
            if names_as_codes:
                if above[code] != name and above[code] in by_code and name in by_code:
                    bad[(code, name)] = (by_code[above[code]].name, by_code[name].name)
            elif region := self.disagrees(above[code], name):
                bad[(code, name)] = (region.name, name)
        return bad

"""Which unit of the tree a text means by "UBND thành phố", "Ban Tuyên giáo Thành ủy", "Sở Nội vụ".

Texts name units the way people speak inside their own locality: "thành phố" is the city of
whoever wrote the text, "Thành ủy" its Party committee, "UBND" the People's Committee. So a name
is read relative to the issuer of the text:

1. Both the name and the units' names are folded (no diacritics, lower case) and their usual
   abbreviations written out (UBND → ủy ban nhân dân, BTV → ban thường vụ, TP. → thành phố...).
2. A name that ends with a level word and no place name ("... thành phố", "... Tỉnh ủy") is
   looked for under the issuer's own unit of that level: the issuer, its ancestors and their
   counterparts (the city Party committee's counterpart is the city, where its People's
   Committee sits). Otherwise it is looked for everywhere, nearer units first.
3. A candidate must hold the words of the name; words it has beyond them (other than the
   issuer's place name, "Bến Tre") lower its score. The nearest good candidate wins; two equally
   good candidates at the same distance, or a name that means several units ("các sở, ngành
   tỉnh", "các cơ quan liên quan"), give no match: the person reviewing chooses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from trienkhai.lib.text import fold
from trienkhai.org.models import Unit

ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "btv": "ban thuong vu",
    "bch": "ban chap hanh",
    "mttq": "mat tran to quoc",
    "ubmttq": "uy ban mat tran to quoc",
    "ubmttqvn": "uy ban mat tran to quoc viet nam",
    "tp": "thanh pho",
    "tx": "thi xa",
    "ubkt": "uy ban kiem tra",
    "vp": "van phong",
    "btg": "ban tuyen giao",
    "bdv": "ban dan van",
    "bcd": "ban chi dao",
    "dtn": "doan thanh nien",
    "tncs": "thanh nien cong san",
    "hlhpn": "hoi lien hiep phu nu",
    "ldld": "lien doan lao dong",
    "hnd": "hoi nong dan",
    "ccb": "cuu chien binh",
}
# Words that say nothing about which unit is meant.
STOP = {"va", "cua"}
# Titles before a unit's name: the office-holder's unit leads the work.
OFFICES = [
    "pho bi thu",
    "bi thu",
    "pho chu tich",
    "chu tich",
    "pho giam doc",
    "giam doc",
    "pho truong ban",
    "truong ban",
    "chanh van phong",
    "pho truong phong",
    "truong phong",
    "thu truong",
]
LEADING = ["dong chi", "d c", "giao cho", "giao", "cho", "de nghi", "yeu cau"]
# Level words: a name ending with one of these (and no place name) means the issuer's own unit
# of that level. Each maps to how the names of such units begin.
LEVELS: dict[str, tuple[str, ...]] = {
    "thanh pho": ("thanh pho", "thanh uy"),
    "thanh uy": ("thanh uy", "thanh pho"),
    "tinh": ("tinh", "tinh uy"),
    "tinh uy": ("tinh uy", "tinh"),
    "huyen": ("huyen", "huyen uy"),
    "huyen uy": ("huyen uy", "huyen"),
    "quan": ("quan", "quan uy"),
    "quan uy": ("quan uy", "quan"),
    "thi xa": ("thi xa", "thi uy"),
    "thi uy": ("thi uy", "thi xa"),
    "thi tran": ("thi tran", "dang uy thi tran"),
    "xa": ("xa", "dang uy xa"),
    "phuong": ("phuong", "dang uy phuong"),
}
# How the names of units of a level begin, to read the place name after it ("Bến Tre").
PLACE_PREFIXES = sorted(
    {p for prefixes in LEVELS.values() for p in prefixes} | {"uy ban nhan dan", "dang uy"},
    key=len,
    reverse=True,
)
GENERIC_START = {"cac", "nhung", "moi", "toan", "tat"}
GENERIC_PHRASES = ["lien quan", "cac cap", "dia phuong", "don vi", "co quan", "cap uy"]
MIN_SCORE = 0.6
EXTRA_WEIGHT = 0.5
CANDIDATE_LIMIT = 2000

_NON_WORD = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    """Folded words with abbreviations written out: "UBND TP. Bến Tre" → ủy ban nhân dân..."""
    out: list[str] = []
    for word in _NON_WORD.sub(" ", fold(text)).split():
        out.extend(ABBREVIATIONS.get(word, word).split())
    return out


def _strip_phrases(tokens: list[str], phrases: list[str]) -> list[str]:
    changed = True
    while changed and tokens:
        changed = False
        for phrase in phrases:
            parts = phrase.split()
            if tokens[: len(parts)] == parts and len(tokens) > len(parts):
                tokens = tokens[len(parts) :]
                changed = True
    return tokens


_LEVEL_WORD = r"(?:thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong)"
# "xã, phường", "huyện và thành phố": every unit of two levels.
_LEVEL_LIST = re.compile(rf"\b{_LEVEL_WORD}\s*(?:,|/|\bva\b|\bhoac\b)\s*{_LEVEL_WORD}\b")


def is_generic(mention: str) -> bool:
    """A name that means several units at once ("các sở, ngành tỉnh", "cơ quan liên quan",
    "Bí thư Đảng ủy xã, phường")."""
    tokens = words(mention)
    if not tokens:
        return True
    joined = " " + " ".join(tokens) + " "
    if tokens[0] in GENERIC_START or any(f" {p} " in joined for p in GENERIC_PHRASES):
        return True
    return bool(_LEVEL_LIST.search(fold(mention)))


def place_of(name: str) -> list[str]:
    """The place name after a unit's level word: "Thành ủy Bến Tre" → ["ben", "tre"]."""
    tokens = words(name)
    joined = " ".join(tokens)
    for prefix in PLACE_PREFIXES:
        if joined.startswith(prefix + " "):
            return tokens[len(prefix.split()) :]
    return []


@dataclass(frozen=True)
class Parsed:
    head: tuple[str, ...]  # what the unit is ("ban tuyen giao", "uy ban nhan dan")
    level: str  # the trailing level word read relative to the issuer, or ""
    tokens: tuple[str, ...]  # every word of the name


def parse(mention: str) -> Parsed:
    tokens = _strip_phrases(words(mention), LEADING)
    tokens = _strip_phrases(tokens, OFFICES)
    joined = " ".join(tokens)
    for level in sorted(LEVELS, key=len, reverse=True):
        if joined == level or joined.endswith(" " + level):
            head = tokens[: len(tokens) - len(level.split())]
            return Parsed(tuple(head), level, tuple(tokens))
    return Parsed(tuple(tokens), "", tuple(tokens))


@dataclass(frozen=True)
class Context:
    unit: Unit
    rank: int  # 0 for the issuer, 1 for its parent (and their counterparts), ...


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    score: float
    rank: int
    below: int  # levels below the context unit that holds it

    @property
    def key(self):
        return (self.rank, -round(self.score, 6), self.below, self.unit.name, self.unit.pk)


@dataclass(frozen=True)
class Match:
    mention: str
    unit: Unit | None
    reason: str  # "ok", "generic", "ambiguous", "none"
    candidates: tuple[Unit, ...] = ()


class UnitMatcher:
    """Matches names read in a text to units, relative to the text's issuer.

    `units` limits the answers (the units the user may pick); `day` is the day of the text, so
    a unit that had ended by then (or not yet begun) is not proposed.
    """

    def __init__(self, *, issuer: Unit | None, units: QuerySet[Unit] | None = None, day=None):
        self.issuer = issuer
        self.units = units if units is not None else Unit.objects.all()
        self.day: dt.date = day or dt.date.today()
        self.context = self._context(issuer) if issuer is not None else []
        self.places = {w for c in self.context for w in place_of(c.unit.name)}
        self._cache: dict[str, Match] = {}

    # --- the issuer's surroundings ---------------------------------------------------------------
    @staticmethod
    def _context(issuer: Unit) -> list[Context]:
        """The issuer and its ancestors, nearest first, each followed by its counterparts (both
        ways: the city Party committee ↔ the city)."""
        step = Unit.steplen
        paths = [issuer.path[: step * i] for i in range(issuer.depth, 0, -1)]
        chain = {u.path: u for u in Unit.objects.filter(path__in=paths)}
        ordered = [chain[p] for p in paths if p in chain]
        ids = [u.pk for u in ordered]
        there = {u.pk: u for u in Unit.objects.filter(pk__in=[u.counterpart_id for u in ordered])}
        back: dict[int, list[Unit]] = {}
        for unit in Unit.objects.filter(counterpart_id__in=ids):
            back.setdefault(unit.counterpart_id, []).append(unit)
        out: list[Context] = []
        seen: set[int] = set()
        for rank, unit in enumerate(ordered):
            related = [unit]
            if unit.counterpart_id in there:
                related.append(there[unit.counterpart_id])
            related += back.get(unit.pk, [])
            for other in related:
                if other.pk not in seen:
                    seen.add(other.pk)
                    out.append(Context(other, rank))
        return out

    def _anchors(self, level: str) -> list[Context]:
        prefixes = LEVELS[level]
        found = []
        for ctx in self.context:
            name = " ".join(words(ctx.unit.name))
            if any(name == p or name.startswith(p + " ") for p in prefixes):
                found.append(ctx)
        if not found:
            return []
        nearest = min(c.rank for c in found)
        return [c for c in found if c.rank == nearest]

    # --- matching -------------------------------------------------------------------------------
    def match(self, mention: str) -> Unit | None:
        return self.explain(mention).unit

    def explain(self, mention: str) -> Match:
        key = fold(mention or "").strip()
        if key not in self._cache:
            self._cache[key] = self._explain(mention or "")
        return self._cache[key]

    def _explain(self, mention: str) -> Match:
        if is_generic(mention):
            return Match(mention, None, "generic")
        parsed = self._relative(parse(mention))
        anchors = self._anchors(parsed.level) if parsed.level else []
        if parsed.level and anchors and not parsed.head:
            # "Thành ủy", "thành phố" alone: the issuer's own unit of that level, the kind the
            # word names first (the Party committee for "Thành ủy", the city for "thành phố").
            first = LEVELS[parsed.level][0]
            for ctx in anchors:
                name = " ".join(words(ctx.unit.name))
                if name.startswith(first) and self._allowed(ctx.unit):
                    return Match(mention, ctx.unit, "ok", (ctx.unit,))
            return Match(mention, None, "none")
        if not parsed.head or (parsed.level and not anchors):
            # "UBND phường" read in a city's text: which ward is meant cannot be told.
            return Match(mention, None, "none")
        candidates = self._candidates(parsed, anchors)
        if not candidates:
            return Match(mention, None, "none")
        candidates.sort(key=lambda c: c.key)
        best = candidates[0]
        shown = tuple(c.unit for c in candidates[:5])
        if len(candidates) > 1:
            second = candidates[1]
            if second.key[:3] == best.key[:3]:
                return Match(mention, None, "ambiguous", shown)
        return Match(mention, best.unit, "ok", shown)

    def _relative(self, parsed: Parsed) -> Parsed:
        """ "Ban Tuyên giáo Thành ủy Bến Tre" read in a Bến Tre text is "Ban Tuyên giáo Thành
        ủy" of the issuer's own city: the units under it do not repeat the place name."""
        if parsed.level:
            return parsed
        for ctx in self.context:
            place = place_of(ctx.unit.name)
            n = len(place)
            if place and len(parsed.tokens) > n and list(parsed.tokens[-n:]) == place:
                shorter = parse(" ".join(parsed.tokens[:-n]))
                if shorter.level:
                    return Parsed(shorter.head, shorter.level, parsed.tokens)
        return parsed

    def _allowed(self, unit: Unit) -> bool:
        return self._active(self.units.filter(pk=unit.pk)).exists()

    def _active(self, qs: QuerySet[Unit]) -> QuerySet[Unit]:
        return qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=self.day)).filter(
            Q(established_on__isnull=True) | Q(established_on__lte=self.day)
        )

    def _candidates(self, parsed: Parsed, anchors: list[Context]) -> list[Candidate]:
        qs = self._active(self.units)
        for word in set(parsed.head):
            q = Q(name_folded__contains=word)
            for short, long in ABBREVIATIONS.items():
                if word in long.split():
                    q |= Q(name_folded__contains=short)
            qs = qs.filter(q)
        if anchors:
            within = Q()
            for ctx in anchors:
                within |= Q(path__startswith=ctx.unit.path)
            qs = qs.filter(within)
        places = set(self.places)
        for ctx in anchors:
            places.update(place_of(ctx.unit.name))
        level = tuple(parsed.level.split()) if parsed.level else ()
        wanted = set(parsed.head) | set(level) | (set(parsed.tokens) - places)
        wanted -= STOP
        out = []
        for unit in qs.only("pk", "name", "path", "depth")[:CANDIDATE_LIMIT]:
            score = self._score(parsed, wanted, places, unit)
            if score < MIN_SCORE:
                continue
            holders = anchors or [c for c in self.context if unit.path.startswith(c.unit.path)]
            holders = [c for c in holders if unit.path.startswith(c.unit.path)]
            if holders:
                ctx = min(holders, key=lambda c: (c.rank, -c.unit.depth))
                rank, below = ctx.rank, unit.depth - ctx.unit.depth
            else:
                rank, below = len(self.context) + 1, unit.depth
            out.append(Candidate(unit, score, 0 if anchors else rank, below))
        return out

    @staticmethod
    def _score(parsed: Parsed, wanted: set[str], places: set[str], unit: Unit) -> float:
        have = set(words(unit.name)) - STOP
        head = set(parsed.head) - STOP
        # Every word of what the unit is must be there; a long name may miss one (a typo).
        if len(head - have) > len(head) // 4:
            return 0.0
        matched = len(wanted & have)
        extra = len(have - wanted - places)
        return matched / (len(wanted) + EXTRA_WEIGHT * extra) if wanted else 0.0

"""Scoring address candidates: how well a gazetteer entry matches a parsed address.

Pure: takes the parts an address names and the parts a candidate has, returns a score in
[0, 1], the parts that matched and the level the match resolves to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol, TypeVar

# Weights of each part in the confidence score; they sum to 1.
WEIGHTS = {"community": 0.1, "compound": 0.4, "building": 0.2, "unit": 0.1, "room": 0.2}
CONFIDENT = 0.6  # a best candidate at or above this score resolves the address…
MARGIN = 0.1  # …when it leads the runner-up by at least this much


class Match(NamedTuple):
    score: float
    matched: tuple[str, ...]  # parts of the address that matched, coarse to fine
    level: str  # household, building or compound


class Asked(Protocol):
    """The parts an address names (None where it does not say)."""

    @property
    def building(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def room(self) -> str | None: ...


class Found(Protocol):
    """What a gazetteer candidate matched: ids are None where nothing matched."""

    @property
    def compound_similarity(self) -> float: ...
    @property
    def community_matches(self) -> bool | None: ...  # None: the address names no community
    @property
    def building_id(self) -> int | None: ...
    @property
    def unit_id(self) -> int | None: ...
    @property
    def household_id(self) -> int | None: ...


def score(asked: Asked, found: Found) -> Match:
    """Score one candidate: parts the address does not name count half, neither for nor
    against; the level is the finest the candidate matched."""
    total, matched = 0.0, []
    if found.community_matches is not False:
        total += WEIGHTS["community"]
        if found.community_matches:
            matched.append("community")
    total += WEIGHTS["compound"] * found.compound_similarity
    if found.compound_similarity >= 0.99:
        matched.append("compound")
    for part, wanted, got in (
        ("building", asked.building, found.building_id),
        ("unit", asked.unit, found.unit_id),
        ("room", asked.room, found.household_id),
    ):
        if wanted is None:
            total += WEIGHTS[part] * 0.5
        elif got is not None:
            total += WEIGHTS[part]
            matched.append(part)
    if found.household_id is not None:
        level = "household"
    elif found.building_id is not None:
        level = "building"
    else:
        level = "compound"
    return Match(round(min(total, 1.0), 3), tuple(matched), level)


F = TypeVar("F", bound=Found)


def ranked(asked: Asked, candidates: Iterable[F]) -> list[tuple[Match, F]]:
    """Each candidate with its match, best first (equal scores keep the candidates' order)."""
    return sorted(((score(asked, c), c) for c in candidates), key=lambda mc: -mc[0].score)


def is_confident(scores: list[float]) -> bool:
    """A unique, confident best match: above the bar and clear of the runner-up."""
    if not scores or scores[0] < CONFIDENT:
        return False
    return len(scores) == 1 or round(scores[0] - scores[1], 3) >= MARGIN  # scores have 3 places

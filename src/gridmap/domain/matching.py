"""Scoring address candidates: how well a gazetteer entry matches a parsed address.

Pure: takes the parts an address names and the parts a candidate has, returns a score in
[0, 1], the parts that matched and the level the match resolves to.
"""

from __future__ import annotations

from dataclasses import dataclass

# Weights of each part in the confidence score; they sum to 1.
WEIGHTS = {"community": 0.1, "compound": 0.4, "building": 0.2, "unit": 0.1, "room": 0.2}
CONFIDENT = 0.6  # a best candidate at or above this score resolves the address…
MARGIN = 0.1  # …when it leads the runner-up by at least this much


@dataclass(frozen=True, slots=True)
class Match:
    score: float
    matched: tuple[str, ...]  # parts of the address that matched, coarse to fine
    level: str  # household, building or compound


def score(
    asked: dict[str, str | None],
    compound_similarity: float,
    community_matches: bool | None,
    found: dict[str, object | None],
) -> Match:
    """Score one candidate.

    ``asked`` holds the parsed parts (community, compound, building, unit, room; None where
    the address does not say); ``found`` holds the candidate's ids for building, unit and
    household (None where nothing matched).
    """
    total, matched = 0.0, []
    if community_matches is not False:
        total += WEIGHTS["community"]
        if community_matches:
            matched.append("community")
    total += WEIGHTS["compound"] * compound_similarity
    if compound_similarity >= 0.99:
        matched.append("compound")
    for part, key in (("building", "building"), ("unit", "unit"), ("room", "household")):
        if asked.get(part) is None:
            total += WEIGHTS[part] * 0.5  # not asked: neither evidence for nor against
        elif found.get(key) is not None:
            total += WEIGHTS[part]
            matched.append(part)
    if found.get("household") is not None:
        level = "household"
    elif found.get("building") is not None:
        level = "building"
    else:
        level = "compound"
    return Match(round(min(total, 1.0), 3), tuple(matched), level)


def is_confident(scores: list[float]) -> bool:
    """A unique, confident best match: above the bar and clear of the runner-up."""
    if not scores or scores[0] < CONFIDENT:
        return False
    return len(scores) == 1 or scores[0] - scores[1] >= MARGIN

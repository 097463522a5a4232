"""Scoring gazetteer candidates against a parsed address (pure)."""

from typing import NamedTuple

import pytest

from gridmap.domain.address import parse_address
from gridmap.domain.matching import CONFIDENT, MARGIN, is_confident, ranked, score


class Found(NamedTuple):
    compound_similarity: float = 1.0
    community_matches: bool | None = None
    building_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None


def test_every_part_found_is_a_household_match_of_full_confidence():
    asked = parse_address("江滨社区锦绣花园3栋2单元301室")
    match = score(asked, Found(1.0, True, 7, 8, 9))
    assert match.score == 1.0
    assert match.level == "household"
    assert match.matched == ("community", "compound", "building", "unit", "room")


def test_a_room_not_found_resolves_to_the_building():
    match = score(parse_address("锦绣花园3栋2单元301室"), Found(building_id=7, unit_id=8))
    assert match.level == "building"
    assert "room" not in match.matched
    assert match.score == pytest.approx(0.1 + 0.4 + 0.2 + 0.1)


def test_parts_not_asked_count_half_and_a_wrong_community_counts_nothing():
    bare = score(parse_address("锦绣花园"), Found())
    assert bare.level == "compound"
    assert bare.score == pytest.approx(0.1 + 0.4 + 0.5 * (0.2 + 0.1 + 0.2))
    elsewhere = score(parse_address("江滨社区锦绣花园"), Found(community_matches=False))
    assert elsewhere.score == pytest.approx(bare.score - 0.1)


def test_a_similar_name_scores_by_its_similarity_and_does_not_count_as_matched():
    match = score(parse_address("锦秀花园3栋"), Found(compound_similarity=0.5, building_id=7))
    assert "compound" not in match.matched
    assert match.score == pytest.approx(0.1 + 0.4 * 0.5 + 0.2 + 0.5 * (0.1 + 0.2))


@pytest.mark.parametrize(
    ("scores", "confident"),
    [
        ([], False),
        ([CONFIDENT - 0.01], False),
        ([CONFIDENT], True),
        ([0.9, 0.9 - MARGIN], True),
        ([0.9, 0.9 - MARGIN + 0.01], False),
    ],
)
def test_confidence_needs_a_high_and_clear_best(scores, confident):
    assert is_confident(scores) is confident


def test_ranked_puts_the_best_first_and_keeps_the_order_of_equals():
    asked = parse_address("锦绣花园3栋2单元301室")
    compound_only, building_a, building_b = Found(), Found(building_id=1), Found(building_id=2)
    order = [c for _, c in ranked(asked, [compound_only, building_a, building_b])]
    assert order == [building_a, building_b, compound_only]

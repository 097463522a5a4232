"""Vocabulary of the grid-governance hierarchy: grid kinds, roles, station kinds, flags.

Pure data; the database seeds and the API both read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridmap.errors import InvalidInput

GRID_KINDS = ("综合", "专属")
DEDICATED_CATEGORIES = ("学校", "医院", "企业", "市场", "园区", "机关")

GRID_WORKER = "网格员"
GRID_HEAD = "网格长"
PARTY_SECRETARY = "网格党支部书记"
BUILDING_HEAD = "楼栋长"
CENTRAL_HOUSEHOLD = "党员中心户"
VOLUNTEER = "党员志愿者"
ROLES = (GRID_WORKER, GRID_HEAD, PARTY_SECRETARY, BUILDING_HEAD, CENTRAL_HOUSEHOLD, VOLUNTEER)


@dataclass(frozen=True)
class StationKind:
    code: str
    name_en: str
    icon: str
    color: str


STATION_KINDS = (
    StationKind("社区党群服务中心", "community party-mass service centre", "flag", "red"),
    StationKind("党群服务站", "party-mass service station", "home", "darkred"),
    StationKind("网格红色驿站", "grid red post", "star", "orange"),
    StationKind("中心食堂", "central kitchen", "cutlery", "darkgreen"),
    StationKind("助餐点", "meal point for the elderly", "cutlery", "green"),
    StationKind("邻里调解室", "neighbourhood mediation room", "comments", "purple"),
    StationKind("社区卫生服务站", "community health station", "plus-sign", "blue"),
    StationKind("工会驿站", "workers' rest station", "briefcase", "cadetblue"),
)

# The 15-minute circle a community owes every household (GB 50180 / the seeds); district-wide
# services (the central kitchen, workers' posts) are audited on their own but not required here.
CIRCLE_KINDS = ("社区党群服务中心", "党群服务站", "助餐点", "邻里调解室", "社区卫生服务站")

# Household flags by 分级分色 colour.  Blue flags are sensitive personal data.
RED_FLAGS = ("party_member",)
BLUE_FLAGS = ("hardship", "subsistence", "elderly_alone", "disabled")
YELLOW_FLAGS = ("rented", "vacant")
FLAGS = RED_FLAGS + BLUE_FLAGS + YELLOW_FLAGS
FLAG_LABELS = {
    "party_member": "党员户",
    "hardship": "困难户",
    "subsistence": "低保户",
    "elderly_alone": "独居老人",
    "disabled": "残疾人户",
    "rented": "出租户",
    "vacant": "空关户",
}

# GB/T 2260 district (6) + street (3) + community (3) + grid (3): each level's code length.
CODE_LENGTH = {"district": 6, "street": 9, "community": 12, "grid": 15}
LEVELS = tuple(CODE_LENGTH)
_CODE_LENGTHS = {length: level for level, length in CODE_LENGTH.items()}
_DIGITS = re.compile(r"^\d+$")


def area_level(code: str) -> str:
    """The level an area code names, by its length: district, street, community or grid."""
    if not _DIGITS.match(code or "") or len(code) not in _CODE_LENGTHS:
        raise InvalidInput(
            f"area code {code!r} is not valid: expected 6 (district), 9 (street), "
            "12 (community) or 15 (grid) digits"
        )
    return _CODE_LENGTHS[len(code)]


def grid_code(community_code: str, number: int) -> str:
    """The 15-digit code of grid ``number`` (1–999) in a 12-digit community."""
    if area_level(community_code) != "community":
        raise InvalidInput(f"{community_code!r} is not a 12-digit community code")
    if not 1 <= number <= 999:
        raise InvalidInput(f"grid number {number} is outside 1–999")
    return f"{community_code}{number:03d}"


def colour(flags: dict[str, bool]) -> str:
    """The 分级分色 colour of a household: blue (care first), red, yellow or grey."""
    if any(flags.get(f) for f in BLUE_FLAGS):
        return "blue"
    if any(flags.get(f) for f in RED_FLAGS):
        return "red"
    if any(flags.get(f) for f in YELLOW_FLAGS):
        return "yellow"
    return "grey"

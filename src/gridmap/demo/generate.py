"""Generate the demo district as table rows ready for bulk loading.

Deterministic for a (scale, seed) pair.  Placed at 京口区, 镇江市, 江苏省 (GB/T 2260
321102) on the south bank of the Yangtze; coordinates are WGS84 with ~1 cm precision.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gridmap.demo import layout
from gridmap.demo.names import DEDICATED, Namer
from gridmap.domain.hierarchy import (
    BUILDING_HEAD,
    CENTRAL_HOUSEHOLD,
    GRID_HEAD,
    GRID_WORKER,
    PARTY_SECRETARY,
    VOLUNTEER,
)

DISTRICT = {"code": "321102", "name": "京口区", "city": "镇江市", "province": "江苏省"}
ORIGIN_LON, ORIGIN_LAT = 119.43, 32.17
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(ORIGIN_LAT))

FLAG_RATES = {  # share of households carrying each flag
    "party_member": 0.12,
    "hardship": 0.03,
    "subsistence": 0.025,
    "elderly_alone": 0.06,
    "disabled": 0.02,
    "rented": 0.15,
    "vacant": 0.08,
}
FAMILIES_PER_CENTRAL_HOUSEHOLD = 100
SERVICES = {
    "社区党群服务中心": (["党员活动", "政务代办", "便民服务", "议事协商"], "周一至周日 8:30-17:30"),
    "党群服务站": (["党员活动", "便民服务", "志愿服务"], "周一至周六 9:00-17:00"),
    "网格红色驿站": (["歇脚饮水", "应急药箱", "手机充电"], "每日 8:00-20:00"),
    "中心食堂": (["老年助餐", "送餐上门"], "每日 10:30-13:00, 16:30-18:30"),
    "助餐点": (["老年助餐"], "每日 11:00-12:30"),
    "邻里调解室": (["矛盾调解", "法律咨询"], "周一至周五 9:00-17:00"),
    "社区卫生服务站": (["基本医疗", "慢病随访", "预防接种"], "每日 8:00-17:00"),
    "工会驿站": (["职工休息", "饮水热饭", "应急药箱"], "每日 8:00-20:00"),
}


@dataclass(frozen=True)
class Scale:
    shape: layout.Shape
    buildings: int
    units: int
    floors: int
    rooms: int
    grids_per: dict[str, int]  # station kind -> one station per this many grids of a community
    meal_points: int
    dedicated_every: int = 12  # every n-th grid of a community is a 专属 grid


SCALES = {
    "small": Scale(
        layout.Shape(1, 1, 1, 2, 2, 2, bridges=1),
        3,
        2,
        4,
        2,
        {"党群服务站": 4, "网格红色驿站": 4, "邻里调解室": 8},
        2,
        dedicated_every=4,
    ),
    "city": Scale(
        layout.Shape(1, 3, 2, 2, 3, 4, bridges=3),
        4,
        2,
        6,
        3,
        {"党群服务站": 4, "网格红色驿站": 6, "邻里调解室": 12, "社区卫生服务站": 12},
        6,
    ),
    "large": Scale(
        layout.Shape(2, 5, 5, 5, 5, 8, bridges=12),
        3,
        2,
        6,
        3,
        {"党群服务站": 40, "网格红色驿站": 40, "邻里调解室": 40, "社区卫生服务站": 40},
        60,
        dedicated_every=40,
    ),
}


@dataclass
class Table:
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


@dataclass
class DemoData:
    tables: dict[str, Table]

    def counts(self) -> dict[str, int]:
        return {name: len(t.rows) for name, t in self.tables.items()}


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """Local metres → WGS84 degrees."""
    return shapely.transform(geom, _xy_to_lonlat)


def _xy_to_lonlat(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(
        (ORIGIN_LON + xy[:, 0] / M_PER_DEG_LON, ORIGIN_LAT + xy[:, 1] / M_PER_DEG_LAT)
    ).round(7)


def ewkb(geom: BaseGeometry, multi: bool = False) -> str:
    """Hex EWKB (SRID 4326) of a geometry in local metres."""
    geom = to_lonlat(geom)
    if multi and geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    return shapely.to_wkb(shapely.set_srid(geom, 4326), hex=True, include_srid=True)


TABLES = {
    "districts": ("code", "name", "city", "province", "geom"),
    "streets": ("code", "district_code", "name", "geom"),
    "communities": ("code", "street_code", "name", "geom"),
    "grids": (
        "id",
        "code",
        "community_code",
        "name",
        "kind",
        "category",
        "responsible_body",
        "area_m2",
        "valid_from",
        "geom",
    ),
    "compounds": ("id", "community_code", "name", "walled", "geom"),
    "buildings": ("id", "compound_id", "grid_id", "number", "floors", "footprint", "geom"),
    "units": ("id", "building_id", "number"),
    "households": (
        "id",
        "building_id",
        "unit_id",
        "grid_id",
        "room",
        "residents",
        *FLAG_RATES,
        "central_household_id",
        "contact_name",
        "contact_phone",
        "geom",
    ),
    "people": (
        "id",
        "role",
        "name",
        "phone",
        "community_code",
        "grid_id",
        "building_id",
        "household_id",
    ),
    "stations": (
        "id",
        "kind",
        "name",
        "address",
        "services",
        "opening_hours",
        "community_code",
        "geom",
    ),
    "road_nodes": ("id", "geom"),
    "road_edges": (
        "id",
        "source",
        "target",
        "length_m",
        "cost",
        "reverse_cost",
        "kind",
        "name",
        "geom",
    ),
}


def generate(scale: str = "city", seed: int = 42) -> DemoData:
    """Build every table of the demo district."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; choose one of {', '.join(SCALES)}")
    return _Builder(SCALES[scale], seed).build()


class _Builder:
    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.shape = scale.shape
        self.rng = random.Random(seed)
        self.names = Namer(random.Random(seed + 1))
        self.data = DemoData({name: Table(cols) for name, cols in TABLES.items()})
        self.cells = layout.grid_cells(self.shape, self.rng)
        self.community_codes: list[str] = []
        self.community_names: list[str] = []
        self.road_lines: list = []
        self.road_kinds: list[str] = []
        self.used_corners: set[tuple[float, float, int]] = set()

    def add(self, table: str, *row: object) -> None:
        self.data.tables[table].rows.append(row)

    def build(self) -> DemoData:
        self._areas()
        self._grids()
        self._stations()
        self._roads()
        return self.data

    def _areas(self) -> None:
        district = shapely.box(0, 0, self.shape.width, self.shape.height)
        self.add("districts", *DISTRICT.values(), ewkb(district, multi=True))
        boxes = layout.community_boxes(self.shape)
        for street in sorted({s for s, _, _ in boxes}):
            code = f"{DISTRICT['code']}{street + 1:03d}"
            outline = shapely.union_all([b for s, _, b in boxes if s == street])
            self.add(
                "streets",
                code,
                DISTRICT["code"],
                self.names.place("街道"),
                ewkb(outline, multi=True),
            )
        per_street: dict[int, int] = {}
        for street, _, box in boxes:
            per_street[street] = per_street.get(street, 0) + 1
            code = f"{DISTRICT['code']}{street + 1:03d}{per_street[street]:03d}"
            name = self.names.place("社区")
            self.community_codes.append(code)
            self.community_names.append(name)
            self.add("communities", code, code[:9], name, ewkb(box, multi=True))

    def _grids(self) -> None:
        ids = {"building": 0, "unit": 0, "household": 0}
        for gid, cell in enumerate(self.cells, start=1):
            community = self.community_codes[cell.community]
            number = cell.row * self.shape.grid_cols + cell.col + 1
            dedicated = number % self.scale.dedicated_every == 0
            compound = self.names.compound()
            if dedicated:
                category, suffix = DEDICATED[(gid // self.scale.dedicated_every) % len(DEDICATED)]
                name = self.community_names[cell.community][:-2] + suffix + "专属网格"
                body = self.community_names[cell.community][:-2] + suffix
            else:
                category, name, body = None, compound + "网格", self.community_names[cell.community]
            self.add(
                "grids",
                gid,
                f"{community}{number:03d}",
                community,
                name,
                "专属" if dedicated else "综合",
                category,
                body,
                round(cell.quad.area, 1),
                "2024-01-01",
                ewkb(cell.quad, multi=True),
            )
            self.road_lines += cell.roads
            self.road_kinds += ["road"] * len(cell.roads)
            plan = layout.plan_compound(
                cell,
                self.shape,
                1 if dedicated else self.scale.buildings,
                walled=self.rng.random() < 0.7,
            )
            self.add(
                "compounds", gid, community, compound, plan.walled, ewkb(plan.polygon, multi=True)
            )
            self.road_lines += plan.paths + plan.gates
            self.road_kinds += ["footway"] * len(plan.paths)
            self.road_kinds += ["gate" if plan.walled else "footway"] * len(plan.gates)
            self._households(gid, community, plan, ids)
            for role in (GRID_WORKER, GRID_HEAD, PARTY_SECRETARY, VOLUNTEER, VOLUNTEER):
                self._person(role, community, gid)

    def _households(self, gid: int, community: str, plan: layout.CompoundPlan, ids: dict) -> None:
        first_household = ids["household"] + 1
        for number, (entrance, footprint) in enumerate(
            zip(plan.entrances, plan.footprints, strict=True), start=1
        ):
            ids["building"] += 1
            bid = ids["building"]
            self.add(
                "buildings",
                bid,
                gid,
                gid,
                str(number),
                self.scale.floors,
                ewkb(footprint),
                ewkb(shapely.Point(entrance)),
            )
            self._person(BUILDING_HEAD, community, gid, building=bid)
            units = self.scale.units if len(plan.entrances) > 1 else 1
            for unit in range(1, units + 1):
                ids["unit"] += 1
                self.add("units", ids["unit"], bid, str(unit))
                x = entrance[0] + (unit - (units + 1) / 2) * 8.0
                point = ewkb(shapely.Point(x, entrance[1]))
                for floor in range(1, self.scale.floors + 1):
                    for room in range(1, self.scale.rooms + 1):
                        ids["household"] += 1
                        self._household(
                            ids["household"], bid, ids["unit"], gid, f"{floor}{room:02d}", point
                        )
        self._central_households(first_household, ids["household"], community, gid)

    def _household(self, hid: int, bid: int, uid: int, gid: int, room: str, point: str) -> None:
        rnd = self.rng.random
        flags = [rnd() < rate for rate in FLAG_RATES.values()]
        flags[-1] = flags[-1] and not flags[-2]  # a rented flat is not vacant
        elderly = flags[3]
        residents = 0 if flags[-1] else (1 if elderly else self.rng.randint(1, 5))
        self.add(
            "households",
            hid,
            bid,
            uid,
            gid,
            room,
            residents,
            *flags,
            None,
            self.names.person(),
            self.names.phone(),
            point,
        )

    def _central_households(self, first: int, last: int, community: str, gid: int) -> None:
        """党员中心户: a party-member household looks after ~100 families of its grid."""
        rows = self.data.tables["households"].rows
        offset = len(rows) - (last - first + 1)
        count = last - first + 1
        if count == 0:
            return
        groups = max(1, round(count / FAMILIES_PER_CENTRAL_HOUSEHOLD))
        size = math.ceil(count / groups)
        party = TABLES["households"].index("party_member")
        central = TABLES["households"].index("central_household_id")
        for g in range(groups):
            members = range(offset + g * size, min(offset + (g + 1) * size, len(rows)))
            centre = next((i for i in members if rows[i][party]), members[0])
            rows[centre] = rows[centre][:party] + (True,) + rows[centre][party + 1 :]
            self._person(CENTRAL_HOUSEHOLD, community, gid, household=rows[centre][0])
            for i in members:
                if i != centre:
                    rows[i] = rows[i][:central] + (rows[centre][0],) + rows[i][central + 1 :]

    def _person(
        self,
        role: str,
        community: str,
        gid: int,
        building: int | None = None,
        household: int | None = None,
    ) -> None:
        pid = len(self.data.tables["people"].rows) + 1
        self.add(
            "people",
            pid,
            role,
            self.names.person(),
            self.names.phone(),
            community,
            gid,
            building,
            household,
        )

    def _stations(self) -> None:
        by_community: dict[int, list[int]] = {}
        for index, cell in enumerate(self.cells):
            by_community.setdefault(cell.community, []).append(index)
        plan: list[tuple[str, int]] = []
        for community, cells in by_community.items():
            plan.append(("社区党群服务中心", community))
            for kind, per in self.scale.grids_per.items():
                plan += [(kind, community)] * max(len(cells) // per, 0)
        communities = list(by_community)
        plan.append(("中心食堂", self.rng.choice(communities)))
        plan += [("助餐点", self.rng.choice(communities)) for _ in range(self.scale.meal_points)]
        plan += [("工会驿站", c) for c in communities[:: max(1, len(communities) // 3)]]
        numbers: dict[tuple[str, int], int] = {}
        for sid, (kind, community) in enumerate(plan, start=1):
            numbers[(kind, community)] = numbers.get((kind, community), 0) + 1
            cell = self.cells[self._station_cell(by_community[community], kind)]
            point = self._station_point(cell)
            label = self.community_names[community]
            if kind == "社区党群服务中心":
                kind_label = "党群服务中心"
            else:
                label, kind_label = label + f"第{numbers[(kind, community)]}", kind
            services, hours = SERVICES[kind]
            road = self.names.road(cell.row + cell.community, horizontal=True)
            self.add(
                "stations",
                sid,
                kind,
                label + kind_label,
                f"{road}{self.rng.randint(1, 300)}号",
                services,
                hours,
                self.community_codes[community],
                ewkb(point),
            )

    def _station_cell(self, cells: list[int], kind: str) -> int:
        if kind == "社区党群服务中心":
            return cells[len(cells) // 2]
        return self.rng.choice(cells)

    def _station_point(self, cell: layout.GridCell) -> shapely.Point:
        """Near a free street corner of the grid, between the road and the compound wall."""
        corners = list(cell.quad.exterior.coords)[:4]
        self.rng.shuffle(corners)
        centre = cell.quad.centroid
        free = [(x, y) for x, y in corners if (x, y, id(cell)) not in self.used_corners]
        away = [(x, y) for x, y in free if abs(y - self.shape.river_y) > 60]
        x, y = (away or free or corners)[0]
        self.used_corners.add((x, y, id(cell)))
        d = math.hypot(centre.x - x, centre.y - y)
        return shapely.Point(x + (centre.x - x) * 12 / d, y + (centre.y - y) * 12 / d)

    def _roads(self) -> None:
        bridges = layout.bridges(self.shape)
        nodes, edges = layout.node_network(
            self.road_lines + bridges, self.road_kinds + ["bridge"] * len(bridges)
        )
        points = shapely.points(_xy_to_lonlat(nodes))
        wkb = shapely.to_wkb(shapely.set_srid(points, 4326), hex=True, include_srid=True)
        self.data.tables["road_nodes"].rows = [(i + 1, w) for i, w in enumerate(wkb)]
        for eid, (line, source, target, kind) in enumerate(edges, start=1):
            length = round(line.length, 2)
            name = "滨江路" if kind == "bridge" else None
            self.add(
                "road_edges",
                eid,
                source + 1,
                target + 1,
                length,
                length,
                length,
                kind,
                name,
                ewkb(line),
            )

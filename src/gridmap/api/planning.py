"""Planning over GraphQL: service areas, the coverage audit, catchments and new sites."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gridmap.api.context import Context
from gridmap.api.types import GeoJSON, HouseholdCounts, Station, parse_id
from gridmap.domain.hierarchy import FLAGS
from gridmap.services import audit, browse, planning, site_selection


@strawberry.type(description="A station's walking service area and its straight-line circle.")
class ServiceArea:
    station: Station
    minutes: int
    geometry: GeoJSON | None = strawberry.field(description="The network isochrone (buffered).")
    area_m2: float
    households: int = strawberry.field(description="Households inside the network area.")
    circle: GeoJSON = strawberry.field(description="The straight-line circle, same distance.")
    circle_area_m2: float
    households_in_circle: int
    network_to_circle: float | None = strawberry.field(
        description="Network area ÷ circle area: how much the circle overstates."
    )


@strawberry.type
class CoverageFigures:
    total: int
    covered: int
    uncovered: int
    ratio: float


@strawberry.type
class KindCoverage:
    kind: str
    figures: CoverageFigures
    uncovered_elderly_alone: int = strawberry.field(
        description="Elderly-alone households with no station of this kind within reach."
    )


@strawberry.type
class AreaCoverage:
    code: str
    name: str
    level: str
    overall: CoverageFigures = strawberry.field(
        description="Covered = within reach of at least one station of the asked kinds."
    )
    residents: int
    off_network: int = strawberry.field(
        description="Households further than GRIDMAP_MAX_SNAP_M from any walkable edge."
    )
    by_kind: list[KindCoverage]
    uncovered_flags: HouseholdCounts = strawberry.field(
        description="Flags of the households left uncovered (aggregate counts)."
    )


@strawberry.type
class UncoveredBuilding:
    id: strawberry.ID
    compound: str | None
    number: str
    grid_code: str
    households: int
    residents: int
    elderly_alone: int | None = strawberry.field(
        description="Households of elderly living alone; null when 1 or 2 and the building is "
        "outside your area (so few could point at a household)."
    )
    disabled: int | None = strawberry.field(
        description="Households with a disabled member; null as for elderlyAlone."
    )
    lon: float
    lat: float


@strawberry.type(description="Does the walking promise hold, household by household?")
class Coverage:
    area: AreaCoverage
    minutes: int
    meters: float
    kinds: list[str]
    children: list[AreaCoverage]
    uncovered_buildings: list[UncoveredBuilding]


@strawberry.type(description="A station's share of the nearest-station partition.")
class Catchment:
    station: Station
    households: int
    residents: int
    mean_meters: float
    max_meters: float


@strawberry.type
class SitingStep:
    rank: int
    node_id: strawberry.ID
    lon: float
    lat: float
    households_added: int
    weight_added: float
    covered_after: int
    ratio_after: float


@strawberry.type(description="Greedy maximal-coverage siting of new stations.")
class Siting:
    area_code: str
    kind: str
    minutes: int
    total: int
    covered_before: int
    candidates: int
    steps: list[SitingStep]


@strawberry.input
class FlagWeight:
    flag: str = strawberry.field(description=f"One of {', '.join(FLAGS)}.")
    weight: float


def _figures(f: audit.Figures) -> CoverageFigures:
    return CoverageFigures(
        total=f.total, covered=f.covered, uncovered=f.uncovered, ratio=round(f.ratio, 4)
    )


def _area(a: audit.AreaCoverage) -> AreaCoverage:
    flags = {k: a.uncovered_flags[k] for k in FLAGS}
    return AreaCoverage(
        code=a.code,
        name=a.name,
        level=a.level,
        overall=_figures(a.overall),
        residents=a.residents,
        off_network=a.off_network,
        by_kind=[
            KindCoverage(
                kind=k.kind,
                figures=_figures(k.figures),
                uncovered_elderly_alone=k.uncovered_elderly_alone,
            )
            for k in a.by_kind
        ],
        uncovered_flags=HouseholdCounts(total=a.overall.uncovered, residents=0, **flags),
    )


async def _stations(info: Info[Context, None], ids: list[int]) -> dict[int, Station]:
    rows = await info.context.loader(browse.stations_by_id).load_many(ids)
    return {i: Station.from_row(r) for i, r in zip(ids, rows, strict=True) if r is not None}


@strawberry.type
class PlanningQuery:
    @strawberry.field(description="A station's walking service area (GB 50180: 5/10/15 min).")
    async def service_area(
        self, info: Info[Context, None], station_id: strawberry.ID, minutes: int = 15
    ) -> ServiceArea:
        sid = parse_id(station_id, "station id")
        found = await info.context.run(lambda scope: planning.service_area(scope, sid, minutes))
        station = (await _stations(info, [sid]))[sid]
        return ServiceArea(
            station=station,
            minutes=found["minutes"],
            geometry=found["geometry"],
            area_m2=found["area_m2"],
            households=found["households"],
            circle=found["circle"],
            circle_area_m2=found["circle_area_m2"],
            households_in_circle=found["households_in_circle"],
            network_to_circle=found["network_to_circle"],
        )

    @strawberry.field(
        description="The coverage audit of an area (district, street, "
        "community or grid) within `minutes` on foot."
    )
    async def coverage(
        self,
        info: Info[Context, None],
        area_code: str,
        minutes: int = 15,
        station_kinds: list[str] | None = None,
        buildings: int = 50,
    ) -> Coverage:
        found = await info.context.run(
            lambda scope: audit.coverage(scope, area_code, minutes, station_kinds, buildings)
        )
        who = info.context.principal
        return Coverage(
            area=_area(found.area),
            minutes=found.minutes,
            meters=found.meters,
            kinds=found.kinds,
            children=[_area(c) for c in found.children],
            uncovered_buildings=[
                UncoveredBuilding(
                    id=strawberry.ID(str(b["id"])),
                    compound=b["compound"],
                    number=b["number"],
                    grid_code=b["grid_code"],
                    households=b["households"],
                    residents=b["residents"],
                    elderly_alone=who.disclosed(b["elderly_alone"], b["grid_code"]),
                    disabled=who.disclosed(b["disabled"], b["grid_code"]),
                    lon=b["lon"],
                    lat=b["lat"],
                )
                for b in found.uncovered_buildings
            ],
        )

    @strawberry.field(
        description="Each station's catchment: the households whose nearest "
        "station of the kind it is, by walking."
    )
    async def catchments(
        self, info: Info[Context, None], kind: str, area_code: str | None = None
    ) -> list[Catchment]:
        rows = await info.context.run(lambda scope: audit.catchments(scope, kind, area_code))
        stations = await _stations(info, [r["station_id"] for r in rows])
        return [
            Catchment(
                station=stations[r["station_id"]],
                households=r["households"],
                residents=r["residents"],
                mean_meters=round(r["mean_meters"], 1),
                max_meters=r["max_meters"],
            )
            for r in rows
        ]

    @strawberry.field(
        description="Where to put `count` new stations of a kind: greedy "
        "maximal coverage of the households still out of reach."
    )
    async def suggest_stations(
        self,
        info: Info[Context, None],
        area_code: str,
        count: int = 3,
        minutes: int = 15,
        kind: str = "助餐点",
        weights: list[FlagWeight] | None = None,
    ) -> Siting:
        by_flag = {w.flag: w.weight for w in weights or []}
        found = await info.context.run(
            lambda scope: site_selection.suggest(scope, area_code, count, minutes, kind, by_flag)
        )
        return Siting(
            area_code=found.area_code,
            kind=found.kind,
            minutes=found.minutes,
            total=found.total,
            covered_before=found.covered_before,
            candidates=found.candidates,
            steps=[
                SitingStep(
                    rank=s.rank,
                    node_id=strawberry.ID(str(s.node_id)),
                    lon=s.lon,
                    lat=s.lat,
                    households_added=s.households_added,
                    weight_added=s.weight_added,
                    covered_after=s.covered_after,
                    ratio_after=round(s.ratio_after, 4),
                )
                for s in found.steps
            ],
        )

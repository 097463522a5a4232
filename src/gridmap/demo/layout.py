"""The demo district's geometry, in metres on a local plane (x east, y north).

Grids tile each community exactly: each community is a lattice of quads whose interior
vertices are jittered and whose boundary vertices stay on the community's rectangle, so
neighbouring grids share vertices and nothing overlaps or leaves a gap.  A river runs
east–west along one lattice row; roads on either bank end at it and only a few bridges
cross.  Compounds sit inside their grids behind walls; walled ones open to the street
through a single gate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.ops import nearest_points

RIVER_SETBACK_M = 30.0  # riverside roads run this far from the river's centre line
COMPOUND_INSET_M = 20.0
BUILDING_OFFSET_M = 14.0


@dataclass(frozen=True)
class Shape:
    """How many of each level, and how big a grid cell is."""

    street_rows: int
    street_cols: int
    community_rows: int
    community_cols: int
    grid_rows: int
    grid_cols: int
    cell_w: float = 190.0
    cell_h: float = 160.0
    bridges: int = 3

    @property
    def total_grid_rows(self) -> int:
        return self.street_rows * self.community_rows * self.grid_rows

    @property
    def river_y(self) -> float:
        return (self.total_grid_rows // 2) * self.cell_h

    @property
    def width(self) -> float:
        return self.street_cols * self.community_cols * self.grid_cols * self.cell_w

    @property
    def height(self) -> float:
        return self.total_grid_rows * self.cell_h


@dataclass
class GridCell:
    street: int  # index of the street
    community: int  # index of the community within the district
    row: int  # within the community, 0 = northernmost
    col: int  # within the community, 0 = westernmost
    quad: Polygon
    roads: list[LineString]  # the cell's four sides as roads, moved off the river


def community_boxes(shape: Shape) -> list[tuple[int, int, Polygon]]:
    """(street index, community index, rectangle) for every community, row by row."""
    boxes = []
    cw, ch = shape.grid_cols * shape.cell_w, shape.grid_rows * shape.cell_h
    street = 0
    community = 0
    for sr in range(shape.street_rows):
        for sc in range(shape.street_cols):
            for cr in range(shape.community_rows):
                for cc in range(shape.community_cols):
                    x0 = (sc * shape.community_cols + cc) * cw
                    y_top = shape.height - (sr * shape.community_rows + cr) * ch
                    boxes.append((street, community, shapely.box(x0, y_top - ch, x0 + cw, y_top)))
                    community += 1
            street += 1
    return boxes


def grid_cells(shape: Shape, rng: random.Random) -> list[GridCell]:
    """All grid quads, community by community, numbered west→east, north→south."""
    cells = []
    for street, community, box in community_boxes(shape):
        x0, y0, _, _ = box.bounds
        lattice = _lattice(shape, x0, y0, rng)
        for j in range(shape.grid_rows - 1, -1, -1):
            for i in range(shape.grid_cols):
                corners = [
                    lattice[i][j],
                    lattice[i + 1][j],
                    lattice[i + 1][j + 1],
                    lattice[i][j + 1],
                ]
                quad = Polygon(corners)
                roads = _cell_roads(shape, corners, quad.centroid.y)
                cells.append(GridCell(street, community, shape.grid_rows - 1 - j, i, quad, roads))
    return cells


def _lattice(shape: Shape, x0: float, y0: float, rng: random.Random) -> list[list[tuple]]:
    jitter_x, jitter_y = 0.18 * shape.cell_w, 0.18 * shape.cell_h
    points = []
    for i in range(shape.grid_cols + 1):
        column = []
        for j in range(shape.grid_rows + 1):
            x, y = x0 + i * shape.cell_w, y0 + j * shape.cell_h
            interior_x = 0 < i < shape.grid_cols
            interior_y = 0 < j < shape.grid_rows and abs(y - shape.river_y) > 1e-6
            if interior_x and 0 < j < shape.grid_rows:
                x += rng.uniform(-jitter_x, jitter_x)
            if interior_y and 0 < i < shape.grid_cols:
                y += rng.uniform(-jitter_y, jitter_y)
            column.append((round(x, 2), round(y, 2)))
        points.append(column)
    return points


def _cell_roads(shape: Shape, corners: list[tuple], cy: float) -> list[LineString]:
    """The quad's sides as roads; a side on the river moves to the bank on the cell's side."""
    bank = -RIVER_SETBACK_M if cy < shape.river_y else RIVER_SETBACK_M
    moved = [(x, y + bank) if abs(y - shape.river_y) < 1e-6 else (x, y) for x, y in corners]
    return [LineString([moved[k], moved[(k + 1) % 4]]) for k in range(4)]


def river_band(shape: Shape, half_width: float = 15.0) -> Polygon:
    return shapely.box(0, shape.river_y - half_width, shape.width, shape.river_y + half_width)


def bridges(shape: Shape) -> list[LineString]:
    """Bridges at evenly spaced community boundaries (where bank roads meet)."""
    cw = shape.grid_cols * shape.cell_w
    columns = shape.street_cols * shape.community_cols
    n = max(1, min(shape.bridges, columns + 1))
    xs = sorted({round(k * columns / (n + 1) + 0.5) * cw for k in range(1, n + 1)})
    y = shape.river_y
    return [LineString([(x, y - RIVER_SETBACK_M), (x, y + RIVER_SETBACK_M)]) for x in xs]


@dataclass
class CompoundPlan:
    polygon: Polygon
    walled: bool
    entrances: list[tuple[float, float]]  # building entrance points
    footprints: list[Polygon]
    paths: list[LineString]  # spine and branches to entrances
    gates: list[LineString]


def plan_compound(cell: GridCell, shape: Shape, n_buildings: int, walled: bool) -> CompoundPlan:
    """A compound inside the grid: a spine path, buildings on both sides, gates to the street."""
    polygon = cell.quad.buffer(-COMPOUND_INSET_M).difference(river_band(shape, 45.0))
    if polygon.geom_type != "Polygon":
        polygon = max(polygon.geoms, key=lambda g: g.area)
    minx, _, maxx, _ = polygon.bounds
    cy = polygon.centroid.y
    spine = LineString([(minx - 1, cy), (maxx + 1, cy)]).intersection(polygon.buffer(-5))
    if spine.geom_type != "LineString":
        spine = max(spine.geoms, key=lambda g: g.length)
    (sx0, _), (sx1, _) = spine.coords[0], spine.coords[-1]
    entrances, footprints, paths = [], [], [spine]
    for k in range(n_buildings):
        x = sx0 + (sx1 - sx0) * (k + 1) / (n_buildings + 1)
        side = 1 if k % 2 == 0 else -1
        ey = cy + side * BUILDING_OFFSET_M
        entrances.append((round(x, 2), round(ey, 2)))
        footprints.append(
            shapely.box(x - 12, min(ey, ey + side * 12), x + 12, max(ey, ey + side * 12))
        )
        paths.append(LineString([(x, cy), (x, ey)]))
    ring = MultiLineString(cell.roads)
    ends = [spine.coords[0]] if walled else [spine.coords[0], spine.coords[-1]]
    gates = [LineString([end, nearest_points(ring, Point(end))[0]]) for end in ends]
    return CompoundPlan(polygon, walled, entrances, footprints, paths, gates)


def node_network(
    lines: list[LineString], kinds: list[str]
) -> tuple[np.ndarray, list[tuple[LineString, int, int, str]]]:
    """Node all lines at every junction, snap-rounded to 1 cm.

    Returns the node coordinates and the edges as (line, source index, target index, kind);
    each edge takes the kind of the input line it came from.
    """
    noded = shapely.union_all(shapely.set_precision(np.array(lines), 0.01), grid_size=0.01)
    parts = shapely.get_parts(noded)
    parts = parts[shapely.length(parts) > 0.05]
    tree = shapely.STRtree(np.array(lines))
    mids = shapely.line_interpolate_point(parts, 0.5, normalized=True)
    source_line = tree.query_nearest(mids, all_matches=False)[1]
    starts = shapely.get_coordinates(shapely.get_point(parts, 0))
    ends = shapely.get_coordinates(shapely.get_point(parts, -1))
    nodes, inverse = np.unique(np.round(np.vstack([starts, ends]), 2), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    n = len(parts)
    edges = [
        (parts[k], int(inverse[k]), int(inverse[n + k]), kinds[source_line[k]]) for k in range(n)
    ]
    return nodes, edges

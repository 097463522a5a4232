"""What each importable layer holds, and the column names districts actually use for it.

Pure: a layer is a list of fields (canonical name, type, whether it is required, the Chinese
and English column names that mean it) and the geometry it needs.  Column names are matched
case-insensitively after trimming; ``--map-fields src=dst`` names anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gridmap.domain.hierarchy import FLAG_LABELS, FLAGS
from gridmap.errors import InvalidInput


class Kind(StrEnum):
    TEXT = "text"
    INT = "integer"
    BOOL = "boolean"
    DATE = "date"


class Shape(StrEnum):
    POLYGON = "polygon"  # streets, communities, grids
    POINT = "point"  # stations
    POINT_OR_POLYGON = "point or polygon"  # buildings: a point or a footprint
    OPTIONAL_POINT = "point (optional)"  # households: the building's point when missing


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Layer:
    name: str
    fields: tuple[Field, ...]
    shape: Shape

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_NAME = ("名称", "name")
_COMMUNITY_NAME = Field("community_name", aliases=("社区名称", "社区", "所属社区", "community"))
_FLAGS = tuple(
    Field(flag, Kind.BOOL, aliases=(FLAG_LABELS[flag], FLAG_LABELS[flag].rstrip("户")))
    for flag in FLAGS
)

LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer(
            "streets",
            (
                Field(
                    "code",
                    required=True,
                    aliases=("street_code", "街道编码", "街道代码", "编码", "代码"),
                ),
                Field("name", required=True, aliases=("street_name", "街道名称", "街道", *_NAME)),
                Field("district_name", aliases=("区县名称", "区县", "区", "district")),
            ),
            Shape.POLYGON,
        ),
        Layer(
            "communities",
            (
                Field(
                    "code",
                    required=True,
                    aliases=("community_code", "社区编码", "社区代码", "编码", "代码"),
                ),
                Field(
                    "name", required=True, aliases=("community_name", "社区名称", "社区", *_NAME)
                ),
            ),
            Shape.POLYGON,
        ),
        Layer(
            "grids",
            (
                Field(
                    "code",
                    required=True,
                    aliases=("grid_code", "网格编码", "网格代码", "编码", "代码"),
                ),
                Field("name", required=True, aliases=("grid_name", "网格名称", "网格", *_NAME)),
                Field("kind", aliases=("网格类型", "类型", "type")),
                Field("category", aliases=("专属类别", "类别")),
                Field("responsible_body", aliases=("责任单位", "责任主体")),
                Field("valid_from", Kind.DATE, aliases=("初始日期", "起始日期", "生效日期")),
            ),
            Shape.POLYGON,
        ),
        Layer(
            "stations",
            (
                Field("name", required=True, aliases=("station_name", "阵地名称", *_NAME)),
                Field("kind", required=True, aliases=("阵地类型", "类型", "type")),
                Field("address", aliases=("地址", "详细地址")),
                Field("services", aliases=("服务内容", "服务项目")),
                Field("opening_hours", aliases=("开放时间", "hours")),
                Field("community_code", aliases=("社区编码", "社区代码")),
                _COMMUNITY_NAME,
            ),
            Shape.POINT,
        ),
        Layer(
            "buildings",
            (
                Field("compound", required=True, aliases=("小区", "小区名称", "compound_name")),
                Field(
                    "number", required=True, aliases=("building", "楼栋", "楼栋号", "楼号", "栋")
                ),
                Field("floors", Kind.INT, aliases=("层数", "楼层数")),
                Field("community_code", aliases=("社区编码", "社区代码")),
                _COMMUNITY_NAME,
            ),
            Shape.POINT_OR_POLYGON,
        ),
        Layer(
            "households",
            (
                Field("address", aliases=("地址", "住址", "家庭住址", "addr")),
                _COMMUNITY_NAME,
                Field("compound", aliases=("小区", "小区名称", "compound_name")),
                Field("building", aliases=("楼栋", "楼栋号", "楼号", "栋")),
                Field("unit", aliases=("单元", "单元号")),
                Field("room", aliases=("室", "房号", "门牌号", "户号")),
                Field("residents", Kind.INT, aliases=("人数", "户籍人数", "居住人数")),
                *_FLAGS,
                Field("contact_name", aliases=("联系人", "户主", "户主姓名")),
                Field("contact_phone", aliases=("联系电话", "电话", "手机", "phone")),
            ),
            Shape.OPTIONAL_POINT,
        ),
    )
}
LON_COLUMNS = ("lon", "lng", "longitude", "经度", "x")
LAT_COLUMNS = ("lat", "latitude", "纬度", "y")
WKT_COLUMNS = ("wkt", "geometry", "geom", "几何", "shape")
GEOMETRY_FIELDS = ("lon", "lat", "wkt")  # --map-fields targets that are a CSV's geometry
_TRUE = frozenset(("1", "true", "t", "yes", "y", "是", "有", "√", "✓", "x"))
_FALSE = frozenset(("", "0", "false", "f", "no", "n", "否", "无"))


def layer(name: str) -> Layer:
    """The layer called ``name``, or a clear error listing the layers."""
    if name not in LAYERS:
        raise InvalidInput(f"unknown layer {name!r}; choose one of {', '.join(LAYERS)}")
    return LAYERS[name]


def parse_mapping(text: str | None) -> dict[str, str]:
    """``src=dst,src2=dst2`` from the command line → {source column: field name}."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise InvalidInput(f"--map-fields: {part.strip()!r} is not source=field")
        mapping[source.strip().lower()] = target.strip()
    return mapping


def match_columns(
    target: Layer, header: list[str], mapping: dict[str, str], where: str
) -> dict[str, int]:
    """Field name → column index: mapped columns first, then the known names in order."""
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    known = {f.name for f in target.fields}
    found: dict[str, int] = {}
    for source, name in mapping.items():
        if name in GEOMETRY_FIELDS:
            continue  # read with the geometry (see read.open_source)
        if name not in known:
            raise InvalidInput(
                f"--map-fields: {target.name} have no field {name!r}; "
                f"fields: {', '.join(sorted(known) + list(GEOMETRY_FIELDS))}"
            )
        if source not in lowered:
            raise InvalidInput(f"{where}: --map-fields names column {source!r}, which is not there")
        found[name] = lowered.index(source)
    taken = set(found.values())
    for f in target.fields:
        if f.name in found:
            continue
        index = next((lowered.index(n.lower()) for n in f.names if n.lower() in lowered), None)
        if index is not None and index not in taken:
            found[f.name] = index
            taken.add(index)
    missing = [f for f in target.fields if f.required and f.name not in found]
    if missing:
        wanted = "; ".join(f"{f.name} ({', '.join(f.aliases[:4])})" for f in missing)
        raise InvalidInput(
            f"{where}: missing column(s) {wanted}; found {', '.join(header) or 'none'} "
            "(name others with --map-fields source=field)"
        )
    return found


def find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def parse_value(kind: Kind, raw: object) -> object:
    """A cell as the field's type (None when empty); ValueError says what was expected."""
    if raw is None:
        return False if kind is Kind.BOOL else None
    if kind is Kind.BOOL:
        if isinstance(raw, bool | int):
            return bool(raw)
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{raw!r} is not yes/no (1/0, true/false, 是/否)")
    text = str(raw).strip()
    if not text:
        return None
    if kind is Kind.INT:
        try:
            return int(float(text)) if float(text).is_integer() else _not_int(text)
        except (ValueError, OverflowError):
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind is Kind.DATE:
        from datetime import date

        try:
            return date.fromisoformat(text.replace("/", "-")[:10]).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return text


def _not_int(text: str) -> int:
    raise ValueError(f"{text!r} is not a whole number")

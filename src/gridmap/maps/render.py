"""Rendering a planner map with folium: grids, stations, service areas, households, legend.

Pure presentation: it receives GeoJSON collections and figures, and returns HTML.  Large
layers are single GeoJSON layers drawn on a canvas, never thousands of separate markers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import folium
from branca.element import Element, Template
from folium.map import Layer
from folium.plugins import Fullscreen

from gridmap.maps.assets import self_contained

OSM = ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors")
AMAP = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}",
    "© 高德地图 AutoNavi",
)
COLOURS = {"red": "#d7191c", "blue": "#2b83ba", "yellow": "#fdae61", "grey": "#9e9e9e"}
LEGEND_ROWS = [
    ("red", "党员户 party-member household"),
    ("blue", "困难/低保/独居老人/残疾 hardship, subsistence, elderly alone, disabled"),
    ("yellow", "出租/空关 rented or vacant"),
    ("grey", "其他 other households"),
]


class DataLayer(Layer):
    """One GeoJSON layer with its drawing in JavaScript (canvas circle markers for points)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(gridmapFeatures({{ this.data }}), {
            pointToLayer: {{ this.point }},
            style: {{ this.style }},
            onEachFeature: function (f, layer) {
                var html = ({{ this.popup }})(f.properties);
                if (html) { layer.bindPopup(html); }
            }
        });
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        window.gridmapLayers = window.gridmapLayers || {};
        window.gridmapLayers[{{ this.layer_name|tojson }}] = {{ this.get_name() }};
        {% endmacro %}
    """)

    def __init__(
        self,
        data: dict,
        name: str,
        *,
        point: str = "null",
        style: str = "null",
        popup: str = "function () { return null; }",
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.data = json.dumps(_compact(data), ensure_ascii=False, separators=(",", ":"))
        self.point, self.style, self.popup = point, style, popup


# Point layers travel as columns (x, y and one array per property) and become GeoJSON in
# the browser: a household costs ~40 bytes instead of ~130.
EXPAND = """
function gridmapFeatures(d) {
    if (d.type === 'FeatureCollection') { return d; }
    var features = new Array(d.x.length), keys = Object.keys(d.p);
    for (var i = 0; i < d.x.length; i++) {
        var props = {};
        for (var k = 0; k < keys.length; k++) { props[keys[k]] = d.p[keys[k]][i]; }
        features[i] = {type: 'Feature', properties: props,
                       geometry: {type: 'Point', coordinates: [d.x[i], d.y[i]]}};
    }
    return {type: 'FeatureCollection', features: features};
}
"""


def _compact(data: dict) -> dict:
    """A FeatureCollection of points as columns; anything else unchanged."""
    features = data["features"]
    if not features or any(f["geometry"]["type"] != "Point" for f in features):
        return data
    keys = list(dict.fromkeys(k for f in features for k in f["properties"]))
    return {
        "x": [f["geometry"]["coordinates"][0] for f in features],
        "y": [f["geometry"]["coordinates"][1] for f in features],
        "p": {k: [f["properties"].get(k) for f in features] for k in keys},
    }


@dataclass
class MapSpec:
    title: str
    subtitle: str
    bounds: list[list[float]]
    basemap: str = "osm"
    layers: list[tuple[str, dict, dict[str, Any]]] = field(default_factory=list)
    station_colours: dict[str, str] = field(default_factory=dict)


GRID_STYLE = """function (f) {
    var r = f.properties.ratio;
    var c = r === null ? '#cccccc' : r >= 0.9 ? '#1a9641' : r >= 0.7 ? '#a6d96a'
          : r >= 0.5 ? '#fdae61' : '#d7191c';
    return {color: '#555', weight: 1, fillColor: c, fillOpacity: 0.25};
}"""
GRID_POPUP = """function (p) {
    return '<b>' + p.name + '</b><br>网格编码 ' + p.code + '<br>' + p.kind + '网格'
        + (p.worker ? '<br>网格员 ' + p.worker : '')
        + '<br>户数 households ' + p.households
        + '<br>15分钟全覆盖率 ' + (p.ratio === null ? '—' : (p.ratio * 100).toFixed(1) + '%');
}"""

AREA_STYLE = (
    "function (f) { return {color: '#2c7fb8', weight: 0.6, fillColor: '#2c7fb8', "
    "fillOpacity: 0.03}; }"
)
CIRCLE_STYLE = (
    "function (f) { return {color: '#636363', weight: 1, dashArray: '6 6', fill: false}; }"
)
AREA_POPUP = "function (p) { return p.station + '（' + p.kind + '）' + p.minutes + '分钟'; }"
HOUSEHOLD_POINT = (
    "function (f, ll) { return L.circleMarker(ll, {radius: 3, stroke: false, "
    "fillOpacity: 0.85, fillColor: " + json.dumps(COLOURS) + "[f.properties.c]}); }"
)
UNCOVERED_POINT = """function (f, ll) {
    return L.circleMarker(ll, {radius: 6, color: '#000', weight: 1.5, fill: false});
}"""
HOUSEHOLD_POPUP = "function (p) { return '户 ' + p.r + (p.u ? '（15分钟未覆盖）' : ''); }"
BUILDING_POINT = """function (f, ll) {
    var p = f.properties;
    return L.circleMarker(ll, {radius: 3 + Math.sqrt(p.households) / 2, weight: 1,
        color: p.uncovered > 0 ? '#000' : '#777', fillColor: '#9e9e9e', fillOpacity: 0.6});
}"""
BUILDING_POPUP = """function (p) {
    return '<b>' + p.name + '</b><br>户数 households ' + p.households + '<br>党员户 ' + p.red
        + '<br>出租/空关 ' + p.yellow + '<br>15分钟未覆盖 uncovered ' + p.uncovered;
}"""
STATION_POPUP = """function (p) {
    return '<b>' + p.name + '</b><br>' + p.kind + (p.address ? '<br>' + p.address : '')
        + (p.services ? '<br>服务 ' + p.services : '') + (p.hours ? '<br>开放 ' + p.hours : '')
        + '<br>服务户数 households served ' + p.households;
}"""
SITE_POINT = """function (f, ll) {
    return L.marker(ll, {icon: L.divIcon({className: 'gridmap-site',
        html: '<div style="background:#7b3294;color:#fff;border-radius:50%;width:22px;'
            + 'height:22px;line-height:22px;text-align:center;font-weight:bold">'
            + f.properties.rank + '</div>'})});
}"""
SITE_POPUP = (
    "function (p) { return '建议新站点 suggested site #' + p.rank + '<br>新增覆盖 '"
    " + p.added + ' 户<br>覆盖率 ' + (p.ratio * 100).toFixed(1) + '%'; }"
)


def outline(colour: str, weight: int) -> str:
    return f"function () {{ return {{color: '{colour}', weight: {weight}, fill: false}}; }}"


def station_point(colour: str) -> str:
    return f"""function (f, ll) {{
        return L.circleMarker(ll, {{radius: 7, color: '#fff', weight: 2, fillColor: '{colour}',
                                    fillOpacity: 0.95}});
    }}"""


def render(spec: MapSpec) -> str:
    """The map as one self-contained HTML page."""
    tiles, attribution = AMAP if spec.basemap == "amap" else OSM
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True)
    folium.TileLayer(
        tiles,
        attr=attribution,
        name="底图 basemap",
        subdomains="1234" if spec.basemap == "amap" else "abc",
    ).add_to(m)
    m.get_root().script.add_child(Element(EXPAND))
    for name, data, options in spec.layers:
        DataLayer(data, name, **options).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    Fullscreen(position="topleft").add_to(m)
    m.fit_bounds(spec.bounds)
    m.get_root().html.add_child(Element(_title(spec) + _legend(spec)))
    html = m.get_root().render()
    return self_contained(html)


def _title(spec: MapSpec) -> str:
    return f"""<div id="gridmap-title" style="position:fixed;top:10px;left:60px;z-index:1000;
        background:rgba(255,255,255,.92);padding:6px 12px;border-radius:6px;
        font:14px sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">
        <b>{spec.title}</b><br><span style="font-size:12px">{spec.subtitle}</span></div>"""


def _legend(spec: MapSpec) -> str:
    rows = "".join(
        f'<div><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:50%;background:{COLOURS[c]};margin-right:6px"></span>'
        f"{label}</div>"
        for c, label in LEGEND_ROWS
    )
    stations = "".join(
        f'<div><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:50%;background:{colour};margin-right:6px"></span>'
        f"{kind}</div>"
        for kind, colour in spec.station_colours.items()
    )
    coverage = "".join(
        f'<span style="display:inline-block;width:12px;height:10px;'
        f'background:{c};opacity:.6;margin-right:3px"></span>{t} '
        for c, t in (
            ("#1a9641", "≥90%"),
            ("#a6d96a", "≥70%"),
            ("#fdae61", "≥50%"),
            ("#d7191c", "<50%"),
        )
    )
    return f"""<div id="gridmap-legend" style="position:fixed;bottom:60px;left:10px;
        z-index:1000;background:rgba(255,255,255,.92);padding:8px 10px;border-radius:6px;
        font:12px sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:330px">
        <b>图例 Legend</b>
        <div style="margin-top:4px"><b>分级分色 households</b>{rows}
        <div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;
        border:1.5px solid #000;margin-right:6px"></span>15分钟未覆盖 uncovered</div></div>
        <div style="margin-top:4px"><b>服务阵地 stations</b>{stations}</div>
        <div style="margin-top:4px"><b>网格15分钟圈全部可达 grid coverage</b><br>{coverage}</div>
        <div style="margin-top:4px">灰色虚线 dashed: 直线距离圆 straight-line circle</div>
        <div style="margin-top:2px;color:#666">{date.today().isoformat()}</div></div>"""

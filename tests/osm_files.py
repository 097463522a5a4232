"""Small OpenStreetMap files the tests write themselves: ``.osm`` XML by hand, ``.osm.pbf``
through osmium's SimpleWriter."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import osmium


@dataclass
class OsmData:
    """Nodes (id → lon, lat) and ways (id, node ids, tags)."""

    nodes: dict[int, tuple[float, float]] = field(default_factory=dict)
    ways: list[tuple[int, list[int], dict[str, str]]] = field(default_factory=list)

    def node(self, node_id: int, lon: float, lat: float) -> None:
        self.nodes[node_id] = (lon, lat)

    def way(self, way_id: int, refs: list[int], **tags: str) -> None:
        self.ways.append((way_id, refs, tags))

    def write_xml(self, path: Path) -> Path:
        lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="test">']
        for i, (lon, lat) in sorted(self.nodes.items()):
            lines.append(f'  <node id="{i}" version="1" lat="{lat:.9f}" lon="{lon:.9f}"/>')
        for i, refs, tags in self.ways:
            lines.append(f'  <way id="{i}" version="1">')
            lines += [f'    <nd ref="{r}"/>' for r in refs]
            lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
            lines.append("  </way>")
        lines.append("</osm>")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def write_pbf(self, path: Path) -> Path:
        path.unlink(missing_ok=True)
        writer = osmium.SimpleWriter(str(path))
        try:
            for i, (lon, lat) in sorted(self.nodes.items()):
                writer.add_node(osmium.osm.mutable.Node(id=i, version=1, location=(lon, lat)))
            for i, refs, tags in self.ways:
                writer.add_way(osmium.osm.mutable.Way(id=i, version=1, nodes=refs, tags=tags))
        finally:
            writer.close()
        return path

"""Make a folium page self-contained: Leaflet and its plugins inlined from vendored copies,
the CDN libraries this project does not use (jQuery, Bootstrap, awesome-markers) dropped."""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

STATIC = Path(__file__).with_name("static")
SCRIPTS = {"leaflet.js": "leaflet.js", "Control.FullScreen.min.js": "Control.FullScreen.js"}
STYLES = {"leaflet.css": "leaflet.css", "Control.FullScreen.css": "Control.FullScreen.css"}
_SCRIPT = re.compile(r'<script src="(https?://[^"]+)"></script>\s*')
_STYLE = re.compile(r'<link rel="stylesheet" href="(https?://[^"]+)"\s*/?>\s*')


@cache
def _read(name: str) -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    for image in ("layers.png", "layers-2x.png", "icon-fullscreen.svg"):
        mime = "image/svg+xml" if image.endswith(".svg") else "image/png"
        data = base64.b64encode((STATIC / image).read_bytes()).decode()
        text = text.replace(f"images/{image}", f"data:{mime};base64,{data}")
        text = text.replace(f"'{image}'", f"'data:{mime};base64,{data}'")
    return text


def _inline(match: re.Match[str], table: dict[str, str], tag: str) -> str:
    url = match.group(1)
    name = next((local for suffix, local in table.items() if url.endswith(suffix)), None)
    if name is None:
        return ""  # a library the maps do not use
    return f"<{tag}>{_read(name)}</{tag}>\n"


def self_contained(html: str) -> str:
    """Inline every script and stylesheet the page needs; drop the rest."""
    html = _SCRIPT.sub(lambda m: _inline(m, SCRIPTS, "script"), html)
    return _STYLE.sub(lambda m: _inline(m, STYLES, "style"), html)

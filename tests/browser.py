"""Open a page in real headless Chromium and read back what it drew and what went wrong."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_CATCH = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  if (e.message) { window.__errors.push(e.message); } }, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__errors.push(String(e.reason)); });
</script>"""
_REPORT = """<script>
window.addEventListener('load', function () { setTimeout(function () {
  var layers = {};
  Object.keys(window.gridmapLayers || {}).forEach(function (k) {
    layers[k] = window.gridmapLayers[k].getLayers().length; });
  var controls = Array.prototype.map.call(
    document.querySelectorAll('.leaflet-control-layers-overlays label span'),
    function (s) { return s.textContent.trim(); });
  var pre = document.createElement('pre'); pre.id = 'gridmap-report';
  pre.textContent = JSON.stringify({errors: window.__errors, layers: layers,
    controls: controls, legend: !!document.getElementById('gridmap-legend'),
    title: (document.getElementById('gridmap-title') || {}).textContent || '',
    scale: !!document.querySelector('.leaflet-control-scale'),
    fullscreen: !!document.querySelector('.leaflet-control-zoom-fullscreen'),
    ms: performance.now()});
  document.body.appendChild(pre);
}, 0); });
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("Debian's chromium is not installed (make test installs it)")
    return found


def inspect(page: Path, budget_ms: int = 20000) -> dict:
    """Load ``page`` (instrumented copy) and return the report its scripts wrote."""
    html = page.read_text(encoding="utf-8")
    html = html.replace("<head>", "<head>" + _CATCH, 1).replace("</body>", _REPORT + "</body>")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "page.html"
        copy.write_text(html, encoding="utf-8")
        dom = subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={tmp}/profile",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                copy.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        ).stdout
    match = re.search(r'<pre id="gridmap-report">(.*?)</pre>', dom, flags=re.S)
    if not match:
        raise AssertionError("the page never finished loading: no report in the DOM")
    report = (
        match.group(1)
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
    )
    return json.loads(report)


def screenshot(page: Path, out: Path, size: str = "1280,860") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={tmp}/profile",
                f"--window-size={size}",
                "--virtual-time-budget=8000",
                f"--screenshot={out}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )

"""Open a generated offline map in headless Chromium (no network): no JavaScript error, every
layer drawn, injected names shown as text and never run, a non-blank screenshot.

Chromium is run as a plain subprocess (``--dump-dom`` and ``--screenshot``). A tiny script put
first in the page records uncaught errors and ``alert`` calls as attributes of ``<html>``,
which ``--dump-dom`` then shows. Outside CI a missing chromium skips; in CI (``CI`` set) it
fails, since ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geourb import maps

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="document.documentElement.setAttribute(\'data-pwned\',1)">'
HOOK = (
    "<script>(function(){var h=document.documentElement;"
    "window.addEventListener('error',function(e){"
    "h.setAttribute('data-jserrors',(h.getAttribute('data-jserrors')||'')+'|'+e.message);});"
    "window.alert=function(m){h.setAttribute('data-alerted',String(m));};})();</script>"
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                      else None)
        if path:
            return path
    msg = "headless chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def _run(chromium: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--window-size=1200,800",
           "--virtual-time-budget=5000", *args]
    return subprocess.run(cmd, capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def offline_map(counties, shared_file, tmp_path_factory) -> tuple[Path, Path]:
    """An offline map with every layer kind, names injected; plus a copy with the error hook."""
    anhui = counties[counties["province"] == "安徽省"].copy()
    anhui.loc[anhui.index[0], "name"] = XSS
    regions = anhui.dissolve("prefecture").reset_index()[["prefecture", "geometry"]]
    regions = regions.rename(columns={"prefecture": "name"})
    regions.loc[0, "name"] = XSS
    regions.loc[1, "name"] = XSS_IMG
    center = shapely.Point(117.23, 31.82)
    bands = gpd.GeoDataFrame({"band_min": [30, 60]}, crs="EPSG:4326",
                             geometry=[center.buffer(0.3), center.buffer(0.6)])
    zones = pd.read_csv(shared_file("parks/development_zones_2018.csv"))
    zones = zones[zones["省份"] == "安徽省"].dropna(subset=["经度_WGS84"]).copy()
    zones.loc[zones.index[0], "开发区名称"] = XSS_IMG
    zones = gpd.GeoDataFrame(zones, crs="EPSG:4326",
                             geometry=gpd.points_from_xy(zones["经度_WGS84"], zones["纬度_WGS84"]))
    stations = gpd.read_file(shared_file("rail/hsr_stations.json")).rename(columns={"车站": "name"})
    lines = pd.concat([gpd.read_file(f) for f in sorted(shared_file("rail/hsr_lines").glob("*.json"))])
    minx, miny, maxx, maxy = anhui.total_bounds  # keep the view on Anhui
    stations, zones = stations.cx[minx:maxx, miny:maxy], zones.cx[minx:maxx, miny:maxy]
    lines = lines.clip((minx, miny, maxx, maxy))
    assert len(lines) and len(stations) and len(zones)
    m = maps.make_map(
        maps.choropleth(anhui, "area_km2", unit="km²"), maps.region_outlines(regions),
        maps.isochrone_bands(bands), maps.parks(zones), maps.rail(stations, lines),
        maps.seats(anhui), title=XSS,
    )
    folder = tmp_path_factory.mktemp("browser")
    path = maps.save_map(m, folder / "anhui.html", offline=True)
    page = path.read_text(encoding="utf-8")
    hooked = folder / "anhui_hooked.html"
    hooked.write_text(page.replace("<head>", "<head>" + HOOK, 1), encoding="utf-8")
    return path, hooked


def test_map_runs_without_errors_and_draws_layers(offline_map, tmp_path):
    chromium = _chromium()
    _, hooked = offline_map
    result = _run(chromium, tmp_path, "--dump-dom", hooked.as_uri())
    dom = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    html_tag = re.search(r"<html[^>]*>", dom).group(0)
    assert "data-jserrors" not in html_tag, html_tag
    assert "data-alerted" not in html_tag and "data-pwned" not in html_tag, html_tag
    assert "leaflet-overlay-pane" in dom and "leaflet-marker-pane" in dom
    assert dom.count("<path") > 100  # counties, regions, bands, rail, clusters' points
    assert "marker-cluster" in dom  # parks clustered
    assert "leaflet-control-layers-overlays" in dom
    assert dom.count("geourb-legend") >= 2  # choropleth and isochrone legends
    # injected names are shown as text, not parsed as elements
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=" in dom
    assert not re.search(r"<img[^>]*onerror", dom)


def test_screenshot_is_not_blank(offline_map, tmp_path):
    chromium = _chromium()
    from PIL import Image

    path, _ = offline_map
    shot = tmp_path / "map.png"
    result = _run(chromium, tmp_path, f"--screenshot={shot}", path.as_uri())
    assert shot.exists(), result.stderr.decode("utf-8", "replace")[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 800)
    colors = img.getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 20  # polygons in several classes, not blank
    top_share = max(n for n, _ in colors) / (img.size[0] * img.size[1])
    assert top_share < 0.9

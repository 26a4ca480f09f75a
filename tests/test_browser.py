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


# --------------------------------------------------------------------------------------------
# issue #14: AMap (GCJ-02) mode and the offline report

NO_NET = "--host-resolver-rules=MAP * ~NOTFOUND"  # nothing leaves the machine (no tile fetched)
PROBE = """<script>window.addEventListener('load', function() { setTimeout(function() {
  var h = document.documentElement, out = [];
  Object.keys(window).forEach(function(k) {
    var m = window[k];
    if (k.indexOf('map_') === 0 && m && m.eachLayer) {
      m.eachLayer(function(l) { if (l.getLatLng && l.options.radius) { out.push(l.getLatLng()); } });
    }
  });
  h.setAttribute('data-latlngs', JSON.stringify(out));
}, 500); });</script>"""


def test_amap_mode_draws_gcj02_offset_in_chromium(tmp_path):
    from geourb.coords import wgs84_to_gcj02

    chromium = _chromium()
    lon, lat = 116.39128, 39.90622  # synthetic park at Tiananmen, WGS84
    pts = gpd.GeoDataFrame({"name": ["天安门"]}, geometry=[shapely.Point(lon, lat)], crs=4326)
    for tiles, expected in (("amap", wgs84_to_gcj02(lon, lat)), (None, (lon, lat))):
        m = maps.make_map(maps.parks(pts, cluster=False), tiles=tiles)
        path = maps.save_map(m, tmp_path / f"amap_{tiles}.html")
        page = path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>")
        path.write_text(page, encoding="utf-8")
        result = _run(chromium, tmp_path, NO_NET, "--dump-dom", path.as_uri())
        dom = result.stdout.decode("utf-8", "replace")
        found = re.search(r"data-latlngs=\"([^\"]*)\"", dom)
        assert found, dom[:500]
        import html
        import json

        points = json.loads(html.unescape(found.group(1)))
        assert len(points) == 1
        assert abs(points[0]["lng"] - float(expected[0])) < 1e-6
        assert abs(points[0]["lat"] - float(expected[1])) < 1e-6
    shift_m = (abs(float(wgs84_to_gcj02(lon, lat)[0]) - lon) * 85_400
               + abs(float(wgs84_to_gcj02(lon, lat)[1]) - lat) * 111_000)
    assert 400 < shift_m < 1200  # the GCJ-02 offset in Beijing is ~500-700 m


REPORT_PROBE = """<script>(function(){var h=document.documentElement;
window.addEventListener('error',function(e){
  h.setAttribute('data-jserrors',(h.getAttribute('data-jserrors')||'')+'|'+e.message);});
window.addEventListener('load', function() { setTimeout(function() {
  var imgs = [].slice.call(document.querySelectorAll('img.figure'));
  h.setAttribute('data-figures', imgs.length);
  h.setAttribute('data-drawn', imgs.filter(function(i) {
    return i.complete && i.naturalWidth > 300; }).length);
  var names = performance.getEntriesByType('resource').map(function(e) { return e.name; });
  var f = document.querySelector('iframe');
  try {
    var w = f.contentWindow;
    names = names.concat(w.performance.getEntriesByType('resource').map(function(e) {
      return e.name; }));
    h.setAttribute('data-map-paths', f.contentDocument.querySelectorAll('path').length);
    h.setAttribute('data-map-labels', f.contentDocument.documentElement.getAttribute(
      'data-geourb-labels') || '0');
  } catch (err) { h.setAttribute('data-iframe-error', err.message); }
  h.setAttribute('data-remote', names.filter(function(n) {
    return n.indexOf('data:') !== 0; }).join(' '));
}, 2500); });})();</script>"""


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> Path:
    from geourb.report import report

    folder = tmp_path_factory.mktemp("report")
    return report(province="安徽", out=folder / "report.html", metro=False)


def test_report_offline_in_chromium(report_page, tmp_path):
    chromium = _chromium()
    page = report_page.read_text(encoding="utf-8")
    hooked = tmp_path / "report_hooked.html"
    hooked.write_text(page.replace("<head>", "<head>" + REPORT_PROBE, 1), encoding="utf-8")
    result = _run(chromium, tmp_path, NO_NET, "--enable-logging=stderr", "--v=0",
                  "--dump-dom", hooked.as_uri())
    dom = result.stdout.decode("utf-8", "replace")
    log = result.stderr.decode("utf-8", "replace")
    tag = re.search(r"<html[^>]*>", dom).group(0)
    assert "data-jserrors" not in tag and "data-iframe-error" not in tag, tag
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console
    assert 'data-remote=""' in tag, tag  # no network request, in the page or the map
    figures = int(re.search(r'data-figures="(\d+)"', tag).group(1))
    assert figures == 3 and f'data-drawn="{figures}"' in tag  # every figure drawn
    assert int(re.search(r'data-map-paths="(\d+)"', tag).group(1)) > 100  # map drawn
    assert int(re.search(r'data-map-labels="(\d+)"', tag).group(1)) >= 3  # labels placed
    shot = tmp_path / "report.png"
    _run(chromium, tmp_path, NO_NET, f"--screenshot={shot}", report_page.as_uri())
    assert shot.exists()

"""Benchmark: the national county map (all ~2,875 counties with a score and tooltips).

Ours: ``geourb.maps.choropleth`` (coverage simplification in CHINA_ALBERS, coordinates rounded
to 5 decimals, compact per-feature tooltips) + offline HTML with inlined Leaflet.
Baseline: a plain ``folium.GeoJson`` of the same counties, unsimplified and unrounded, with a
``GeoJsonTooltip`` of name and score (CDN assets, as folium writes it by default).

Prints file sizes, build times and their ratios, and the load time of each page in headless
chromium when it is installed (wall time of ``chromium --dump-dom``, minus the time to load an
empty page). Run: ``python benchmarks/bench_maps.py [--provinces 安徽 江苏]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import folium
import numpy as np


def _chromium_seconds(chromium: str, url: str, workdir: Path) -> float:
    profile = Path(tempfile.mkdtemp(dir=workdir))
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--window-size=1200,800", "--dump-dom", url]
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, timeout=600, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", nargs="*", help="limit to these provinces (default: all)")
    args = parser.parse_args()

    from geourb import maps
    from geourb.counties import load_counties

    counties = load_counties(province=args.provinces or None)
    counties = counties.assign(score=np.linspace(0, 100, len(counties)).round(2))
    work = Path(tempfile.mkdtemp(prefix="bench_maps_"))
    print(f"{len(counties)} counties; output in {work}")

    start = time.perf_counter()
    layer = maps.choropleth(counties, "score", label="得分",
                            tooltip_columns={"prefecture": "地市", "province": "省份"})
    # tiles=None: the same layer as the baseline (the default context basemap adds ~0.3 MB)
    ours_path = maps.save_map(maps.make_map(layer, tiles=None), work / "ours.html", offline=True)
    ours_s = time.perf_counter() - start
    ours_mb = ours_path.stat().st_size / 1e6

    start = time.perf_counter()
    base = folium.Map(location=[35, 105], zoom_start=4, tiles=None)
    folium.GeoJson(
        counties[["name", "prefecture", "province", "score", "geometry"]],
        tooltip=folium.GeoJsonTooltip(fields=["name", "prefecture", "province", "score"]),
    ).add_to(base)
    base_path = work / "baseline.html"
    base.save(str(base_path))
    base_s = time.perf_counter() - start
    base_mb = base_path.stat().st_size / 1e6

    print(f"ours:     {ours_mb:8.2f} MB  build {ours_s:6.2f} s  (offline, assets inlined)")
    print(f"baseline: {base_mb:8.2f} MB  build {base_s:6.2f} s  (raw folium.GeoJson, CDN assets)")
    print(f"size ratio baseline/ours: {base_mb / ours_mb:.1f}x; "
          f"build-time ratio baseline/ours: {base_s / ours_s:.2f}x")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not installed: load time not measured")
        return
    empty = work / "empty.html"
    empty.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    idle = min(_chromium_seconds(chromium, empty.as_uri(), work) for _ in range(2))
    ours_load = _chromium_seconds(chromium, ours_path.as_uri(), work) - idle
    base_load = _chromium_seconds(chromium, base_path.as_uri(), work) - idle
    print(f"chromium load (minus {idle:.2f} s startup): ours {ours_load:.2f} s, "
          f"baseline {base_load:.2f} s (its CDN scripts fail offline, so it draws nothing), "
          f"ratio {base_load / max(ours_load, 1e-3):.1f}x")


if __name__ == "__main__":
    main()

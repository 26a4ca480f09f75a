"""County layer: cold build vs warm (GeoParquet cache) load, and the census join.

Baseline in the same process: reading every county GeoJSON with geopandas.read_file one by one
(the naive way) for a 300-county sample, scaled to all units.

Run: python benchmarks/bench_counties.py
"""

from __future__ import annotations

import tempfile
import time

import geopandas as gpd
import pandas as pd

from geourb import settings
from geourb.counties import _cached_layer, _index, load_counties
from geourb.stats import join_statistics, read_census_2020


def main() -> None:
    settings.progress = False
    with tempfile.TemporaryDirectory() as tmp, settings.context(cache_dir=tmp):
        _cached_layer.cache_clear()
        t = time.perf_counter()
        layer = load_counties()
        cold = time.perf_counter() - t
        _cached_layer.cache_clear()
        t = time.perf_counter()
        load_counties()
        warm = time.perf_counter() - t
    idx = _index("county").head(300)
    t = time.perf_counter()
    pd.concat([gpd.read_file(f) for f in idx["file"]])
    naive = (time.perf_counter() - t) * len(layer) / len(idx)
    print(f"counties: {len(layer)}")
    print(f"cold build (read+GCJ-02->WGS84+areas+seats+cache): {cold:6.2f} s")
    print(f"warm load (GeoParquet cache):                      {warm:6.2f} s")
    print(f"naive per-file geopandas.read_file (extrapolated): {naive:6.2f} s")
    print(f"ratio naive / cold build: {naive / cold:5.1f}x; cold / warm: {cold / warm:5.1f}x")
    try:
        t = time.perf_counter()
        census = read_census_2020()
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        join_statistics(layer, census)
        join_s = time.perf_counter() - t
        print(f"census read: {read_s:.2f} s; join with crosswalk/zones/report: {join_s:.2f} s")
    except Exception as exc:  # the census needs GEOURB_MIRROR or data/raw
        print(f"census join skipped: {exc}")


if __name__ == "__main__":
    main()

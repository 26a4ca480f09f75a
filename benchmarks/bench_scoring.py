"""Benchmark: scoring + delineation of all ~2,875 counties after the layers are loaded.

Ours: vectorised indicators and scoring, vectorised vertex/edge contiguity
(:mod:`geourb.contiguity`), Gi* hot spots, smoothed gap, connected components split by spopt
WardSpatial, ranking with 200 Monte Carlo draws. Baselines in the same process: libpysal
``Graph.build_contiguity`` (queen and rook) for the weights, and spopt max-p (MaxPHeuristic)
instead of Ward for splitting the large components. Run: ``python benchmarks/bench_scoring.py``.
"""

from __future__ import annotations

import time
import warnings

warnings.filterwarnings("ignore")


def main() -> None:
    from libpysal.graph import Graph

    from geourb.contiguity import contiguity_matrix
    from geourb.counties import load_counties
    from geourb.indicators import county_indicators
    from geourb.regions import delineate_regions
    from geourb.scoring import score_counties
    from geourb.settings import settings
    from geourb.stats import join_statistics, read_census_2020

    settings.progress = False
    layer, _ = join_statistics(load_counties(), read_census_2020())
    print(f"{len(layer)} counties loaded")

    t0 = time.perf_counter()
    ind = county_indicators(layer)
    res = score_counties(ind)
    t1 = time.perf_counter()
    d = delineate_regions(layer, res.table)
    t2 = time.perf_counter()
    ours = t2 - t0
    print(f"ours: indicators+scoring (200 sensitivity draws) {t1 - t0:.2f} s, delineation {t2 - t1:.2f} s, "
          f"total {ours:.2f} s -> {len(d.regions)} regions (target < 5 s)")

    for kind in ("queen", "rook"):
        t = time.perf_counter()
        ours_m = contiguity_matrix(layer, kind=kind)
        t_ours_w = time.perf_counter() - t
        t = time.perf_counter()
        ref = Graph.build_contiguity(layer, rook=kind == "rook")
        t_lib_w = time.perf_counter() - t
        same = Graph.from_sparse(ours_m, ids=layer.index.to_numpy()).equals(ref)
        print(f"{kind} contiguity: ours {t_ours_w:.2f} s, libpysal Graph.build_contiguity {t_lib_w:.2f} s, "
              f"ratio {t_lib_w / t_ours_w:.1f}x, identical neighbours: {same}")

    # spopt max-p as the splitting method is far slower (minutes on a whole province): compare
    # on the counties of four 皖北 prefectures
    sub = layer[layer["prefecture"].isin(["阜阳市", "亳州市", "宿州市", "淮北市"])]
    t = time.perf_counter()
    small = {"max_region_pop": 6_000_000, "max_region_counties": 8, "maxp_floor_pop": 3_000_000,
             "min_region_pop": 1_000_000}  # force splits
    dw = delineate_regions(sub, res.table.loc[sub.index], **small)
    t_ward = time.perf_counter() - t
    t = time.perf_counter()
    d2 = delineate_regions(sub, res.table.loc[sub.index], split_method="maxp", **small)
    t_maxp = time.perf_counter() - t
    print(f"delineation of 皖北 ({len(sub)} counties): ours (ward split) {t_ward:.2f} s "
          f"({len(dw.regions)} regions), spopt max-p split {t_maxp:.2f} s ({len(d2.regions)} regions), "
          f"ratio {t_maxp / t_ward:.1f}x")


if __name__ == "__main__":
    main()

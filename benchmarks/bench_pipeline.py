"""Benchmark: ``geourb regions`` (scoring + delineation) on all China, cold vs warm joined-layer cache.

Three runs of :func:`geourb.workflows.potential_regions` with the default config
(``configs/score_default.toml``) in the same process:

- uncached: the joined county layer is built (census read + join) and not cached (the baseline,
  after an untimed warm-up run that pays the imports);
- cold: built and written to an empty cache folder;
- warm: read from that cache (GeoParquet), then indicators, scoring and delineation.

Targets (issue #12): cold <= 8 s, warm <= 3 s. The county polygon layer itself comes from its own
GeoParquet cache in every run (first build excluded). Run: ``python benchmarks/bench_pipeline.py``.
On a shared machine read the ratios, not the seconds.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
CONFIG = Path(__file__).resolve().parents[1] / "configs" / "score_default.toml"


def main() -> None:
    import logging

    from geourb.counties import load_counties
    from geourb.settings import settings
    from geourb.workflows import joined_counties, load_config, potential_regions

    logging.getLogger("geourb").setLevel(logging.ERROR)
    settings.progress = False
    load_counties()  # the polygon cache exists before timing (its first build is a one-off)
    cfg = load_config(CONFIG)
    t = time.perf_counter()
    potential_regions(cfg, cache=False)  # warm-up: imports (sklearn, spopt, esda ...) and first calls
    print(f" warm-up: {time.perf_counter() - t:6.2f} s wall (imports and first calls; not compared)")
    with tempfile.TemporaryDirectory() as tmp:
        times = {}
        for label, cache in (("uncached", False), ("cold", tmp), ("warm", tmp)):
            t = time.perf_counter()
            cpu = time.process_time()
            result = potential_regions(cfg, cache=cache)
            times[label] = (time.perf_counter() - t, time.process_time() - cpu)
            assert result.joined.from_cache == (label == "warm"), label
            print(f"{label:>8}: {times[label][0]:6.2f} s wall, {times[label][1]:6.2f} s CPU -> "
                  f"{len(result.delineation.regions)} regions")
        t = time.perf_counter()
        joined_counties(cfg.input, cache=tmp)
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        joined_counties(cfg.input, cache=False)
        t_build = time.perf_counter() - t
    base = times["uncached"][0]
    print(f"joined layer: build {t_build:.2f} s, read from cache {t_read:.2f} s ({t_build / t_read:.1f}x)")
    print(f"cold / uncached: {times['cold'][0] / base:.2f}; warm / uncached: {times['warm'][0] / base:.2f} "
          f"({base / times['warm'][0]:.1f}x faster); targets: cold <= 8 s, warm <= 3 s "
          f"({'met' if times['cold'][0] <= 8 and times['warm'][0] <= 3 else 'NOT met'} on this machine, "
          "wall time)")


if __name__ == "__main__":
    main()

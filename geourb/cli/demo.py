"""``geourb demo``: the main job, end to end on the embedded data (no download needed)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geourb._log import logger
from geourb.cli._common import out


def run_demo(*, out_dir: Path, maps_dir: Path) -> dict[str, Path]:
    """Run the demo spine and return the files written."""
    from geourb._errors import DataFileNotFoundError, OfflineError
    from geourb._io import write_layer, write_table
    from geourb.counties import load_counties
    from geourb.stats import join_statistics, read_census_2020

    written: dict[str, Path] = {}
    t0 = time.perf_counter()
    layer = load_counties()
    out(f"[1] county layer: {len(layer)} county-level units ({time.perf_counter() - t0:.1f} s)")
    try:
        census = read_census_2020()
    except (DataFileNotFoundError, OfflineError) as exc:
        out(f"[2] census 2020 not available ({exc}); continuing with boundaries only")
        census = None
    if census is not None:
        layer, report = join_statistics(layer, census)
        rate = layer["pop_urban"].sum() / layer["pop_total"].sum()
        out(f"[2] census 2020 joined: {report.summary()}")
        out(f"    national urbanization rate from the joined layer: {rate:.2%}")
        written["join_report"] = write_table(report.to_frame(), out_dir / "census_join_report.csv")
    written["counties"] = write_layer(layer, out_dir / "counties_2020.parquet")
    written["counties_csv"] = write_table(layer, out_dir / "counties_2020.csv")
    for stage in _STAGES:
        try:
            written.update(stage(layer, out_dir=out_dir, maps_dir=maps_dir))
        except ImportError as exc:  # a stage whose module is not installed
            logger.info("demo stage %s skipped: %s", stage.__name__, exc)
    return written


_STAGES: list = []


def _demo(args: argparse.Namespace) -> int:
    from geourb.settings import settings

    out_dir = Path(args.out_dir or settings.processed_dir)
    maps_dir = Path(args.maps_dir or settings.maps_dir)
    written = run_demo(out_dir=out_dir, maps_dir=maps_dir)
    out("written:")
    for key, path in written.items():
        out(f"  {key}: {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command."""
    p = sub.add_parser("demo", help="run the main job end to end on the built-in data")
    p.add_argument("--out-dir", help="output folder (default data/processed)")
    p.add_argument("--maps-dir", help="maps folder (default maps)")
    p.set_defaults(func=_demo)

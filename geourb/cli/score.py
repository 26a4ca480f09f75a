"""``geourb score`` and ``geourb regions``: batch potential-region scoring and delineation.

Both run :func:`geourb.workflows.potential_regions` and :func:`geourb.workflows.write_outputs`.
The config file (TOML) has the tables ``[input]``, ``[scoring]``, ``[regions]`` and ``[output]``;
unknown tables and keys, and values of the wrong type, are refused before any data loads (see
:mod:`geourb.workflows`).

Outputs (``prefix`` first), in ``--out-dir``:

- ``geourb score``: ``county_scores.csv`` + ``county_scores.<format>`` (layer),
  ``score_weights.csv``, ``settlement_tiers.csv`` + ``settlement_tiers.<format>``
  (prefecture polygons, for a tier map);
- ``geourb regions``: ``county_regions.csv`` + ``county_regions.<format>``,
  ``potential_regions.csv`` + ``potential_regions.<format>`` (one dissolved polygon per
  region), ``region_presets.csv``, ``score_weights.csv`` and any further table of the
  delineation (``scattered_counties.csv`` for the scattered tier).

CSV outputs are sorted by adcode (regions by id), integral columns (counts, ranks,
populations) are written as integers and the others with ``%.6f``; layers are written with a
fixed timestamp, so the same input gives byte-identical files.
"""

from __future__ import annotations

import argparse
from typing import Any

from geourb.cli._common import out


def _run(args: argparse.Namespace, *, delineate: bool) -> int:
    from geourb._io import ensure_writable_dir
    from geourb.workflows import load_config, potential_regions, write_outputs

    cfg = load_config(args.config)  # every table, key and type checked before any data loads
    ensure_writable_dir(args.out_dir)  # and the output folder
    result = potential_regions(cfg, province=args.province, delineate=delineate, tiers=not delineate,
                               cache=not args.no_cache)
    written = write_outputs(result, args.out_dir)
    out(result.summary())
    for path in written.values():
        out(f"wrote {path}")
    return 0


def _score(args: argparse.Namespace) -> int:
    return _run(args, delineate=False)


def _regions(args: argparse.Namespace) -> int:
    return _run(args, delineate=True)


def register(subparsers: Any) -> None:
    """Add ``geourb score`` and ``geourb regions``."""
    for name, func, text in (
        ("score", _score, "score every county (indicators, weights, classes, sensitivity) + settlement tiers"),
        ("regions", _regions, "score and delineate contiguous potential regions, with names and presets"),
    ):
        p = subparsers.add_parser(name, help=text, description=text)
        p.add_argument("--config", required=True, help="TOML config (see configs/score_default.toml)")
        p.add_argument("--province", help="only this province (安徽, 皖, Anhui or 34)")
        p.add_argument("--out-dir", default="data/processed", help="output folder (default data/processed)")
        p.add_argument("--no-cache", action="store_true",
                       help="rebuild the joined county layer instead of reading its cache")
        p.set_defaults(func=func)

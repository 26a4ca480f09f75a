"""``geourb report``: one self-contained offline HTML report of the potential regions."""

from __future__ import annotations

import argparse

from geourb.cli._common import out


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` command."""
    p = subparsers.add_parser(
        "report",
        help="write a self-contained offline HTML report: parameters, sources, method, ranked "
             "regions with fact sheets, figures, interactive map, approximate metro circles",
    )
    p.add_argument("--config", default=None,
                   help="TOML config as for 'geourb regions' (default: the built-in defaults)")
    p.add_argument("--province", default=None,
                   help="limit the report to a province (安徽, 皖, Anhui or 34; default all of China)")
    p.add_argument("--out", default="reports/potential_regions.html",
                   help="output .html (default reports/potential_regions.html)")
    p.add_argument("--title", default=None, help="page title")
    p.add_argument("--no-metro", action="store_true",
                   help="leave out the 1-hour circles of the metropolitan cores")
    p.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geourb._errors import InvalidValueError
    from geourb.report import report

    if not str(args.out).lower().endswith(".html"):
        raise InvalidValueError(f"--out {args.out!r}: the report is an .html file.")
    path = report(args.config, out=Path(args.out), province=args.province, metro=not args.no_metro,
                  title=args.title)
    out(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0

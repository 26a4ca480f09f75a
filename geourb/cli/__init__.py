"""Command-line interface: ``geourb <command> ...``.

Each module in this package that defines ``register(subparsers)`` adds its commands, so a
topic's CLI lives beside no other topic's. Errors derived from :class:`GeourbError` are printed
as one clear line (exit code 2); ``--verbose`` shows the log.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from geourb._errors import GeourbError


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command module registered."""
    parser = argparse.ArgumentParser(prog="geourb", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geourb`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    from geourb.settings import settings

    if args.no_progress:
        settings.progress = False
    try:
        return int(args.func(args) or 0)
    except GeourbError as exc:
        sys.stderr.write(f"geourb: error: {exc}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

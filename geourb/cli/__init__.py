"""Command-line interface: ``geourb <command> ...``.

Each module in this package that defines ``register(subparsers)`` adds its commands, so a
topic's CLI lives beside no other topic's. Every error ends the command with one clear line on
stderr and exit code 2: a :class:`GeourbError` prints its message, anything else
``geourb: internal error: <type>: <message>``; ``--debug`` shows the traceback instead, and
Ctrl-C exits with 130. ``--verbose`` shows the log.
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
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geourb`` command; returns the exit code (0, 2 on error, 130 on Ctrl-C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    from geourb.settings import settings

    try:
        if args.no_progress:
            settings.progress = False
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        if args.debug:
            raise
        sys.stderr.write("geourb: interrupted\n")
        return 130
    except GeourbError as exc:
        if args.debug:
            raise
        sys.stderr.write(f"geourb: error: {_one_line(str(exc))}\n")
        return 2
    except Exception as exc:  # every other error: one line, no traceback (unless --debug)
        if args.debug:
            raise
        sys.stderr.write(f"geourb: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                         "(run with --debug for the traceback)\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

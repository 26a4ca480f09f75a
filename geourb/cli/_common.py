"""Helpers shared by the CLI command modules (output to stdout, config loading)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def out(text: str) -> None:
    """Write a line of command output to stdout (the library itself only logs)."""
    sys.stdout.write(text + "\n")


def read_config(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file, with errors naming the file."""
    from geourb._config import read_toml

    return read_toml(path, what="Config file")

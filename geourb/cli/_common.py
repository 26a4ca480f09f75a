"""Helpers shared by the CLI command modules (output to stdout, config loading)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from geourb._errors import DataFileNotFoundError, SettingsError


def out(text: str) -> None:
    """Write a line of command output to stdout (the library itself only logs)."""
    sys.stdout.write(text + "\n")


def read_config(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file, with errors naming the file."""
    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"Config file {path} does not exist.")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}") from exc

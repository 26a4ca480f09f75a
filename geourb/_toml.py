"""Reading TOML files with one error handling: the file is named, and so is its role."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from geourb._errors import DataFileNotFoundError, SettingsError


def read_toml(path: str | os.PathLike[str], *, what: str) -> dict[str, Any]:
    r"""Read a TOML file into a dict, raising geourb errors that name the file and its role.

    Parameters
    ----------
    path
        The TOML file.
    what
        What the file is, for messages: ``"Config file"``, ``"Preset file"``, ``"Settings file"``.

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    DataFileNotFoundError
        ``path`` does not exist or is a folder.
    SettingsError
        The file is not UTF-8 or not valid TOML (the parser's line and column are given).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "c.toml"
    ...     _ = p.write_text('[scoring]\nweights = "equal"\n', encoding="utf-8")
    ...     read_toml(p, what="Config file")
    {'scoring': {'weights': 'equal'}}
    """
    p = Path(path)
    if p.is_dir():
        raise DataFileNotFoundError(f"{what} {p} is a folder, not a TOML file.")
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileNotFoundError(f"{what} {p} does not exist.") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{what} {p} is not UTF-8 text ({exc.reason} at byte {exc.start}): "
                            "save it as UTF-8.") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{what} {p} is not valid TOML: {exc}") from exc

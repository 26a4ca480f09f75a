"""Registry of public data sources: look in mirrors, then ``data/raw``, then download (checked).

Examples
--------
>>> "census_2020" in list_sources()["name"].tolist()
True
"""

from __future__ import annotations

import hashlib
import os
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from geourb._errors import (
    ChecksumError,
    DataFileNotFoundError,
    OfflineError,
    UnknownNameError,
    suggest,
)
from geourb._io import atomic_path
from geourb._log import logger
from geourb.settings import settings


@dataclass(frozen=True)
class Source:
    """A registered public data source."""

    name: str
    title: str
    url: str
    sha256: str
    filename: str
    mirror_path: str
    licence: str
    citation: str


@cache
def _registry() -> dict[str, Source]:
    text = resources.files("geourb").joinpath("data/sources.toml").read_text(encoding="utf-8")
    return {name: Source(name=name, **entry) for name, entry in tomllib.loads(text).items()}


def get_source(name: str) -> Source:
    """Return the registered source ``name`` or raise :class:`UnknownNameError`.

    Parameters
    ----------
    name
        A source name of ``geourb/data/sources.toml``.

    Returns
    -------
    Source
        Its registry entry (title, url, sha256, licence, citation, file names).

    Raises
    ------
    UnknownNameError
        An unknown name (the message lists the known ones and the closest matches).
    """
    reg = _registry()
    if name not in reg:
        raise UnknownNameError(
            f"No registered data source {name!r}; known: {', '.join(sorted(reg))}." + suggest(name, reg)
        )
    return reg[name]


def list_sources() -> pd.DataFrame:
    """Return the registry as a table.

    Returns
    -------
    pandas.DataFrame
        One row per source: ``name``, ``title``, ``licence``, ``url``, ``sha256``, ``citation``
        and ``local_path`` (None when not found in the mirrors or the data directory).
    """
    rows = []
    for src in _registry().values():
        local = _find_local(src)
        rows.append({"name": src.name, "title": src.title, "licence": src.licence, "url": src.url,
                     "sha256": src.sha256, "citation": src.citation,
                     "local_path": str(local) if local else None})
    return pd.DataFrame(rows)


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file.

    Parameters
    ----------
    path
        The file (read in blocks of 1 MiB).

    Returns
    -------
    str
        The hex digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _candidates(src: Source) -> list[Path]:
    paths = [Path(m) / src.mirror_path for m in settings.mirror_dirs]
    paths += [Path(m) / src.filename for m in settings.mirror_dirs]
    paths.append(Path(settings.data_dir) / src.filename)
    return paths


def _find_local(src: Source) -> Path | None:
    return next((p for p in _candidates(src) if p.is_file()), None)


def _verify(path: Path, src: Source) -> Path:
    digest = sha256_file(path)
    if digest != src.sha256:
        raise ChecksumError(
            f"{path} does not match the registered checksum of {src.name!r} (sha256 {digest}, "
            f"expected {src.sha256}). Delete it and fetch again, or pass the file's path explicitly "
            "if you trust this version."
        )
    return path


def fetch(name: str, *, timeout_s: float = 60.0) -> Path:
    """Return a local path to source ``name``, downloading it into ``settings.data_dir`` if needed.

    Mirrors (``settings.mirror_dirs``) are searched first, then ``settings.data_dir``. The file's
    sha256 is verified. Offline (``settings.offline``, or no connection) a clear
    :class:`OfflineError` says what to download and where to put it.

    Parameters
    ----------
    name
        A registered source name.
    timeout_s
        Download timeout in seconds.

    Returns
    -------
    pathlib.Path
        The verified local file.

    Raises
    ------
    UnknownNameError
        An unknown source name.
    OfflineError
        Not available locally and offline mode is on, or the download failed.
    ChecksumError
        The local or downloaded file does not match the registered sha256.
    """
    src = get_source(name)
    local = _find_local(src)
    if local is not None:
        logger.info("using %s for %s", local, name)
        return _verify(local, src)
    target = Path(settings.data_dir) / src.filename
    how = (f"Download {src.url} and save it as {target}, or set GEOURB_MIRROR to a folder "
           f"holding {src.mirror_path}.")
    if settings.offline:
        raise OfflineError(f"Source {name!r} is not available locally and offline mode is on. {how}")
    logger.info("downloading %s from %s", name, src.url)
    try:
        with urllib.request.urlopen(src.url, timeout=timeout_s) as resp:
            data = resp.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OfflineError(f"Could not download {name!r} ({exc}). {how}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != src.sha256:
        raise ChecksumError(
            f"Download of {name!r} from {src.url} has sha256 {digest}, expected {src.sha256}; "
            "the upstream file changed. Nothing was saved."
        )
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def resolve(path_or_name: str | os.PathLike[str] | None, default: str) -> Path:
    """Return ``path_or_name`` as a path if it is a file, else fetch registered ``default``/name.

    Parameters
    ----------
    path_or_name
        A file path, a registered source name, or None for ``default``.
    default
        The registered source used when ``path_or_name`` is None.

    Returns
    -------
    pathlib.Path
        The file (a registered source is fetched and verified by :func:`fetch`).

    Raises
    ------
    DataFileNotFoundError
        Neither an existing file nor a registered source name.
    """
    if path_or_name is None:
        return fetch(default)
    text = str(path_or_name)
    if text in _registry():
        return fetch(text)
    path = Path(path_or_name)
    if not path.exists():
        raise DataFileNotFoundError(
            f"{path} does not exist, and it is not a registered source name "
            f"({', '.join(sorted(_registry()))}). Check the path."
        )
    return path

"""Exception hierarchy.

Every error geourb raises derives from :class:`GeourbError` *and* from the matching built-in,
so ``except ValueError`` keeps working for callers who do not know geourb (r5py style).
Messages name the file, column or value at fault and say how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class GeourbError(Exception):
    """Base class of every error raised by geourb."""


class DataFileNotFoundError(GeourbError, FileNotFoundError):
    """An input file does not exist or cannot be located in the data folders or mirrors."""


class OfflineError(GeourbError, ConnectionError):
    """A download was needed but the machine is offline (or offline mode is set)."""


class ChecksumError(GeourbError, ValueError):
    """A downloaded or mirrored file does not match its registered sha256."""


class EncodingDetectionError(GeourbError, ValueError):
    """A text table could not be decoded with any supported encoding."""


class MissingColumnError(GeourbError, ValueError):
    """A required column is absent from a table."""


class DuplicateKeyError(GeourbError, ValueError):
    """Keys that must be unique (adcodes, park codes) are repeated."""


class InvalidValueError(GeourbError, ValueError):
    """Values are of the wrong type, sign or range."""


class NoCrsError(GeourbError, ValueError):
    """A spatial layer has no coordinate reference system."""


class CrsError(GeourbError, ValueError):
    """A coordinate reference system is wrong for the data or the operation."""


class UnknownNameError(GeourbError, KeyError):
    """A name (province, city, indicator, data source, setting) is not known."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class SettingsError(GeourbError, ValueError):
    """A settings value is invalid."""


class EmptyResultError(GeourbError, ValueError):
    """An operation selected nothing (a filter, a threshold, a delineation)."""


class NetworkGraphError(GeourbError, ValueError):
    """A transport network is empty, corrupt, disconnected or otherwise unusable."""


class MissingDependencyError(GeourbError, ImportError):
    """An optional dependency is needed for this feature and is not installed."""


def suggest(value: object, choices: Iterable[object], *, n: int = 3) -> str:
    """Return ``" Did you mean: a, b?"`` for the closest matches of ``value`` in ``choices``."""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(value), names, n=n, cutoff=0.5)
    return f" Did you mean: {', '.join(close)}?" if close else ""

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


class OutputPathError(GeourbError, OSError):
    """An output file or folder cannot be written (read-only, a file in the way, bad prefix)."""


class FileFormatError(GeourbError, ValueError):
    """An input file exists but cannot be read: empty, truncated, not the format its name says."""


def plain(value: object) -> str:
    """Format a value as people read it in a message: ``-5000`` (not ``np.float64(-5000.0)``), ``0.25``, ``'abc'``.

    Parameters
    ----------
    value
        Any value (numpy scalars included).

    Returns
    -------
    str
        The value as text.

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.float64(-5000.0)), plain(np.int64(3)), plain(0.25), plain("abc"), plain(np.nan)
    ('-5000', '3', '0.25', "'abc'", 'nan')
    """
    import numbers

    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if f != f:
            return "nan"
        if f in (float("inf"), float("-inf")):
            return "inf" if f > 0 else "-inf"
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    if isinstance(value, str):
        return repr(value)
    text = str(value)
    return "NA" if text in {"<NA>", "NaT", "None"} else repr(value)


def suggest(value: object, choices: Iterable[object], *, n: int = 3) -> str:
    """Return ``" Did you mean: a, b?"`` for the closest matches of ``value`` in ``choices``.

    Parameters
    ----------
    value
        The unknown name.
    choices
        The known names.
    n
        At most this many suggestions.

    Returns
    -------
    str
        The hint with a leading space, or ``""`` when nothing is close.
    """
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(value), names, n=n, cutoff=0.5)
    return f" Did you mean: {', '.join(close)}?" if close else ""

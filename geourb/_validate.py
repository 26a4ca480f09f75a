"""Input validation shared by the loaders: columns, numbers, codes and CRS."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from geourb._errors import (
    CrsError,
    DuplicateKeyError,
    GeourbError,
    InvalidValueError,
    MissingColumnError,
    NoCrsError,
    plain,
)


def _examples(values: Iterable[object], n: int = 5) -> str:
    vals = list(values)
    head = ", ".join(plain(v) for v in vals[:n])
    return head + (f" ... ({len(vals)} in all)" if len(vals) > n else "")


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, source: str, hint: str | None = None) -> None:
    """Raise :class:`MissingColumnError` naming ``source`` if any of ``columns`` is absent.

    Parameters
    ----------
    df
        The table.
    columns
        The columns it must have.
    source
        The file or table named in the message.
    hint
        How to fix it; by default: rename the column or pass a column mapping.

    Returns
    -------
    None

    Raises
    ------
    MissingColumnError
        Some of ``columns`` are absent (the available columns are listed).
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        fix = hint or (f"Rename your column to {missing[0]!r}, or pass a column mapping, e.g. "
                       f"mapping={{'{missing[0]}': '<your column>'}}.")
        raise MissingColumnError(
            f"{source} has no column {_examples(missing)}. Available columns: "
            f"{_examples(list(df.columns), 12)}. {fix}"
        )


def to_numeric(df: pd.DataFrame, column: str, *, source: str, allow_negative: bool = False) -> pd.Series:
    """Return ``df[column]`` as float, raising on text that is not a number or on negatives.

    Thousands separators (``1,234``) are removed; empty cells, ``-`` and ``—`` become NaN.

    Parameters
    ----------
    df
        The table.
    column
        The column to convert.
    source
        The file or table named in the message.
    allow_negative
        Accept negative values (counts and areas are not).

    Returns
    -------
    pandas.Series
        The values as float, same index.

    Raises
    ------
    InvalidValueError
        Text that is not a number, or negative values without ``allow_negative`` (rows named).
    """
    raw = df[column]
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        cleaned = raw.astype("string").str.replace(",", "", regex=False).str.strip()
        cleaned = cleaned.replace({"": pd.NA, "-": pd.NA, "—": pd.NA})
    else:
        cleaned = raw
    values = pd.to_numeric(cleaned, errors="coerce")
    bad = raw[values.isna() & cleaned.notna()]
    if len(bad):
        raise InvalidValueError(
            f"Column {column!r} of {source} must be numeric; non-numeric values in rows "
            f"{_examples(list(bad.index))}: {_examples(list(bad.values))}. Fix those cells or "
            "leave them empty for missing values."
        )
    values = values.astype(float)
    if not allow_negative and (values < 0).any():
        neg = values[values < 0]
        raise InvalidValueError(
            f"Column {column!r} of {source} has negative values in rows {_examples(list(neg.index))}: "
            f"{_examples(list(neg.values))}. Counts and areas cannot be negative."
        )
    return values


def normalize_adcode(values: pd.Series | Iterable[object], *, source: str = "input") -> pd.Series:
    """Normalise administrative codes to 6-digit strings.

    Accepts ints (``340102``), floats (``340102.0`` as read from Excel), 9- and 12-digit
    statistical codes (``340102000000``) and text with spaces. Missing values stay ``<NA>``.

    Parameters
    ----------
    values
        The codes.
    source
        The file or table named in the message.

    Returns
    -------
    pandas.Series
        6-digit codes as a ``string`` Series (the index of ``values`` when it is a Series).

    Raises
    ------
    InvalidValueError
        For values that are not a 6-, 9- or 12-digit code.

    Examples
    --------
    >>> normalize_adcode([340102, 340102.0, "340102000000", " 340102 ", None]).tolist()
    ['340102', '340102', '340102', '340102', <NA>]
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    present = s.notna()
    text = s[present].map(_code_text)
    ok = text.str.fullmatch(r"\d{6}(\d{3})?(\d{3})?")
    if not ok.all():
        bad = s[present][~ok.to_numpy()]
        raise InvalidValueError(
            f"{source}: {len(bad)} administrative code(s) are not 6-, 9- or 12-digit numbers: "
            f"{_examples(list(bad.values))} (rows {_examples(list(bad.index))}). "
            "Fix or remove those rows."
        )
    out[present] = text.str[:6]
    return out


def _code_text(value: object) -> str:
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def require_unique(keys: pd.Series, *, what: str, source: str) -> None:
    """Raise :class:`DuplicateKeyError` listing repeated non-missing ``keys``.

    Parameters
    ----------
    keys
        The keys that must be unique (missing values are ignored).
    what
        What the keys are, for the message (``"adcode"`` ...).
    source
        The file or table named in the message.

    Returns
    -------
    None

    Raises
    ------
    DuplicateKeyError
        Some keys repeat (they are listed).
    """
    dup = keys[keys.notna() & keys.duplicated(keep=False)]
    if len(dup):
        raise DuplicateKeyError(
            f"{source}: {what} must be unique; repeated: {_examples(sorted(set(dup.astype(str))))}. "
            "Remove the duplicate rows or aggregate them first."
        )


def require_crs(gdf: gpd.GeoDataFrame, *, source: str) -> None:
    """Raise :class:`NoCrsError` if ``gdf`` has no CRS.

    Parameters
    ----------
    gdf
        The layer that must carry a CRS.
    source
        Its file or name, for the message.

    Returns
    -------
    None

    Raises
    ------
    NoCrsError
        ``gdf.crs`` is None.
    """
    if gdf.crs is None:
        raise NoCrsError(
            f"{source} has no coordinate reference system. Set one with "
            "gdf.set_crs('EPSG:4326') (longitude/latitude) or the projection the data uses."
        )


def require_geographic_bounds(gdf: gpd.GeoDataFrame, *, source: str) -> None:
    """Raise :class:`CrsError` if a layer labelled geographic has coordinates outside degrees.

    Parameters
    ----------
    gdf
        A layer whose CRS may be geographic (other layers pass).
    source
        The file or layer named in the message.

    Returns
    -------
    None

    Raises
    ------
    CrsError
        The CRS is geographic but the bounds reach beyond ±180/±90 (projected coordinates).
    """
    if gdf.crs is not None and gdf.crs.is_geographic and len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise CrsError(
                f"{source} is labelled {gdf.crs.to_string()} (degrees) but its coordinates reach "
                f"({minx:.0f}, {miny:.0f})-({maxx:.0f}, {maxy:.0f}): they look projected. Set the "
                "real CRS with gdf.set_crs(..., allow_override=True)."
            )


def require_lonlat_degrees(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    source: str,
    fix: str,
    what: str = "coordinates",
    error: type[GeourbError] = CrsError,
    nonfinite_error: type[GeourbError] = InvalidValueError,
) -> None:
    """Raise if longitudes/latitudes are not finite or not WGS84 degrees (|lon| <= 180, |lat| <= 90).

    Parameters
    ----------
    lon, lat
        Coordinates that must be WGS84 degrees.
    source
        The file, layer or network named in the message.
    fix
        How to fix out-of-range values (the end of the message).
    what
        What the coordinates are, for the message (``"node coordinates"`` ...).
    error
        Class raised for values outside degrees.
    nonfinite_error
        Class raised for NaN or infinity.

    Returns
    -------
    None

    Raises
    ------
    GeourbError
        ``nonfinite_error`` for NaN or infinity, ``error`` for values outside degrees (the
        largest absolute longitude and latitude are named).

    Examples
    --------
    >>> require_lonlat_degrees([116.4], [39.9], source="demo", fix="reproject to EPSG:4326.")
    >>> require_lonlat_degrees([500.0], [10.0], source="demo", fix="reproject.")
    Traceback (most recent call last):
    ...
    geourb._errors.CrsError: demo: coordinates are not WGS84 degrees (|lon| up to 500, |lat| up to 10); reproject.
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise nonfinite_error(f"{source}: {what} contain NaN or infinity.")
    max_x = float(np.abs(x).max()) if x.size else 0.0
    max_y = float(np.abs(y).max()) if y.size else 0.0
    if max_x > 180 or max_y > 90:
        raise error(
            f"{source}: {what} are not WGS84 degrees (|lon| up to {max_x:.0f}, |lat| up to "
            f"{max_y:.0f}); {fix}"
        )

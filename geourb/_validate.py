"""Input validation shared by the loaders: columns, numbers, codes and CRS."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import (
    CrsError,
    DuplicateKeyError,
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

    ``hint`` says how to fix it; by default: rename the column or pass a column mapping.
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
    """Return ``df[column]`` as float, raising on text that is not a number or on negatives."""
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
    """Raise :class:`DuplicateKeyError` listing repeated non-missing ``keys``."""
    dup = keys[keys.notna() & keys.duplicated(keep=False)]
    if len(dup):
        raise DuplicateKeyError(
            f"{source}: {what} must be unique; repeated: {_examples(sorted(set(dup.astype(str))))}. "
            "Remove the duplicate rows or aggregate them first."
        )


def require_crs(gdf: gpd.GeoDataFrame, *, source: str) -> None:
    """Raise :class:`NoCrsError` if ``gdf`` has no CRS."""
    if gdf.crs is None:
        raise NoCrsError(
            f"{source} has no coordinate reference system. Set one with "
            "gdf.set_crs('EPSG:4326') (longitude/latitude) or the projection the data uses."
        )


def require_geographic_bounds(gdf: gpd.GeoDataFrame, *, source: str) -> None:
    """Raise :class:`CrsError` if a layer labelled geographic has coordinates outside degrees."""
    if gdf.crs is not None and gdf.crs.is_geographic and len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise CrsError(
                f"{source} is labelled {gdf.crs.to_string()} (degrees) but its coordinates reach "
                f"({minx:.0f}, {miny:.0f})-({maxx:.0f}, {maxy:.0f}): they look projected. Set the "
                "real CRS with gdf.set_crs(..., allow_override=True)."
            )

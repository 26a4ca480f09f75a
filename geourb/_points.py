"""One coercion of "points" for the network functions (OD matrices, isochrones, maps).

:func:`points_lonlat` turns a county layer (its seat columns), a point layer (any CRS; other
geometries give a point inside), a DataFrame with ``lon``/``lat`` columns, a ``(lon, lat)``
pair or a list of pairs into WGS84 longitude/latitude arrays plus the ids of the points, with
one set of checks and errors: a layer without a CRS is a :class:`~geourb._errors.NoCrsError`;
no points, missing geometries, NaN or non-degree coordinates are an
:class:`~geourb._errors.InvalidValueError` naming the rows.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geourb._errors import InvalidValueError, NoCrsError
from geourb._log import logger


def _positive(value: Any) -> bool:
    """Return True for a finite number > 0 (not a bool, not NaN)."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and float(value) > 0)


def _check_lonlat(lon: NDArray[np.float64], lat: NDArray[np.float64], index: pd.Index, *,
                  what: str) -> None:
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        raise InvalidValueError(
            f"{int(bad.sum())} of the {what} have NaN or infinite coordinates (ids "
            f"{list(index[bad][:5])}). Drop or fix those points first."
        )
    out = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if out.any():
        pairs = [(float(a), float(b)) for a, b in zip(lon[out][:3], lat[out][:3], strict=True)]
        raise InvalidValueError(
            f"The {what} must be WGS84 (lon, lat) degrees; {int(out.sum())} are not, e.g. "
            f"{pairs} (ids {list(index[out][:3])}). Reproject projected coordinates to EPSG:4326."
        )


def points_lonlat(
    points: Any,
    *,
    what: str = "points",
    seats: bool = True,
    drop_empty: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.float64], pd.Index]:
    """WGS84 longitude, latitude and ids of points given in any of the accepted forms.

    Parameters
    ----------
    points
        A county layer with ``seat_lon``/``seat_lat`` columns (used when ``seats``), a
        GeoDataFrame/GeoSeries in any CRS (non-point geometries give a representative point),
        a DataFrame with ``lon``/``lat`` (WGS84 degrees), a ``(lon, lat)`` pair or a sequence
        of pairs.
    what
        Name used in error messages (``"origins"``, ``"destinations"`` ...).
    seats
        Use a layer's seat columns when it has them.
    drop_empty
        Drop rows of a layer without geometry (logged) rather than raising.

    Returns
    -------
    lon, lat, index
        Float arrays of WGS84 degrees and the ids (the layer's index, or a RangeIndex).

    Raises
    ------
    NoCrsError
        A layer without a CRS.
    InvalidValueError
        No points, rows without geometry (unless ``drop_empty``), NaN/infinite coordinates,
        values that are not degrees, or an unknown form.

    Examples
    --------
    >>> lon, lat, ids = points_lonlat([(114.3, 30.6), (114.4, 30.5)])
    >>> lon.tolist(), list(ids)
    ([114.3, 114.4], [0, 1])
    """
    if isinstance(points, pd.DataFrame) and seats and {"seat_lon", "seat_lat"} <= set(
            points.columns):
        lon = pd.to_numeric(points["seat_lon"], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(points["seat_lat"], errors="coerce").to_numpy(float)
        index = points.index
    elif isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if geoms.crs is None:
            raise NoCrsError(f"The {what} have no CRS; set one with .set_crs('EPSG:4326') (or "
                             "the CRS the coordinates are in).")
        empty = (geoms.isna() | geoms.is_empty).to_numpy()
        if empty.any():
            if not drop_empty:
                raise InvalidValueError(
                    f"{int(empty.sum())} of the {len(geoms)} {what} have no geometry (ids "
                    f"{list(geoms.index[empty][:5])}). Drop them first."
                )
            logger.warning("%s: dropped %d of %d row(s) without geometry (ids %s)", what,
                           int(empty.sum()), len(geoms), list(geoms.index[empty][:5]))
            geoms = geoms[~empty]
        geoms = geoms.to_crs(4326)
        if not (geoms.geom_type == "Point").all():
            logger.info("%s: using representative points of non-point geometries", what)
            geoms = geoms.representative_point()
        lon, lat, index = geoms.x.to_numpy(float), geoms.y.to_numpy(float), geoms.index
    elif isinstance(points, pd.DataFrame) and {"lon", "lat"} <= set(points.columns):
        lon = pd.to_numeric(points["lon"], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(points["lat"], errors="coerce").to_numpy(float)
        index = points.index
    else:
        try:
            arr = np.asarray(points, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(
                f"The {what} must be a county layer, points (GeoDataFrame/GeoSeries), a "
                f"DataFrame with lon/lat or (lon, lat) pairs; got {type(points).__name__}."
            ) from exc
        if arr.shape == (2,):
            arr = arr[None, :]
        if arr.size == 0:
            raise InvalidValueError(f"No {what} given (an empty layer or list).")
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise InvalidValueError(
                f"The {what} must be a county layer, points (GeoDataFrame/GeoSeries), a "
                f"DataFrame with lon/lat or a list of (lon, lat) pairs; got an array of shape "
                f"{arr.shape}."
            )
        lon, lat, index = arr[:, 0], arr[:, 1], pd.RangeIndex(len(arr))
    if len(lon) == 0:
        raise InvalidValueError(f"No {what} given (an empty layer or list).")
    _check_lonlat(lon, lat, index, what=what)
    return lon, lat, index

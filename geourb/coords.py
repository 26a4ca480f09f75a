"""Chinese coordinate systems: GCJ-02 (国测局, "Mars" coordinates) and BD-09 (Baidu) <-> WGS84.

Chinese map services (AMap/Gaode, Tencent: GCJ-02; Baidu: BD-09) and many Chinese datasets use
these obfuscated systems; their offset from WGS84 is 100-700 m. All functions are vectorised over
NumPy arrays. GCJ-02 -> WGS84 has no closed form: it is inverted by fixed-point iteration to
below 1e-7 degrees (~1 cm). Points outside China's bounding box are returned unchanged, as the
official algorithm leaves them.

Examples
--------
>>> lon, lat = wgs84_to_gcj02(116.391, 39.907)
>>> back = gcj02_to_wgs84(lon, lat)
>>> bool(abs(back[0] - 116.391) < 1e-7 and abs(back[1] - 39.907) < 1e-7)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from geourb._errors import InvalidValueError

CoordSystem = Literal["wgs84", "gcj02", "bd09"]
COORD_SYSTEMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02, metres
_EE = 0.00669342162296594323  # its eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0

CHINA_ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
"""Albers equal-area conic for China (areas, distances and centroids in metres)."""
WGS84 = "EPSG:4326"
"""Longitude/latitude on WGS84: the CRS of every layer geourb returns."""

CHINA_LON_RANGE = (72.004, 137.8347)
CHINA_LAT_RANGE = (0.8293, 55.8271)


def _arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    if x.shape != y.shape:
        raise InvalidValueError(f"lon and lat differ in shape: {x.shape} vs {y.shape}.")
    return x, y


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Test whether points lie in the rectangle in which GCJ-02 applies its offset.

    Parameters
    ----------
    lon, lat
        WGS84 longitudes and latitudes in degrees (scalars or arrays of one shape).

    Returns
    -------
    numpy.ndarray of bool
        True inside China's bounding rectangle.

    Examples
    --------
    >>> bool(in_china(116.39, 39.91)), bool(in_china(2.35, 48.86))
    (True, False)
    """
    x, y = _arrays(lon, lat)
    return (
        (x >= CHINA_LON_RANGE[0]) & (x <= CHINA_LON_RANGE[1])
        & (y >= CHINA_LAT_RANGE[0]) & (y <= CHINA_LAT_RANGE[1])
    )


def _delta(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """GCJ-02 offset (degrees) at WGS84 point (x, y)."""
    dx, dy = x - 105.0, y - 35.0
    t_lat = (-100.0 + 2.0 * dx + 3.0 * dy + 0.2 * dy * dy + 0.1 * dx * dy
             + 0.2 * np.sqrt(np.abs(dx)))
    t_lat += (20.0 * np.sin(6.0 * dx * np.pi) + 20.0 * np.sin(2.0 * dx * np.pi)) * 2.0 / 3.0
    t_lat += (20.0 * np.sin(dy * np.pi) + 40.0 * np.sin(dy / 3.0 * np.pi)) * 2.0 / 3.0
    t_lat += (160.0 * np.sin(dy / 12.0 * np.pi) + 320 * np.sin(dy * np.pi / 30.0)) * 2.0 / 3.0
    t_lon = (300.0 + dx + 2.0 * dy + 0.1 * dx * dx + 0.1 * dx * dy
             + 0.1 * np.sqrt(np.abs(dx)))
    t_lon += (20.0 * np.sin(6.0 * dx * np.pi) + 20.0 * np.sin(2.0 * dx * np.pi)) * 2.0 / 3.0
    t_lon += (20.0 * np.sin(dx * np.pi) + 40.0 * np.sin(dx / 3.0 * np.pi)) * 2.0 / 3.0
    t_lon += (150.0 * np.sin(dx / 12.0 * np.pi) + 300.0 * np.sin(dx / 30.0 * np.pi)) * 2.0 / 3.0
    rad = y / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (t_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (t_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return d_lon, d_lat


def _invert(
    forward: Callable[[NDArray, NDArray], tuple[NDArray, NDArray]],
    tx: NDArray, ty: NDArray, x: NDArray, y: NDArray, *, tol_deg: float, max_iter: int,
) -> tuple[NDArray, NDArray]:
    """Solve ``forward(x, y) = (tx, ty)`` by fixed-point iteration from the guess ``(x, y)``.

    Each step subtracts the residual; the offsets vary slowly, so it converges to ``tol_deg``
    in a few steps.
    """
    for _ in range(max_iter):
        fx, fy = forward(x, y)
        ex, ey = fx - tx, fy - ty
        x, y = x - ex, y - ey
        if np.nanmax(np.abs(np.concatenate([np.ravel(ex), np.ravel(ey), [0.0]]))) < tol_deg:
            break
    return x, y


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Convert WGS84 longitude/latitude (degrees) to GCJ-02.

    Parameters
    ----------
    lon, lat
        WGS84 longitudes and latitudes in degrees: scalars or arrays of one shape.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        GCJ-02 longitudes and latitudes (unchanged outside China's rectangle).
    """
    x, y = _arrays(lon, lat)
    d_lon, d_lat = _delta(x, y)
    mask = in_china(x, y)
    return np.where(mask, x + d_lon, x), np.where(mask, y + d_lat, y)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-7) -> tuple[NDArray, NDArray]:
    """Convert GCJ-02 longitude/latitude to WGS84 by fixed-point iteration (accuracy ~1 cm).

    Parameters
    ----------
    lon, lat
        GCJ-02 longitudes and latitudes in degrees: scalars or arrays of one shape.
    tol_deg
        Stop when a step moves every point by less than this (degrees).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        WGS84 longitudes and latitudes (unchanged outside China's rectangle).
    """
    gx, gy = _arrays(lon, lat)
    return _invert(wgs84_to_gcj02, gx, gy, gx.copy(), gy.copy(), tol_deg=tol_deg, max_iter=30)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Convert GCJ-02 to Baidu BD-09.

    Parameters
    ----------
    lon, lat
        GCJ-02 longitudes and latitudes in degrees: scalars or arrays of one shape.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        BD-09 longitudes and latitudes.
    """
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-9) -> tuple[NDArray, NDArray]:
    """Convert Baidu BD-09 to GCJ-02.

    The usual closed-form inverse is off by up to ~6 cm (it is not the exact inverse of
    :func:`gcj02_to_bd09`); a few fixed-point steps refine it to ``tol_deg`` (~0.1 mm).

    Parameters
    ----------
    lon, lat
        BD-09 longitudes and latitudes in degrees: scalars or arrays of one shape.
    tol_deg
        Stop when a step moves every point by less than this (degrees).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        GCJ-02 longitudes and latitudes.
    """
    bx, by = _arrays(lon, lat)
    x, y = bx - 0.0065, by - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, bx, by, z * np.cos(theta), z * np.sin(theta), tol_deg=tol_deg, max_iter=10)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Convert Baidu BD-09 to WGS84.

    Parameters
    ----------
    lon, lat
        BD-09 longitudes and latitudes in degrees: scalars or arrays of one shape.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        WGS84 longitudes and latitudes.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Convert WGS84 to Baidu BD-09.

    Parameters
    ----------
    lon, lat
        WGS84 longitudes and latitudes in degrees: scalars or arrays of one shape.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        BD-09 longitudes and latitudes.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def check_system(system: str) -> str:
    """Return the normalised name of a coordinate system, or raise naming the valid ones.

    Parameters
    ----------
    system
        A name such as ``"WGS-84"``, ``"EPSG:4326"``, ``"gcj02"``, ``"火星"``, ``"baidu"``.

    Returns
    -------
    str
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"``.

    Raises
    ------
    InvalidValueError
        Unknown system.

    Examples
    --------
    >>> check_system("GCJ-02"), check_system("Baidu")
    ('gcj02', 'bd09')
    """
    key = str(system).lower().replace("-", "").replace("_", "").replace(" ", "")
    aliases = {"wgs84": "wgs84", "epsg4326": "wgs84", "4326": "wgs84", "gcj02": "gcj02",
               "gcj": "gcj02", "mars": "gcj02", "火星": "gcj02", "bd09": "bd09", "baidu": "bd09",
               "bd09ll": "bd09"}
    if key not in aliases:
        raise InvalidValueError(
            f"Unknown coordinate system {system!r}; use one of 'wgs84', 'gcj02' (AMap/Gaode, "
            "Tencent, 火星) or 'bd09' (Baidu)."
        )
    return aliases[key]


def to_wgs84(lon: ArrayLike, lat: ArrayLike, *, source: str) -> tuple[NDArray, NDArray]:
    """Convert from ``source`` ('wgs84', 'gcj02' or 'bd09') to WGS84.

    Parameters
    ----------
    lon, lat
        Longitudes and latitudes in degrees in ``source``.
    source
        Coordinate system of the input (see :func:`check_system`).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        WGS84 longitudes and latitudes.
    """
    system = check_system(source)
    if system == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if system == "bd09":
        return bd09_to_wgs84(lon, lat)
    return _arrays(lon, lat)


def convert_geometries(gdf: gpd.GeoDataFrame, *, source: str, target: str = "wgs84") -> gpd.GeoDataFrame:
    """Return a copy of a longitude/latitude layer with every vertex converted between systems.

    Parameters
    ----------
    gdf
        A layer whose coordinates are degrees in ``source``.
    source, target
        Coordinate systems (see :func:`check_system`).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with converted geometries (the CRS label is kept).
    """
    src, dst = check_system(source), check_system(target)
    if src == dst:
        return gdf.copy()
    funcs = {("gcj02", "wgs84"): gcj02_to_wgs84, ("bd09", "wgs84"): bd09_to_wgs84,
             ("wgs84", "gcj02"): wgs84_to_gcj02, ("wgs84", "bd09"): wgs84_to_bd09,
             ("gcj02", "bd09"): gcj02_to_bd09, ("bd09", "gcj02"): bd09_to_gcj02}
    func = funcs[(src, dst)]

    def _xy(coords: NDArray) -> NDArray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, _xy)
    return out


def swap_xy(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of a layer with the x and y of every vertex swapped (same CRS label).

    For a longitude/latitude layer written in the wrong axis order (latitude as x).

    Parameters
    ----------
    gdf
        Any layer.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy whose geometries have (y, x) for (x, y).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> layer = gpd.GeoDataFrame(geometry=[Point(31.8, 117.2)], crs="EPSG:4326")
    >>> swap_xy(layer).geometry.iloc[0].coords[0]
    (117.2, 31.8)
    """
    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1])
    return out


EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres: the sphere of :func:`haversine_m`."""


def haversine_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance in metres on a sphere of radius :data:`EARTH_RADIUS_M`, vectorised.

    The one great-circle distance of geourb (networks, indicators and parks use it).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Longitudes and latitudes in degrees; scalars or arrays that broadcast together.

    Returns
    -------
    numpy.ndarray
        Distances in metres (NaN where a coordinate is NaN).

    Examples
    --------
    >>> round(float(haversine_m(116.391, 39.907, 121.474, 31.230)))  # Beijing - Shanghai
    1068276
    """
    x1, y1 = np.radians(np.asarray(lon1, float)), np.radians(np.asarray(lat1, float))
    x2, y2 = np.radians(np.asarray(lon2, float)), np.radians(np.asarray(lat2, float))
    a = np.sin((y2 - y1) / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin((x2 - x1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))

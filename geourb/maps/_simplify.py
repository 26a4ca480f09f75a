"""Display simplification: coverage-preserving polygon simplification and overlap checks."""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from geourb._errors import InvalidValueError
from geourb._log import logger
from geourb._text import labels
from geourb.maps._html import _to_wgs84


def _auto_tolerance(gdf: gpd.GeoDataFrame) -> float:
    """Simplification tolerance in metres: 1/3000 of the layer's diagonal, at least 20 m."""
    from geourb.counties import CHINA_ALBERS

    minx, miny, maxx, maxy = gdf.to_crs(CHINA_ALBERS).total_bounds
    return max(20.0, math.hypot(maxx - minx, maxy - miny) / 3000.0)


def simplify_coverage(
    gdf: gpd.GeoDataFrame,
    *,
    tolerance_m: float | None = None,
    decimals: int = 5,
    coverage: bool = True,
) -> gpd.GeoDataFrame:
    """Simplify polygons for display without gaps or overlaps, and round their coordinates.

    The polygons are projected to :data:`~geourb.counties.CHINA_ALBERS`, simplified with
    :func:`shapely.coverage_simplify` (each shared edge is simplified once, so neighbours keep
    a common boundary), returned to WGS84 and snapped to a ``10**-decimals`` degree grid.

    Parameters
    ----------
    gdf
        Polygons in any CRS. With ``coverage=True`` they must not overlap (a coverage such as
        counties or regions made of counties).
    tolerance_m
        Simplification tolerance in metres; ``None`` chooses 1/3000 of the layer's diagonal
        (about 2 km for all of China, 200 m for a province); ``0`` skips simplification.
    decimals
        Decimal places kept in longitude/latitude (5 is about 1 m).
    coverage
        ``False`` simplifies each polygon on its own (topology-preserving), for overlapping
        layers such as nested isochrone bands.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:4326 with the simplified geometries; polygons that become empty are
        dropped (logged as a warning with a count and examples).

    Raises
    ------
    InvalidValueError
        ``gdf`` is not a GeoDataFrame, ``tolerance_m`` is negative or not finite, or
        ``decimals`` lies outside 0-10.
    NoCrsError
        ``gdf`` has no CRS.
    EmptyResultError
        No feature has a geometry.
    """
    from geourb.counties import CHINA_ALBERS

    gdf = _to_wgs84(gdf, source="simplify_coverage input")
    if tolerance_m is None:
        tolerance_m = _auto_tolerance(gdf)
    if tolerance_m < 0 or not math.isfinite(tolerance_m):
        raise InvalidValueError(f"tolerance_m must be >= 0 metres, got {tolerance_m!r}.")
    if not 0 <= decimals <= 10:
        raise InvalidValueError(f"decimals must be between 0 and 10, got {decimals!r}.")
    out = gdf.copy()
    if tolerance_m > 0:
        projected = gdf.geometry.to_crs(CHINA_ALBERS).make_valid()
        if coverage:
            geoms = shapely.coverage_simplify(projected.to_numpy(), tolerance_m)
        else:
            geoms = shapely.simplify(projected.to_numpy(), tolerance_m, preserve_topology=True)
        out = out.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=CHINA_ALBERS)
                               .to_crs("EPSG:4326"))
    out = out.set_geometry(
        gpd.GeoSeries(shapely.set_precision(out.geometry.to_numpy(), 10.0**-decimals),
                      index=out.index, crs="EPSG:4326"),
    )
    keep = ~out.geometry.is_empty
    if not keep.all():
        logger.warning("simplify_coverage: %d polygon(s) smaller than the tolerance (%.0f m) "
                       "became empty and are not drawn, e.g. %s; pass a smaller tolerance "
                       "(tolerance_m) to keep them", int((~keep).sum()), tolerance_m,
                       labels(out[~keep]))
    return out[keep]



def overlapping(gdf: gpd.GeoDataFrame) -> bool:
    """Whether some polygons of ``gdf`` overlap or contain one another.

    Coverage simplification (:func:`simplify_coverage` with ``coverage=True``) would damage an
    overlapping layer, so map layers read from files check this first.

    Parameters
    ----------
    gdf
        Polygons in any CRS.

    Returns
    -------
    bool
        ``True`` when two distinct polygons overlap or one contains another.
    """
    geoms = gdf.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    for predicate in ("overlaps", "contains"):
        left, right = tree.query(geoms, predicate=predicate)
        if (left != right).any():
            return True
    return False

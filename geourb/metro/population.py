"""Population inside a zone: area-weighted allocation of county totals and raster zonal sums."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import (
    InvalidValueError,
)
from geourb.counties import CHINA_ALBERS, WGS84


# ---------------------------------------------------------------------------- population
def allocate_population(
    counties: gpd.GeoDataFrame,
    population: pd.Series,
    zone: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Allocate county population to a zone in proportion to area (equal-area CRS).

    Parameters
    ----------
    counties
        County polygons (any CRS), index = adcode.
    population
        Population per county, indexed like ``counties`` (missing -> NaN result).
    zone
        The zone (a WGS84 shapely geometry or a layer, unioned).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``counties``: ``area_share`` (0-1 of the county inside the zone) and
        ``pop_area_weighted`` (population x share). Allocating to a partition of the counties
        conserves the total.
    """
    zone_geom = _zone_albers(zone)
    geoms = counties.geometry.to_crs(CHINA_ALBERS).values
    area = shapely.area(geoms)
    inside = shapely.area(shapely.intersection(geoms, zone_geom))
    share = np.clip(np.divide(inside, area, out=np.zeros_like(area), where=area > 0), 0, 1)
    pop = pd.Series(population).reindex(counties.index).astype(float)
    return pd.DataFrame({"area_share": share, "pop_area_weighted": pop.to_numpy() * share},
                        index=counties.index)


def _zone_albers(zone: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame) -> shapely.Geometry:
    if isinstance(zone, gpd.GeoDataFrame | gpd.GeoSeries):
        return shapely.make_valid(zone.to_crs(CHINA_ALBERS).union_all())
    return shapely.make_valid(gpd.GeoSeries([zone], crs=WGS84).to_crs(CHINA_ALBERS).iloc[0])


def zonal_sum(
    raster: str | os.PathLike[str],
    geometries: gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    all_touched: bool = False,
) -> pd.DataFrame:
    """Sum a raster (e.g. population counts) inside each geometry.

    Cells are counted when their centre lies inside the geometry (``all_touched=False``);
    nodata and NaN cells are skipped.

    Parameters
    ----------
    raster
        A single-band raster file (band 1 is summed), any CRS.
    geometries
        Polygons in any CRS (reprojected to the raster's CRS).
    all_touched
        Count every cell the geometry touches, not only cells whose centre lies inside.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``geometries``: ``raster_sum`` and ``raster_coverage`` (share of the
        geometry's area inside the raster's extent: a sum over a partly covered geometry is
        partial).

    Raises
    ------
    InvalidValueError
        ``geometries`` have no CRS.
    """
    import rasterio
    from rasterio.mask import mask as rio_mask

    geoms = geometries.geometry if isinstance(geometries, gpd.GeoDataFrame) else geometries
    if geoms.crs is None:
        raise InvalidValueError("The geometries for zonal_sum have no CRS.")
    sums = np.zeros(len(geoms))
    cover = np.zeros(len(geoms))
    with rasterio.open(raster) as src:
        g = geoms.to_crs(src.crs)
        box = shapely.box(*src.bounds)
        for i, geom in enumerate(g.values):
            if geom is None or geom.is_empty or not geom.intersects(box):
                continue
            cover[i] = geom.intersection(box).area / geom.area if geom.area > 0 else 0.0
            data, _ = rio_mask(src, [geom], crop=True, all_touched=all_touched, filled=False,
                               indexes=1)
            vals = np.ma.masked_invalid(data.astype("float64"))
            sums[i] = float(vals.sum()) if vals.count() else 0.0
    return pd.DataFrame({"raster_sum": sums, "raster_coverage": cover}, index=geoms.index)

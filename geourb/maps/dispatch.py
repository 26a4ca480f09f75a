"""Draw any layer a geourb command wrote, choosing how from its geometry and columns."""

from __future__ import annotations

import folium
import geopandas as gpd

from geourb._deprecate import renamed_keywords
from geourb._errors import InvalidValueError, UnknownNameError, suggest
from geourb._validate import require_crs, require_geographic_bounds
from geourb.maps._simplify import overlapping
from geourb.maps.layers import choropleth, isochrone_bands, region_outlines
from geourb.maps.points import parks

LAYER_KINDS = ("choropleth", "outlines", "isochrones", "points")
"""How :func:`draw_layer` can draw a layer."""

NAME_CANDIDATES = ("name", "region_name", "core", "开发区名称", "adcode")
"""Columns tried, in order, for labels and tooltips."""


def layer_kind(gdf: gpd.GeoDataFrame, *, column: str | None = None, source: str = "layer") -> str:
    """Choose the default way to draw ``gdf``.

    Isochrones with a ``band_min`` column, points for a point layer, a choropleth when a
    ``column`` is given, else outlines.

    Parameters
    ----------
    gdf
        The layer.
    column
        The column to colour by, if any.
    source
        The layer's name in error messages.

    Returns
    -------
    str
        One of :data:`LAYER_KINDS`.
    """
    if "band_min" in gdf.columns:
        return "isochrones"
    if set(gdf.geom_type.astype(str)) <= {"Point", "MultiPoint"}:
        return "points"
    return "choropleth" if column else "outlines"


@renamed_keywords(simplify_m="tolerance_m")
def draw_layer(
    gdf: gpd.GeoDataFrame,
    *,
    kind: str | None = None,
    column: str | None = None,
    name_column: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    scheme: str = "NaturalBreaks",
    k: int = 5,
    cmap: str = "YlOrRd",
    tolerance_m: float | None = None,
    source: str = "layer",
) -> folium.FeatureGroup:
    """Draw a layer read from a file as a choropleth, outlines, isochrone bands or points.

    Parameters
    ----------
    gdf
        The layer (any CRS).
    kind
        One of :data:`LAYER_KINDS`; default: :func:`layer_kind`.
    column
        Numeric column of a choropleth.
    name_column
        Label/tooltip column (default: the first of :data:`NAME_CANDIDATES` present).
    label, unit, scheme, k, cmap, tolerance_m
        As in :func:`~geourb.maps.choropleth`; ``label`` also names the layer.
    source
        The layer's file name, for messages.

    Returns
    -------
    folium.FeatureGroup
        The layer, for :func:`~geourb.maps.make_map`.

    Raises
    ------
    InvalidValueError
        No geometry, a polygon kind for non-polygons, a choropleth without ``column``, or an
        unknown ``kind``.
    UnknownNameError
        ``name_column`` is missing (close matches suggested).
    CrsError
        Coordinates labelled in degrees that are not (metres, swapped axes).
    """
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if gdf.empty:
        raise InvalidValueError(f"{source} has no features with a geometry: nothing to map.")
    require_crs(gdf, source=source)
    require_geographic_bounds(gdf, source=source)
    if kind is not None and kind not in LAYER_KINDS:
        raise InvalidValueError(f"Unknown layer kind {kind!r}; use one of {', '.join(LAYER_KINDS)}."
                                + suggest(kind, LAYER_KINDS))
    types = set(gdf.geom_type.astype(str))
    polygons = types <= {"Polygon", "MultiPolygon"}
    kind = kind or layer_kind(gdf, column=column, source=source)
    if kind in {"choropleth", "outlines", "isochrones"} and not polygons:
        raise InvalidValueError(
            f"{source} holds {', '.join(sorted(types))} geometries; --kind {kind} needs "
            "polygons (use --kind points for point layers)."
        )
    if name_column is None:
        name_column = next((c for c in NAME_CANDIDATES if c in gdf.columns), None)
    elif name_column not in gdf.columns:
        raise UnknownNameError(f"{source} has no column {name_column!r} for the name column."
                               + suggest(name_column, list(map(str, gdf.columns))))
    layer_title = label or source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if kind == "choropleth":
        if not column:
            raise InvalidValueError(f"A choropleth needs a column (a numeric column of "
                                    f"{source}: {', '.join(map(str, gdf.columns[:12]))} ...).")
        tips = {c: lbl for c, lbl in (("prefecture", "地市"), ("province", "省份"),
                                      ("core", "核心城市")) if c in gdf.columns and c != name_column}
        return choropleth(gdf, column, scheme=scheme, k=k, cmap=cmap, label=label, unit=unit,
                          name_column=name_column, tooltip_columns=tips, tolerance_m=tolerance_m,
                          coverage=not overlapping(gdf))
    if kind == "isochrones":
        return isochrone_bands(gdf, name_column=name_column, tolerance_m=tolerance_m,
                               unit=unit or "分钟")
    if name_column is None:
        gdf = gdf.assign(name=[str(i) for i in gdf.index])
        name_column = "name"
    if kind == "outlines":
        rank = "rank" if "rank" in gdf.columns else None
        return region_outlines(gdf, name_column=name_column, layer_name=layer_title,
                               tolerance_m=tolerance_m, coverage=not overlapping(gdf),
                               rank_column=rank)
    return parks(gdf, name_column=name_column, layer_name=layer_title)

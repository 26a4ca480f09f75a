"""Point and line layers: parks (small clusters that leave regions readable), rail, seats."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import InvalidValueError, MissingColumnError
from geourb._validate import require_columns
from geourb.maps._html import (
    _columns_mapping,
    _esc,
    _feature_group,
    _fmt,
    _geojson,
    _points,
    _title,
    _to_wgs84,
)

# small translucent cluster circles (area ~ count), so that parks do not hide the regions
_CLUSTER_ICON = """
function(cluster) {
    var n = cluster.getChildCount();
    var d = Math.round(Math.min(34, 12 + 4 * Math.sqrt(n)));
    return L.divIcon({html: '<div style="width:' + d + 'px;height:' + d + 'px;line-height:' + d
                      + 'px">' + n + '</div>', className: 'geourb-cluster-icon',
                      iconSize: L.point(d, d)});
}
"""

_PARK_POPUP_CANDIDATES = {
    "level": "级别", "批准级别": "级别", "approval_level": "级别",
    "zone_type": "类型", "开发区类型": "类型", "type": "类型",
    "area_km2": "面积", "area_ha": "面积", "核准面积_公顷": "面积",
    "industries": "主导产业", "主导产业": "主导产业",
    "province": "省份", "省份": "省份", "county_name": "所在县",
}
_AREA_UNITS = {"area_km2": "km²", "area_ha": "公顷", "核准面积_公顷": "公顷"}


def parks(
    gdf: gpd.GeoDataFrame,
    *,
    name_column: str | None = None,
    popup_columns: Sequence[str] | Mapping[str, str] | None = None,
    popup_units: Mapping[str, str] | None = None,
    layer_name: str = "开发区",
    color: str = "#6a3d9a",
    cluster: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw parks / development zones as small clustered points with popups.

    Clusters are small translucent circles (size grows with the square root of the count)
    that stop at zoom 11, so they do not hide the regions under them. Popups show the
    park's WGS84 coordinates (also on a GCJ-02 basemap, where the marker is shifted).

    Parameters
    ----------
    gdf
        Points (or polygons, drawn at a point inside) in any CRS.
    name_column
        The park name (default: the first of ``name``, ``开发区名称`` present).
    popup_columns
        Columns in the popup, a list or ``{column: label}``; by default the level, type,
        area, leading industries and province columns that exist (English or the catalogue's
        Chinese names). List values (e.g. industries) are joined with 、.
    popup_units
        Units per popup column; areas get km² / 公顷 by default.
    layer_name
        Name in the layer control.
    color
        Fill colour of the markers.
    cluster
        Group nearby points with Leaflet.markercluster.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`make_map`.

    Raises
    ------
    MissingColumnError
        No name column (``name`` / ``开发区名称`` or ``name_column``), or a missing popup
        column.
    InvalidValueError, NoCrsError, EmptyResultError
        ``gdf`` is not a GeoDataFrame, has no CRS, or no feature has a geometry.
    """
    source = "parks input"
    gdf = _points(gdf, source=source)
    if name_column is None:
        name_column = next((c for c in ("name", "开发区名称") if c in gdf.columns), None)
        if name_column is None:
            raise MissingColumnError(
                f"{source} has no 'name' or '开发区名称' column; pass name_column='...'."
            )
    require_columns(gdf, [name_column], source=source)
    if popup_columns is None:
        mapping = {c: lbl for c, lbl in _PARK_POPUP_CANDIDATES.items() if c in gdf.columns}
    else:
        mapping = _columns_mapping(popup_columns, gdf, source=source)
    units = {**{c: u for c, u in _AREA_UNITS.items() if c in mapping}, **(popup_units or {})}
    popups = []
    for _, row in gdf.iterrows():
        lines = [_title(row, name_column)]
        for col, lbl in mapping.items():
            value = row[col]
            if isinstance(value, list | tuple | np.ndarray):
                value = "、".join(str(v) for v in value)
            lines.append(f"{_esc(lbl)}: {_esc(_fmt(value, units.get(col)))}")
        pt = row.geometry
        lines.append(f"WGS84: {pt.x:.5f}, {pt.y:.5f}")
        popups.append("<br>".join(lines))
    names = [_esc(v) for v in gdf[name_column]]
    fg = _feature_group(layer_name, gdf, show=show)
    target: folium.Element = fg
    if cluster:
        target = folium.plugins.MarkerCluster(
            control=False, icon_create_function=_CLUSTER_ICON,
            options={"showCoverageOnHover": False, "maxClusterRadius": 40,
                     "disableClusteringAtZoom": 11, "spiderfyOnMaxZoom": False},
        ).add_to(fg)
    folium.GeoJson(
        _geojson(gdf, {"tip": names, "popup": popups}),
        marker=folium.CircleMarker(radius=4, weight=1, color="#ffffff", fill=True,
                                   fill_color=color, fill_opacity=0.75),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
        control=False,
    ).add_to(target)
    return fg


def rail(
    stations: gpd.GeoDataFrame | None = None,
    lines: gpd.GeoDataFrame | None = None,
    *,
    station_name_column: str = "name",
    line_name_column: str | None = "name",
    layer_name: str = "铁路",
    line_color: str = "#e31a1c",
    station_color: str = "#252525",
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw rail lines and stations (tooltips with their names).

    Parameters
    ----------
    stations
        Station points in any CRS, or ``None``.
    lines
        Line geometries in any CRS, or ``None``.
    station_name_column, line_name_column
        Name columns; a missing line name column is allowed (``None``).
    layer_name
        Name in the layer control.
    line_color, station_color
        Colours of the lines and of the station dots.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`make_map`.

    Raises
    ------
    InvalidValueError
        Neither ``stations`` nor ``lines`` given, or one is not a GeoDataFrame.
    MissingColumnError
        ``station_name_column`` is missing.
    NoCrsError, EmptyResultError
        A layer has no CRS, or no feature with a geometry.
    """
    if stations is None and lines is None:
        raise InvalidValueError("rail() needs stations, lines or both.")
    parts = []
    if lines is not None:
        lines = _to_wgs84(lines, source="rail lines input")
        lines = lines.set_geometry(gpd.GeoSeries(
            shapely.set_precision(lines.geometry.to_numpy(), 1e-5), index=lines.index,
            crs="EPSG:4326"))
        parts.append(lines)
    if stations is not None:
        stations = _points(stations, source="rail stations input")
        require_columns(stations, [station_name_column], source="rail stations input")
        parts.append(stations)
    fg = _feature_group(layer_name, pd.concat([p[["geometry"]] for p in parts]), show=show)
    if lines is not None:
        has_name = line_name_column is not None and line_name_column in lines.columns
        tips = [_esc(v) for v in lines[line_name_column]] if has_name else None
        folium.GeoJson(
            _geojson(lines, {"tip": tips} if tips else {}),
            style_function=lambda f: {"color": line_color, "weight": 2.5, "opacity": 0.9},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False) if tips else None,
            control=False,
        ).add_to(fg)
    if stations is not None:
        folium.GeoJson(
            _geojson(stations, {"tip": [_esc(v) for v in stations[station_name_column]]}),
            marker=folium.CircleMarker(radius=3, weight=1, color="#ffffff", fill=True,
                                       fill_color=station_color, fill_opacity=1.0),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
            control=False,
        ).add_to(fg)
    return fg


def seats(
    gdf: gpd.GeoDataFrame,
    *,
    name_column: str = "name",
    layer_name: str = "县城",
    color: str = "#000000",
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw county seats as small dots with name tooltips.

    Parameters
    ----------
    gdf
        Points in any CRS, or the county layer (columns ``seat_lon``/``seat_lat`` in WGS84
        degrees, as :func:`geourb.counties.load_counties` returns; rows without a seat are
        skipped).
    name_column
        Column shown in the tooltip.
    layer_name
        Name in the layer control.
    color
        Colour of the dots.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`make_map`.

    Raises
    ------
    MissingColumnError
        ``name_column`` is missing.
    InvalidValueError, NoCrsError, EmptyResultError
        ``gdf`` is not a GeoDataFrame, has no CRS, or no feature has a geometry.
    """
    source = "county seats input"
    if isinstance(gdf, gpd.GeoDataFrame) and {"seat_lon", "seat_lat"} <= set(gdf.columns):
        ok = gdf["seat_lon"].notna() & gdf["seat_lat"].notna()
        gdf = gpd.GeoDataFrame(
            gdf.loc[ok].drop(columns=gdf.geometry.name),
            geometry=gpd.points_from_xy(gdf.loc[ok, "seat_lon"], gdf.loc[ok, "seat_lat"]),
            crs="EPSG:4326",
        )
    gdf = _points(gdf, source=source)
    require_columns(gdf, [name_column], source=source)
    fg = _feature_group(layer_name, gdf, show=show)
    folium.GeoJson(
        _geojson(gdf, {"tip": [_esc(v) for v in gdf[name_column]]}),
        marker=folium.CircleMarker(radius=2.5, weight=0, fill=True, fill_color=color,
                                   fill_opacity=0.85),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        control=False,
    ).add_to(fg)
    return fg


"""Interactive maps on folium: choropleths, region outlines, isochrone bands, parks, rail, seats.

Each layer function takes a plain GeoDataFrame (any CRS, any columns) and returns a
:class:`folium.FeatureGroup`; :func:`make_map` puts layers on a map with a layer control and
:func:`save_map` writes it atomically to ``settings.maps_dir / f"{name}.html"``.

Size: polygon layers are simplified as a *coverage* (shared boundaries are simplified once, so
no gaps or overlaps appear between neighbours; :func:`simplify_coverage`) in the equal-area
:data:`~geourb.counties.CHINA_ALBERS` projection, and coordinates are rounded, so a national
map of all ~2,875 counties with a score and tooltips stays well under 5 MB.

Offline: with ``offline=True`` (the default) every JavaScript/CSS asset folium links from a
CDN is inlined from the ``folium-offline`` package and the assets no layer uses (jQuery,
Bootstrap, Font Awesome, awesome-markers) are dropped, so the HTML draws every layer with the
network cut. Tiles are optional: ``tiles=None`` (no background, fully offline), a folium/xyz
name such as ``"OpenStreetMap"``, or a URL template of a local tile server.

Safety: names come from user files, so every text shown (tooltips, popups, labels, legends)
is HTML-escaped here; a county named ``<script>...`` is shown as text and never runs.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from branca.utilities import color_brewer
from folium.template import Template

from geourb._classify import SCHEMES as _SCHEMES
from geourb._classify import classify_values
from geourb._errors import (
    EmptyResultError,
    InvalidValueError,
    MissingColumnError,
    MissingDependencyError,
)
from geourb._log import logger
from geourb._validate import require_columns, require_crs, to_numeric

__all__ = [
    "SCHEMES",
    "choropleth",
    "classify",
    "isochrone_bands",
    "make_map",
    "parks",
    "rail",
    "region_outlines",
    "save_map",
    "seats",
    "simplify_coverage",
    "to_html",
]

SCHEMES = _SCHEMES
"""mapclassify schemes accepted by :func:`classify` and :func:`choropleth`."""

MISSING_COLOR = "#d9d9d9"
ISOCHRONE_PALETTE = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")

_CSS = """
.geourb-legend, .geourb-title {background: rgba(255,255,255,0.92); padding: 6px 9px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.4 sans-serif;}
.geourb-legend i {display: inline-block; width: 14px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #999;}
.geourb-title {font-size: 15px; font-weight: bold;}
.geourb-label {background: none; border: none; font: bold 12px sans-serif; color: #222;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff;}
"""


# --------------------------------------------------------------------------------------------
# small helpers


def _esc(value: object) -> str:
    """HTML-escape any value for display (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: object, unit: str | None = None) -> str:
    """Format a value for a tooltip: thousands separators, missing as 无数据, unit appended."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "无数据"
    if isinstance(value, bool | np.bool_):
        text = "是" if value else "否"
    elif isinstance(value, int | np.integer):
        text = f"{int(value):,}"
    elif isinstance(value, float | np.floating):
        v = float(value)
        if v.is_integer() and abs(v) < 1e15:
            text = f"{int(v):,}"
        elif abs(v) >= 100:
            text = f"{v:,.0f}"
        elif abs(v) >= 1:
            text = f"{v:,.2f}"
        else:
            text = f"{v:.3g}"
    else:
        text = str(value)
    return f"{text} {unit}" if unit else text


def _to_wgs84(gdf: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InvalidValueError(f"{source} must be a GeoDataFrame, got {type(gdf).__name__}.")
    require_crs(gdf, source=source)
    nogeom = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    if nogeom.any():
        logger.warning("%s: %d of %d feature(s) have no geometry and are not drawn, e.g. %s",
                       source, int(nogeom.sum()), len(gdf), _labels(gdf[nogeom]))
    gdf = gdf[~nogeom]
    if gdf.empty:
        raise EmptyResultError(f"{source} has no features with a geometry: nothing to draw.")
    return gdf if gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")


def _labels(gdf: pd.DataFrame, n: int = 5) -> list[str]:
    """A few feature names (else index labels) for log messages."""
    return [str(x) for x in gdf.get("name", gdf.index)[:n]]


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
                       "(simplify_m) to keep them", int((~keep).sum()), tolerance_m,
                       _labels(out[~keep]))
    return out[keep]


def classify(
    values: pd.Series, *, scheme: str = "NaturalBreaks", k: int = 5
) -> tuple[pd.Series, list[tuple[float, float]]]:
    """Classify values with mapclassify (seeded, so a map is the same on every run).

    Parameters
    ----------
    values
        Numbers to classify; missing values get no class.
    scheme
        A mapclassify scheme name from :data:`SCHEMES` (``NaturalBreaks``, ``Quantiles``,
        ``EqualInterval`` ...).
    k
        Number of classes (at least 2; fewer when there are fewer distinct values).

    Returns
    -------
    classes, bins
        ``classes``: a nullable-integer Series (``<NA>`` for missing values) aligned to
        ``values``; ``bins``: ``(lower, upper)`` for each class.

    Raises
    ------
    UnknownNameError
        Unknown ``scheme`` (close matches suggested).
    InvalidValueError
        ``k`` < 2.
    """
    return classify_values(values, scheme=scheme, k=k)


class _Css(MacroElement):
    """geourb's style sheet, added once to the page header."""

    _template = Template("")

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        figure.header.add_child(Element(f"<style>{_CSS}</style>"), name="geourb_css")
        super().render(**kwargs)


class _HtmlControl(MacroElement):
    """A Leaflet control showing ``html`` (already escaped), tied to its parent layer.

    When the parent is a layer (FeatureGroup), the control appears and disappears with it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var ctl = L.control({position: {{ this.position|tojson }}});
            ctl.onAdd = function() {
                var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            var parent = {{ this._parent.get_name() }};
            {%- if this.follow_layer %}
            parent.on('add', function() { ctl.addTo(parent._map); });
            parent.on('remove', function() { ctl.remove(); });
            if (parent._map) { ctl.addTo(parent._map); }
            {%- else %}
            ctl.addTo(parent);
            {%- endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, position: str = "bottomright",
                 css_class: str = "geourb-legend", follow_layer: bool = True) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html = html_text
        self.position = position
        self.css_class = css_class
        self.follow_layer = follow_layer


def _legend_html(title: str, entries: Sequence[tuple[str, str]]) -> str:
    rows = "".join(f"<div><i style=\"background:{c}\"></i>{_esc(t)}</div>" for c, t in entries)
    return f"<div><b>{_esc(title)}</b></div>{rows}"


def _feature_group(name: str, gdf: gpd.GeoDataFrame, *, show: bool = True) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=_esc(name), show=show)
    minx, miny, maxx, maxy = gdf.total_bounds
    fg._geourb_bounds = (float(minx), float(miny), float(maxx), float(maxy))  # type: ignore[attr-defined]
    fg.add_child(_Css())
    return fg


def _tooltip_lines(row: pd.Series, columns: Mapping[str, str], units: Mapping[str, str]) -> str:
    return "".join(
        f"<br>{_esc(label)}: {_esc(_fmt(row[col], units.get(col)))}" for col, label in columns.items()
    )


def _columns_mapping(columns: Sequence[str] | Mapping[str, str] | None,
                     gdf: pd.DataFrame, *, source: str) -> dict[str, str]:
    if columns is None:
        return {}
    mapping = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    require_columns(gdf, mapping, source=source)
    return mapping


def _geojson(gdf: gpd.GeoDataFrame, props: Mapping[str, Sequence[object]]) -> dict[str, Any]:
    """A compact FeatureCollection with only the given properties (JSON-safe values)."""
    geoms = json.loads(gpd.GeoSeries(gdf.geometry.to_numpy(), crs="EPSG:4326").to_json())
    features = []
    for i, feat in enumerate(geoms["features"]):
        features.append({
            "type": "Feature",
            "id": str(i),
            "properties": {key: values[i] for key, values in props.items()},
            "geometry": feat["geometry"],
        })
    return {"type": "FeatureCollection", "features": features}


def _title(row: pd.Series, name_column: str | None) -> str:
    if name_column is None or name_column not in row.index:
        return ""
    return f"<b>{_esc(row[name_column])}</b>"


# --------------------------------------------------------------------------------------------
# layers


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "NaturalBreaks",
    k: int = 5,
    cmap: str = "YlOrRd",
    label: str | None = None,
    unit: str | None = None,
    name_column: str | None = "name",
    tooltip_columns: Sequence[str] | Mapping[str, str] | None = None,
    tooltip_units: Mapping[str, str] | None = None,
    layer_name: str | None = None,
    simplify_m: float | None = None,
    decimals: int = 5,
    coverage: bool = True,
    fill_opacity: float = 0.75,
    line_color: str = "#555555",
    line_weight: float = 0.3,
    legend: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """Colour polygons (counties, regions) by classes of a numeric column.

    Parameters
    ----------
    gdf
        Polygons in any CRS, e.g. :func:`geourb.counties.load_counties` joined with scores.
    column
        The numeric column to map; missing values are drawn grey (无数据).
    scheme, k
        mapclassify scheme (see :data:`SCHEMES`) and number of classes.
    cmap
        A ColorBrewer sequential scheme name (``YlOrRd``, ``Blues``, ``YlGnBu`` ...).
    label, unit
        Legend title and unit (``"面积", "km²"``); the label defaults to ``column``.
    name_column
        Column shown in bold at the top of the tooltip (``None``: none).
    tooltip_columns
        Extra columns in the tooltip: a list, or a mapping ``{column: label}``.
    tooltip_units
        Units of the extra tooltip columns, ``{column: unit}``.
    layer_name
        Name in the layer control (default: the label).
    simplify_m, decimals, coverage
        Simplification tolerance in metres, decimal places of the WGS84 degrees kept, and
        whether the polygons form a coverage; see :func:`simplify_coverage`
        (``simplify_m=0`` keeps the geometry).
    fill_opacity
        Opacity of the fill, 0-1.
    line_color, line_weight
        Colour and width (pixels) of the polygon outlines.
    legend
        Add a legend (shown while the layer is visible).
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`make_map`.

    Raises
    ------
    InvalidValueError
        ``gdf`` is not a GeoDataFrame, ``column`` is not numeric, an unknown ``cmap``, or
        bad ``k``/``simplify_m``/``decimals``.
    UnknownNameError
        Unknown ``scheme``.
    MissingColumnError
        ``column``, ``name_column`` or a tooltip column is missing.
    NoCrsError
        ``gdf`` has no CRS.
    EmptyResultError
        No feature has a geometry.
    """
    source = "choropleth input"
    gdf = _to_wgs84(gdf, source=source)
    require_columns(gdf, [column], source=source)
    if name_column is not None:
        require_columns(gdf, [name_column], source=source)
    extra = _columns_mapping(tooltip_columns, gdf, source=source)
    values = to_numeric(gdf, column, source=source, allow_negative=True)
    classes, bins = classify(values, scheme=scheme, k=k)
    colors = _palette(cmap, max(len(bins), 1))
    label = label or column
    simplified = simplify_coverage(gdf, tolerance_m=simplify_m, decimals=decimals, coverage=coverage)
    values = values.loc[simplified.index]
    classes = classes.loc[simplified.index]

    fill = [MISSING_COLOR if pd.isna(c) else colors[int(c)] for c in classes]
    tips = []
    for (_, row), v in zip(simplified.iterrows(), values, strict=True):
        head = _title(row, name_column)
        line = f"{_esc(label)}: {_esc(_fmt(v, unit))}"
        tips.append((head + "<br>" if head else "") + line + _tooltip_lines(row, extra,
                                                                            tooltip_units or {}))
    data = _geojson(simplified, {"tip": tips, "fill": fill})
    styles = {c: {"fillColor": c, "color": line_color, "weight": line_weight,
                  "fillOpacity": fill_opacity} for c in set(fill)}
    fg = _feature_group(layer_name or label, simplified, show=show)
    folium.GeoJson(
        data,
        name=_esc(layer_name or label),
        style_function=lambda f: styles[f["properties"]["fill"]],
        highlight_function=lambda f: {"weight": 2, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(fg)
    if legend:
        title = f"{label} ({unit})" if unit else label
        entries = [(colors[i], f"{_fmt(lo)} – {_fmt(hi)}") for i, (lo, hi) in enumerate(bins)]
        if classes.isna().any():
            entries.append((MISSING_COLOR, "无数据"))
        fg.add_child(_HtmlControl(_legend_html(title, entries)))
    return fg


def _palette(cmap: str, n: int) -> list[str]:
    try:
        colors = color_brewer(cmap, n=max(n, 3))
    except (ValueError, KeyError) as exc:
        raise InvalidValueError(
            f"Unknown colour scheme {cmap!r}; use a ColorBrewer name such as YlOrRd, Blues, "
            "YlGnBu, Greens or RdYlGn."
        ) from exc
    if n >= 3:
        idx = np.linspace(0, len(colors) - 1, n).round().astype(int) if len(colors) != n else None
        return list(colors) if idx is None else [colors[i] for i in idx]
    return [colors[0], colors[-1]][:n] if n == 2 else [colors[len(colors) // 2]]


def region_outlines(
    gdf: gpd.GeoDataFrame,
    *,
    name_column: str = "name",
    tooltip_columns: Sequence[str] | Mapping[str, str] | None = None,
    tooltip_units: Mapping[str, str] | None = None,
    color: str = "#08519c",
    weight: float = 2.5,
    labels: bool = True,
    layer_name: str = "区域",
    simplify_m: float | None = None,
    decimals: int = 5,
    coverage: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw region outlines (e.g. potential regions, metropolitan areas) with name labels.

    Parameters
    ----------
    gdf
        Region polygons in any CRS with a name column.
    name_column
        The region name, shown as a permanent label at a point inside each region and in
        the tooltip.
    tooltip_columns
        Extra columns in the tooltip: a list, or a mapping ``{column: label}``.
    tooltip_units
        Units of the extra tooltip columns, ``{column: unit}``.
    color, weight
        Outline colour and width (pixels); the fill is the same colour, nearly transparent.
    labels
        Show the permanent name labels.
    layer_name
        Name in the layer control.
    simplify_m, decimals
        Simplification tolerance in metres (``None``: automatic, ``0``: none) and decimal
        places of the WGS84 degrees kept; see :func:`simplify_coverage`.
    coverage
        Regions do not overlap (default); set ``False`` for overlapping regions.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`make_map`.

    Raises
    ------
    MissingColumnError
        ``name_column`` or a tooltip column is missing.
    InvalidValueError, NoCrsError, EmptyResultError
        As in :func:`simplify_coverage`.
    """
    source = "region outlines input"
    gdf = _to_wgs84(gdf, source=source)
    require_columns(gdf, [name_column], source=source)
    extra = _columns_mapping(tooltip_columns, gdf, source=source)
    simplified = simplify_coverage(gdf, tolerance_m=simplify_m, decimals=decimals, coverage=coverage)
    tips = [_title(row, name_column) + _tooltip_lines(row, extra, tooltip_units or {})
            for _, row in simplified.iterrows()]
    fg = _feature_group(layer_name, simplified, show=show)
    folium.GeoJson(
        _geojson(simplified, {"tip": tips}),
        style_function=lambda f: {"color": color, "weight": weight, "fill": True,
                                  "fillOpacity": 0.05, "fillColor": color},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(fg)
    if labels:
        points = gdf.loc[simplified.index].geometry.representative_point()
        for (_, row), pt in zip(simplified.iterrows(), points, strict=True):
            folium.Marker(
                [pt.y, pt.x],
                icon=folium.DivIcon(html=_esc(row[name_column]), class_name="geourb-label",
                                    icon_size=(1, 1), icon_anchor=(0, 0)),
            ).add_to(fg)
    return fg


def isochrone_bands(
    gdf: gpd.GeoDataFrame,
    *,
    band_column: str = "band_min",
    unit: str | None = "分钟",
    name_column: str | None = None,
    colors: Sequence[str] | Mapping[float, str] | None = None,
    layer_name: str = "等时圈",
    fill_opacity: float = 0.45,
    simplify_m: float | None = None,
    decimals: int = 5,
    legend: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw nested isochrone bands, one colour per band, the largest drawn first.

    Parameters
    ----------
    gdf
        One polygon per band (and per origin, if several), in any CRS; bands may overlap.
    band_column
        The band value (e.g. travel time in minutes); smaller values are drawn on top, so
        nested bands all show.
    unit
        Unit of the band value, for the tooltip and legend.
    name_column
        Optional origin name shown in the tooltip.
    colors
        A list (one colour per band, in increasing band order) or a mapping
        ``{band: colour}``; default green (near) to red (far).
    layer_name
        Name in the layer control and legend title.
    fill_opacity
        Opacity of each band's fill, 0-1.
    simplify_m, decimals
        Simplification tolerance in metres (``None``: automatic, ``0``: none) and decimal
        places of the WGS84 degrees kept; bands are simplified one by one (they overlap).
    legend
        Add a legend (shown while the layer is visible).
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`make_map`.

    Raises
    ------
    MissingColumnError
        ``band_column`` or ``name_column`` is missing.
    EmptyResultError
        The band column has no values, or no feature has a geometry.
    InvalidValueError
        ``colors`` lacks a colour for a band, or ``gdf`` is not a GeoDataFrame.
    NoCrsError
        ``gdf`` has no CRS.
    """
    source = "isochrone bands input"
    gdf = _to_wgs84(gdf, source=source)
    require_columns(gdf, [band_column], source=source,
                    hint=f"Name the band column with band_column=... (now {band_column!r}).")
    if name_column is not None:
        require_columns(gdf, [name_column], source=source)
    bands = sorted(pd.unique(gdf[band_column].dropna()))
    if not bands:
        raise EmptyResultError(f"{source}: column {band_column!r} has no values.")
    if colors is None:
        palette = list(ISOCHRONE_PALETTE)
        if len(bands) <= len(palette):
            step = np.linspace(0, len(palette) - 1, len(bands)).round().astype(int)
            mapping = {b: palette[i] for b, i in zip(bands, step, strict=True)}
        else:
            mapping = dict(zip(bands, _palette("RdYlGn", len(bands))[::-1], strict=True))
    elif isinstance(colors, Mapping):
        missing = [b for b in bands if b not in colors]
        if missing:
            raise InvalidValueError(f"colors has no colour for bands {missing}.")
        mapping = dict(colors)
    else:
        if len(colors) < len(bands):
            raise InvalidValueError(
                f"colors has {len(colors)} colours for {len(bands)} bands ({bands}); give one "
                "per band."
            )
        mapping = dict(zip(bands, colors, strict=False))
    ordered = gdf[gdf[band_column].notna()].copy()
    ordered["_order"] = [bands.index(b) for b in ordered[band_column]]
    ordered = ordered.sort_values("_order", ascending=False, kind="stable")
    simplified = simplify_coverage(ordered, tolerance_m=simplify_m, decimals=decimals, coverage=False)
    tips = [(_title(row, name_column) + "<br>" if name_column else "")
            + f"≤ {_esc(_fmt(row[band_column], unit))}" for _, row in simplified.iterrows()]
    fill = [mapping[b] for b in simplified[band_column]]
    fg = _feature_group(layer_name, simplified, show=show)
    folium.GeoJson(
        _geojson(simplified, {"tip": tips, "fill": fill}),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#333333",
                                  "weight": 0.6, "fillOpacity": fill_opacity},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(fg)
    if legend:
        entries = [(mapping[b], f"≤ {_fmt(b, unit)}") for b in bands]
        fg.add_child(_HtmlControl(_legend_html(layer_name, entries)))
    return fg


def _points(gdf: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    gdf = _to_wgs84(gdf, source=source)
    if not gdf.geom_type.isin(["Point"]).all():
        gdf = gdf.set_geometry(gdf.geometry.representative_point())
    return gdf


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
    """Draw parks / development zones as clustered points with popups.

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
        popups.append("<br>".join(lines))
    names = [_esc(v) for v in gdf[name_column]]
    fg = _feature_group(layer_name, gdf, show=show)
    target: folium.Element = fg
    if cluster:
        target = folium.plugins.MarkerCluster(control=False).add_to(fg)
    folium.GeoJson(
        _geojson(gdf, {"tip": names, "popup": popups}),
        marker=folium.CircleMarker(radius=6, weight=1, color="#ffffff", fill=True,
                                   fill_color=color, fill_opacity=0.9),
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


# --------------------------------------------------------------------------------------------
# map, offline HTML, saving


def make_map(
    *layers: folium.Element,
    tiles: str | None = None,
    attribution: str | None = None,
    offline: bool = True,
    title: str | None = None,
    layer_control: bool = True,
    bounds: tuple[float, float, float, float] | None = None,
    width: str | int = "100%",
    height: str | int = "100%",
    max_zoom: int = 18,
) -> folium.Map:
    """Put layers on a folium map with a layer control, fitted to the layers' extent.

    Parameters
    ----------
    *layers
        Layers from :func:`choropleth`, :func:`region_outlines`, :func:`isochrone_bands`,
        :func:`parks`, :func:`rail`, :func:`seats` (or any folium layer).
    tiles
        ``None``: no background map (works offline); a folium/xyzservices name such as
        ``"OpenStreetMap"`` or ``"CartoDB positron"`` (needs internet); or a URL template of
        a tile server, e.g. a local one ``"http://tiles.local:8080/{z}/{x}/{y}.png"``.
    attribution
        Attribution for a URL template (default: the URL's host).
    offline
        Remember that :func:`to_html` / :func:`save_map` should inline every asset.
    title
        A title shown at the top of the map (escaped).
    layer_control
        Add a layer control (layers can be switched on and off).
    bounds
        ``(minx, miny, maxx, maxy)`` in WGS84 to show; default: all geourb layers.
    width, height
        Size of the map in the page (CSS length such as ``"100%"``, or pixels).
    max_zoom
        Deepest zoom level allowed.

    Returns
    -------
    folium.Map
        The map, fitted to ``bounds`` or to the geourb layers' extent.
    """
    m = folium.Map(tiles=None, control_scale=True, width=width, height=height,
                   location=[35.0, 105.0], zoom_start=4, prefer_canvas=False)
    m._geourb_offline = offline  # type: ignore[attr-defined]
    # Leaflet.markercluster needs the map's maxZoom, which otherwise comes from a tile layer
    m.options["max_zoom"] = max_zoom
    if tiles is not None:
        if "{z}" in tiles or "{x}" in tiles:
            attr = attribution or _esc(re.sub(r"^\w+://([^/]+).*$", r"\1", tiles))
            folium.TileLayer(tiles=tiles, attr=attr, name="底图", control=True).add_to(m)
        else:
            folium.TileLayer(tiles=tiles, attr=attribution, name=tiles, control=True).add_to(m)
    boxes = [lyr._geourb_bounds for lyr in layers if hasattr(lyr, "_geourb_bounds")]
    for lyr in layers:
        lyr.add_to(m)
    if bounds is None and boxes:
        arr = np.array(boxes)
        bounds = (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())
    if bounds is not None:
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if title:
        m.add_child(_HtmlControl(_esc(title), position="topright", css_class="geourb-title",
                                 follow_layer=False))
        m.add_child(_Css())
    if layer_control:
        folium.LayerControl(collapsed=False).add_to(m)
    return m


# Assets no geourb layer uses: dropped from offline HTML unless the page calls them.
_OPTIONAL_ASSETS = {
    "jquery": (r"\$\(|\$\.|jQuery",),
    "bootstrap": (r"bootstrap|\bbtn\b|data-bs-",),
    "awesome-markers": (r"AwesomeMarkers",),
    "fontawesome": (r"AwesomeMarkers|\bfa-",),
    "glyphicons": (r"AwesomeMarkers|glyphicon",),
}
_SCRIPT_LINK = re.compile(r'<script\s+src="(https?:[^"]+)"\s*>\s*</script>')
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.M)
_CSS_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="(https?:[^"]+)"\s*/?>')


def _asset_kind(url: str) -> str | None:
    low = url.lower()
    for kind in ("awesome-markers", "fontawesome", "glyphicons", "jquery", "bootstrap"):
        if kind in low or (kind == "awesome-markers" and "awesome.rotate" in low):
            return kind
    return None


def _offline_resources() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "Offline maps need the 'folium-offline' package, which ships folium's JavaScript "
            "and CSS: pip install folium-offline (or pass offline=False)."
        ) from exc
    return _res


def _inline_assets(page: str) -> str:
    """Replace every CDN <script src>/<link href> by the asset's text; drop unused ones."""
    resources = _offline_resources()
    body = _CSS_LINK.sub("", _SCRIPT_LINK.sub("", page))

    def needed(url: str) -> bool:
        kind = _asset_kind(url)
        if kind is None:
            return True
        return any(re.search(p, body) for p in _OPTIONAL_ASSETS[kind])

    def text(url: str, what: str) -> str:
        if url not in resources:
            raise MissingDependencyError(
                f"Cannot inline {what} {url} for an offline map: folium-offline does not ship "
                "it. Remove the plugin that needs it, update folium-offline to match folium "
                f"{folium.__version__}, or pass offline=False."
            )
        return resources[url]

    def js(match: re.Match[str]) -> str:
        url = match.group(1)
        if not needed(url):
            return ""
        content = text(url, "script").replace("</script", "<\\/script")
        content = _SOURCE_MAP.sub("", content)
        return f"<script>/* {url.rsplit('/', 1)[-1]} */\n{content}\n</script>"

    def css(match: re.Match[str]) -> str:
        url = match.group(1)
        if not needed(url):
            return ""
        content = text(url, "style sheet").replace("</style", "<\\/style")
        return f"<style>{content}</style>"

    page = _SCRIPT_LINK.sub(js, page)
    return _CSS_LINK.sub(css, page)


def to_html(m: folium.Map, *, offline: bool | None = None) -> str:
    """Render a map to one HTML page.

    Parameters
    ----------
    m
        The map.
    offline
        Inline every JavaScript/CSS asset (self-contained page, no CDN); default: the
        ``offline`` given to :func:`make_map` (``True`` for other maps).

    Returns
    -------
    str
        The complete HTML page.

    Raises
    ------
    MissingDependencyError
        Offline rendering without ``folium-offline``, or an asset it does not ship.
    """
    if offline is None:
        offline = getattr(m, "_geourb_offline", True)
    page = m.get_root().render()
    if offline:
        page = _inline_assets(page)
    return page


def save_map(
    m: folium.Map,
    name: str,
    *,
    offline: bool | None = None,
    directory: str | Path | None = None,
) -> Path:
    """Write a map atomically to ``settings.maps_dir / f"{name}.html"``.

    Parameters
    ----------
    m
        The map.
    name
        File name without ``.html`` (letters, digits, ``-``, ``_``, Chinese characters), or a
        path ending in ``.html`` (then ``directory`` is ignored).
    offline
        See :func:`to_html`.
    directory
        Folder instead of ``settings.maps_dir``.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InvalidValueError
        ``name`` is not a plain file name (and does not end in ``.html``).
    MissingDependencyError
        As in :func:`to_html`.
    """
    from geourb._io import write_text
    from geourb.settings import settings

    if str(name).lower().endswith(".html"):
        path = Path(name)
    else:
        if not re.fullmatch(r"[\w\-. ]+", str(name)) or str(name).startswith("."):
            raise InvalidValueError(
                f"Map name {name!r} is not a plain file name; use letters, digits, - and _, "
                "or give a path ending in .html."
            )
        path = Path(directory if directory is not None else settings.maps_dir) / f"{name}.html"
    page = to_html(m, offline=offline)
    write_text(path, page)
    logger.info("wrote map %s (%.2f MB)", path, len(page.encode()) / 1e6)
    return path


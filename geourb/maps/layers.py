"""Polygon layers for the interactive maps.

Choropleths, region outlines with non-overlapping labels, isochrone bands, hatched
scattered-tier counties.

Each layer function takes a plain GeoDataFrame (any CRS, any columns) and returns a
:class:`folium.FeatureGroup`; :func:`~geourb.maps.make_map` puts layers on a map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from geourb._deprecate import renamed_keywords
from geourb._errors import EmptyResultError, InvalidValueError
from geourb._validate import require_columns, to_numeric
from geourb.maps._html import (
    MISSING_COLOR,
    _columns_mapping,
    _esc,
    _feature_group,
    _fmt,
    _geojson,
    _HtmlControl,
    _legend_html,
    _title,
    _to_wgs84,
    _tooltip_lines,
)
from geourb.maps._simplify import simplify_coverage
from geourb.maps.classes import bin_label, classify
from geourb.maps.classes import palette as _palette
from geourb.maps.labels import Labels, label_html

ISOCHRONE_PALETTE = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")
HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="geourb-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff" fill-opacity="0.15"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#555555" stroke-width="2"/></pattern>'
    '</defs></svg>'
)


class _Hatch(MacroElement):
    """The SVG hatch pattern, added once to the page body."""

    _template = Template("")

    # branca annotates Element.render -> str, but MacroElement.render returns None
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        cast(Figure, self.get_root()).html.add_child(Element(HATCH_SVG), name="geourb_hatch")
        super().render(**kwargs)


@renamed_keywords(simplify_m="tolerance_m")
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
    tolerance_m: float | None = None,
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
    tolerance_m, decimals, coverage
        Simplification tolerance in metres, decimal places of the WGS84 degrees kept, and
        whether the polygons form a coverage; see :func:`simplify_coverage`
        (``tolerance_m=0`` keeps the geometry).
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
        bad ``k``/``tolerance_m``/``decimals``.
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
    simplified = simplify_coverage(gdf, tolerance_m=tolerance_m, decimals=decimals, coverage=coverage)
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
    fg._geourb_kind = "fill"  # type: ignore[attr-defined]
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
        entries = [(colors[i], bin_label(lo, hi, _fmt)) for i, (lo, hi) in enumerate(bins)]
        if classes.isna().any():
            entries.append((MISSING_COLOR, "无数据"))
        fg.add_child(_HtmlControl(_legend_html(title, entries)))
    return fg



@renamed_keywords(simplify_m="tolerance_m")
def region_outlines(
    gdf: gpd.GeoDataFrame,
    *,
    name_column: str = "name",
    tooltip_columns: Sequence[str] | Mapping[str, str] | None = None,
    tooltip_units: Mapping[str, str] | None = None,
    color: str = "#08519c",
    weight: float = 2.5,
    labels: bool = True,
    rank_column: str | None = None,
    layer_name: str = "区域",
    tolerance_m: float | None = None,
    decimals: int = 5,
    coverage: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw region outlines (e.g. potential regions, metropolitan areas) with name labels.

    Labels never overlap: they are placed in rank order (else largest region first) and a
    label that would touch one already shown is hidden until zooming in makes room.

    Parameters
    ----------
    gdf
        Region polygons in any CRS with a name column.
    name_column
        The region name, shown as a label at a point inside each region and in the tooltip.
    tooltip_columns
        Extra columns in the tooltip: a list, or a mapping ``{column: label}``.
    tooltip_units
        Units of the extra tooltip columns, ``{column: unit}``.
    color, weight
        Outline colour and width (pixels); the fill is the same colour, nearly transparent.
    labels
        Show the name labels.
    rank_column
        Optional rank (1 = first) shown as a numbered badge before the name, and used as the
        label priority; rows with no rank get no badge (e.g. regions outside the
        concentrated tier).
    layer_name
        Name in the layer control.
    tolerance_m, decimals
        Simplification tolerance in metres (``None``: automatic, ``0``: none) and decimal
        places of the WGS84 degrees kept; see :func:`~geourb.maps.simplify_coverage`.
    coverage
        Regions do not overlap (default); set ``False`` for overlapping regions.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`~geourb.maps.make_map`.

    Raises
    ------
    MissingColumnError
        ``name_column``, ``rank_column`` or a tooltip column is missing.
    InvalidValueError, NoCrsError, EmptyResultError
        As in :func:`~geourb.maps.simplify_coverage`.
    """
    source = "region outlines input"
    gdf = _to_wgs84(gdf, source=source)
    require_columns(gdf, [name_column] + ([rank_column] if rank_column else []), source=source)
    extra = _columns_mapping(tooltip_columns, gdf, source=source)
    simplified = simplify_coverage(gdf, tolerance_m=tolerance_m, decimals=decimals, coverage=coverage)
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
        kept = gdf.loc[simplified.index]
        points = kept.geometry.representative_point()
        if rank_column is not None:
            ranks = pd.to_numeric(kept[rank_column], errors="coerce")
            prio = ranks.fillna(ranks.max() + 1 if ranks.notna().any() else 0).to_numpy()
        else:
            ranks = pd.Series(np.nan, index=kept.index)
            area = kept.geometry.to_crs("EPSG:6933").area.to_numpy()
            prio = -area / max(float(area.max()), 1.0)
        fg.add_child(Labels([
            (pt.y, pt.x, label_html(name, rank), float(p))
            for pt, name, rank, p in zip(points, kept[name_column], ranks, prio, strict=True)
        ]))
    return fg


@renamed_keywords(simplify_m="tolerance_m")
def scattered_counties(
    counties: gpd.GeoDataFrame,
    *,
    tier_column: str | None = "tier",
    scattered: str | Sequence[str] = "scattered",
    name_column: str | None = "name",
    color: str = "#555555",
    layer_name: str = "分散型县",
    tolerance_m: float | None = None,
    legend: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw the scattered-tier counties hatched, over (not instead of) other layers.

    The hatch is an SVG pattern with a thin outline, so the colours of a choropleth below
    stay readable.

    Parameters
    ----------
    counties
        County polygons in any CRS.
    tier_column
        Column holding the tier; ``None`` draws every feature of ``counties``.
    scattered
        Tier value(s) drawn (default ``"scattered"``; e.g. ``["scattered", "分散"]``).
    name_column
        Column shown in the tooltip (``None``: none).
    color
        Outline colour.
    layer_name
        Name in the layer control and legend.
    tolerance_m
        Simplification tolerance in metres (``None``: automatic).
    legend
        Add a legend entry (shown while the layer is visible).
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`~geourb.maps.make_map`.

    Raises
    ------
    MissingColumnError
        ``tier_column`` or ``name_column`` is missing.
    EmptyResultError
        No county has a scattered tier.
    InvalidValueError, NoCrsError
        ``counties`` is not a GeoDataFrame or has no CRS.
    """
    source = "scattered counties input"
    gdf = _to_wgs84(counties, source=source)
    if tier_column is not None:
        require_columns(gdf, [tier_column], source=source)
        wanted = [scattered] if isinstance(scattered, str) else list(scattered)
        gdf = gdf[gdf[tier_column].isin(wanted)]
        if gdf.empty:
            raise EmptyResultError(
                f"{source}: no county has {tier_column} in {wanted}; values present: "
                f"{sorted(map(str, counties[tier_column].dropna().unique()))[:10]}."
            )
    if name_column is not None:
        require_columns(gdf, [name_column], source=source)
    simplified = simplify_coverage(gdf, tolerance_m=tolerance_m, coverage=False)
    tips = [_title(row, name_column) + "<br>" + _esc(layer_name) for _, row in simplified.iterrows()]
    fg = _feature_group(layer_name, simplified, show=show)
    fg.add_child(_Hatch())
    folium.GeoJson(
        _geojson(simplified, {"tip": tips}),
        style_function=lambda f: {"color": color, "weight": 0.8, "dashArray": "3 3", "fill": True,
                                  "fillColor": "url(#geourb-hatch)", "fillOpacity": 1.0},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(fg)
    if legend:
        swatch = ('<div><i style="background: repeating-linear-gradient(45deg, #555 0 2px, '
                  f'transparent 2px 6px)"></i>{_esc(layer_name)}</div>')
        fg.add_child(_HtmlControl(swatch))
    return fg


@renamed_keywords(simplify_m="tolerance_m")
def isochrone_bands(
    gdf: gpd.GeoDataFrame,
    *,
    band_column: str = "band_min",
    unit: str | None = "分钟",
    name_column: str | None = None,
    colors: Sequence[str] | Mapping[float, str] | None = None,
    layer_name: str = "等时圈",
    fill_opacity: float = 0.45,
    style: str = "auto",
    tolerance_m: float | None = None,
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
    style
        ``"fill"``: translucent fills; ``"outline"``: coloured outlines only; ``"auto"``
        (default): fills, unless the map also has a filled layer such as a choropleth, where
        translucent fills over each other would mix colours (then outlines).
    tolerance_m, decimals
        Simplification tolerance in metres (``None``: automatic, ``0``: none) and decimal
        places of the WGS84 degrees kept; bands are simplified one by one (they overlap).
    legend
        Add a legend (shown while the layer is visible).
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.FeatureGroup
        Add it to a map with :func:`~geourb.maps.make_map`.

    Raises
    ------
    MissingColumnError
        ``band_column`` or ``name_column`` is missing.
    EmptyResultError
        The band column has no values, or no feature has a geometry.
    InvalidValueError
        ``colors`` lacks a colour for a band, an unknown ``style``, or ``gdf`` is not a
        GeoDataFrame.
    NoCrsError
        ``gdf`` has no CRS.
    """
    source = "isochrone bands input"
    if style not in ("auto", "fill", "outline"):
        raise InvalidValueError(f"style must be 'auto', 'fill' or 'outline', got {style!r}.")
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
    simplified = simplify_coverage(ordered, tolerance_m=tolerance_m, decimals=decimals, coverage=False)
    tips = [(_title(row, name_column) + "<br>" if name_column else "")
            + f"≤ {_esc(_fmt(row[band_column], unit))}" for _, row in simplified.iterrows()]
    fill = [mapping[b] for b in simplified[band_column]]
    fg = _feature_group(layer_name, simplified, show=show)
    # make_map switches "auto" to outlines when another filled layer is on the map
    mode = {"fill": style != "outline"}
    fg._geourb_kind = "bands"  # type: ignore[attr-defined]
    fg._geourb_style = (style, mode)  # type: ignore[attr-defined]

    def _style(f: dict) -> dict:
        color = f["properties"]["fill"]
        if mode["fill"]:
            return {"fillColor": color, "color": "#333333", "weight": 0.6,
                    "fillOpacity": fill_opacity}
        return {"fill": False, "color": color, "weight": 3, "opacity": 0.95}

    folium.GeoJson(
        _geojson(simplified, {"tip": tips, "fill": fill}),
        style_function=_style,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    ).add_to(fg)
    if legend:
        entries = [(mapping[b], f"≤ {_fmt(b, unit)}") for b in bands]
        fg.add_child(_HtmlControl(_legend_html(layer_name, entries)))
    return fg

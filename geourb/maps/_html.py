"""HTML building blocks shared by every map layer.

Escaping, number formatting, GeoJSON, legends and controls, the geourb style sheet.

Names come from user files, so every text shown (tooltips, popups, labels, legends) is
HTML-escaped here; a county named ``<script>...`` is shown as text and never runs.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from geourb._errors import EmptyResultError, InvalidValueError
from geourb._log import logger
from geourb._text import labels
from geourb._validate import require_columns, require_crs, require_geographic_bounds

MISSING_COLOR = "#d9d9d9"

_CSS = """
.geourb-legend, .geourb-title {background: rgba(255,255,255,0.92); padding: 6px 9px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.4 sans-serif;}
.geourb-legend i {display: inline-block; width: 14px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #999;}
.geourb-title {font-size: 15px; font-weight: bold;}
.geourb-label {background: none; border: none; font: bold 12px sans-serif; color: #222;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff;}
.geourb-label.geourb-minor {font: 11px sans-serif; color: #555;}
.geourb-rank {display: inline-block; min-width: 12px; height: 16px; line-height: 16px;
  border-radius: 8px; background: #b30000; color: #fff; text-shadow: none; text-align: center;
  font: bold 10px sans-serif; margin-right: 3px; padding: 0 2px;}
.geourb-cluster-icon div {border-radius: 50%; background: rgba(106,61,154,0.35); color: #fff;
  border: 1.5px solid rgba(106,61,154,0.9); font: bold 10px sans-serif; text-align: center;
  text-shadow: 0 0 2px #000;}
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
                       source, int(nogeom.sum()), len(gdf), labels(gdf[nogeom]))
    gdf = gdf[~nogeom]
    if gdf.empty:
        raise EmptyResultError(f"{source} has no features with a geometry: nothing to draw.")
    require_geographic_bounds(gdf, source=source)
    return gdf if gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")




class _Css(MacroElement):
    """geourb's style sheet, added once to the page header."""

    _template = Template("")

    # branca annotates Element.render -> str, but MacroElement.render returns None
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        figure = cast(Figure, self.get_root())  # MacroElement.render asserts the root is a Figure
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
    """Build a compact FeatureCollection with only the given properties (JSON-safe values)."""
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


def _points(gdf: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    gdf = _to_wgs84(gdf, source=source)
    if not gdf.geom_type.isin(["Point"]).all():
        gdf = gdf.set_geometry(gdf.geometry.representative_point())
    return gdf



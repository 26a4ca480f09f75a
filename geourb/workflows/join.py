"""A table keyed by county code, put on the county polygons of the provinces it covers."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geourb._errors import EmptyResultError
from geourb._log import logger

# --------------------------------------------------------------------------------------------
# a table keyed by adcode, on the county polygons


@dataclass
class TableJoin:
    """Result of :func:`join_to_counties`.

    Attributes
    ----------
    layer
        Every county of the provinces the table covers, with the table's columns (NA where a
        county has no row).
    unmatched_rows
        Rows of the table whose code matches no county (not drawn).
    counties_without_row
        Names of the counties of those provinces that have no row (no data).
    messages
        One line for people per thing left out.
    """

    layer: gpd.GeoDataFrame
    unmatched_rows: pd.DataFrame
    counties_without_row: list[str]
    messages: list[str]


def join_to_counties(
    table: pd.DataFrame,
    *,
    adcode_column: str = "adcode",
    columns: list[str] | None = None,
    source: str = "table",
    counties: gpd.GeoDataFrame | None = None,
) -> TableJoin:
    """Put a table keyed by county code onto the county polygons of the provinces it covers.

    Parameters
    ----------
    table
        A table with a county-code column (6-, 9- or 12-digit codes).
    adcode_column
        Its code column.
    columns
        Columns that must be present (e.g. the one to map).
    source
        The table's name (file) for messages.
    counties
        County layer (default: :func:`geourb.counties.load_counties`).

    Returns
    -------
    TableJoin
        The layer and what was left out (also logged).

    Raises
    ------
    MissingColumnError
        The code column or a named column is absent.
    DuplicateKeyError
        A code is repeated.
    EmptyResultError
        No code matches a county.
    """
    from geourb._validate import normalize_adcode, require_columns, require_unique

    require_columns(table, [adcode_column, *(columns or [])], source=source)
    table = table.assign(adcode=normalize_adcode(table[adcode_column], source=source))
    require_unique(table["adcode"], what=adcode_column, source=source)
    if counties is None:
        from geourb.counties import load_counties

        counties = load_counties()
    values = table.drop(columns=[c for c in table.columns if c in counties.columns and c != "adcode"])
    matched = values["adcode"].isin(counties.index)
    if not matched.any():
        raise EmptyResultError(f"{source}: no {adcode_column} value matches a county adcode; expected "
                               "6-digit codes such as 340102.")
    messages = []
    unmatched = values.loc[~matched]
    if len(unmatched):
        messages.append(f"{source}: {len(unmatched)} of {len(values)} rows match no county (e.g. {adcode_column} "
                        f"{unmatched[adcode_column].astype(str).head(5).tolist()}) and are not drawn")
    provinces = counties.loc[values.loc[matched, "adcode"], "province"].unique()
    area = counties[counties["province"].isin(provinces)]
    gdf = area.reset_index(drop=True).merge(values, on="adcode", how="left")
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=counties.crs)
    missing = ~gdf["adcode"].isin(values["adcode"])
    if missing.any():
        messages.append(f"{source}: {int(missing.sum())} of {len(gdf)} counties of {', '.join(provinces)} have no "
                        f"row and are drawn as no data (e.g. {gdf.loc[missing, 'name'].head(5).tolist()})")
    for m in messages:
        logger.info(m)
    return TableJoin(layer=gdf, unmatched_rows=unmatched, counties_without_row=gdf.loc[missing, "name"].tolist(),
                     messages=messages)

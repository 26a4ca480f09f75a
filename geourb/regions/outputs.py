"""Tables and layers of a delineation: region summaries, polygons, map labels, the scattered tier."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb.coords import CHINA_ALBERS
from geourb.regions.config import Delineation


def scattered_counties(layer: pd.DataFrame, counties: pd.DataFrame, *, score: pd.Series | None = None) -> pd.DataFrame:
    """Return the scattered tier: candidate counties outside every concentrated region.

    Parameters
    ----------
    layer
        County layer (``adcode``, ``name``, ``prefecture``, ``province``, ``pop_total``,
        ``urbanization_rate``).
    counties
        :attr:`Delineation.counties` (``tier``, ``gap_people``, ``gap_density_km2``).
    score
        Optional county scores (adcode index).

    Returns
    -------
    pandas.DataFrame
        One row per scattered county, by ``gap_people`` descending then adcode.
    """
    sel = (counties["tier"] == "scattered").fillna(False).to_numpy(dtype=bool)
    cols = [c for c in ("adcode", "name", "prefecture", "province", "pop_total", "urbanization_rate")
            if c in layer]
    df = layer.loc[sel, cols].copy()
    df = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
    df["gap_people"] = counties.loc[sel, "gap_people"].to_numpy()
    df["gap_density_km2"] = counties.loc[sel, "gap_density_km2"].to_numpy()
    df["status"] = counties.loc[sel, "status"].to_numpy()
    if score is not None:
        df["score"] = score.reindex(df.index).to_numpy()
    df["_k"] = df.index.astype(str)
    return df.sort_values(["gap_people", "_k"], ascending=[False, True], kind="stable").drop(columns="_k")


def region_summary(
    layer: pd.DataFrame,
    region_id: pd.Series,
    *,
    scores: pd.Series | None = None,
    parks: pd.Series | None = None,
) -> pd.DataFrame:
    """Per region: n_counties, pop_total, pop_urban, urbanization_rate, mean score, parks, prefectures.

    Parameters
    ----------
    layer
        County layer with ``pop_total``, ``pop_urban`` and optionally ``prefecture``.
    region_id
        Region id of each county (NA outside regions), aligned to ``layer``.
    scores
        Optional county scores (adcode index): adds ``score_mean``.
    parks
        Optional park counts per county (adcode index, e.g. the ``park_count`` indicator):
        adds their sum ``park_count``.

    Returns
    -------
    pandas.DataFrame
        One row per region, sorted by ``region_id``: ``region_id``, ``n_counties``,
        ``pop_total``, ``pop_urban``, ``urbanization_rate``, optional ``score_mean`` and
        ``park_count``, and ``prefectures`` (comma-separated names).
    """
    rid = region_id.reindex(layer.index)
    sel = rid.notna().to_numpy()
    df = pd.DataFrame({"region_id": rid[sel].astype(str).to_numpy(),
                       "pop_total": layer.loc[sel, "pop_total"].astype(float).to_numpy(),
                       "pop_urban": layer.loc[sel, "pop_urban"].astype(float).to_numpy(),
                       "prefecture": layer.loc[sel, "prefecture"].astype(str).to_numpy()
                       if "prefecture" in layer else ""}, index=layer.index[sel])
    if scores is not None:
        df["score"] = scores.reindex(df.index).astype(float)
    if parks is not None:
        p = parks.copy()
        p.index = p.index.astype(str)
        df["park_count"] = p.reindex(df.index).fillna(0).astype(float)
    g = df.groupby("region_id", sort=True)
    out = pd.DataFrame({"n_counties": g.size(), "pop_total": g["pop_total"].sum(),
                        "pop_urban": g["pop_urban"].sum()})
    out["urbanization_rate"] = out["pop_urban"] / out["pop_total"]
    if "score" in df:
        out["score_mean"] = g["score"].mean()
    if "park_count" in df:
        out["park_count"] = g["park_count"].sum()
    out["prefectures"] = g["prefecture"].agg(lambda s: ",".join(sorted(set(s))))
    out.index.name = "region_id"
    return out.reset_index()




@renamed_keywords(layer="counties")
def region_polygons(counties: gpd.GeoDataFrame, delineation: Delineation) -> gpd.GeoDataFrame:
    """One dissolved polygon per region (from its counties) with its summary, for maps and QGIS.

    Parameters
    ----------
    counties
        The county layer the delineation was made on (polygons, indexed by adcode).
    delineation
        Result of :func:`delineate_regions`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``region_id``, ``name``, ``name_en``, the region summary columns (``n_counties``,
        ``pop_total``, ``urbanization_rate`` ...) and ``geometry`` (the layer's CRS), sorted
        by ``region_id``.
    """
    rid = delineation.counties["region_id"].reindex(counties.index)
    sel = (rid.notna() & (rid.astype(str) != "")).to_numpy()
    parts = gpd.GeoDataFrame({"region_id": rid[sel].astype(str).to_numpy()},
                             geometry=counties.geometry[sel].to_numpy(), crs=counties.crs)
    merged = parts.dissolve(by="region_id", sort=True)
    summary = delineation.regions.rename(columns={"region_name": "name", "region_name_en": "name_en"})
    if summary.empty:
        return gpd.GeoDataFrame(summary.assign(geometry=None), geometry="geometry", crs=counties.crs)
    out = summary.set_index("region_id").join(merged, how="left").reset_index()
    return gpd.GeoDataFrame(out, geometry="geometry", crs=counties.crs).sort_values("region_id").reset_index(drop=True)


@renamed_keywords(layer="counties")
def region_labels(counties: gpd.GeoDataFrame, delineation: Delineation, *,
                  top_n: int | None = None) -> gpd.GeoDataFrame:
    """One label point per concentrated region (``"1 皖北"``), for maps.

    Parameters
    ----------
    counties
        The county layer the delineation was made on.
    delineation
        Result of :func:`delineate_regions`.
    top_n
        Only the regions ranked this high (default: all).

    Returns
    -------
    geopandas.GeoDataFrame
        ``region_id``, ``rank``, ``name``, ``name_en``, ``label`` (``"<rank> <name>"``),
        ``label_en``, ``pop_total``, ``top_n_share`` and a point inside the region (WGS84),
        by rank.
    """
    polys = region_polygons(counties, delineation)
    if polys.empty:
        return gpd.GeoDataFrame({"region_id": [], "rank": [], "label": []}, geometry=[], crs=counties.crs)
    if top_n is not None:
        polys = polys[polys["rank"] <= top_n]
    pts = polys.geometry.to_crs(CHINA_ALBERS).representative_point().to_crs(counties.crs)
    out = gpd.GeoDataFrame({
        "region_id": polys["region_id"].to_numpy(), "rank": polys["rank"].astype(int).to_numpy(),
        "name": polys["name"].to_numpy(), "name_en": polys["name_en"].to_numpy(),
        "label": [f"{r} {n}" for r, n in zip(polys["rank"].astype(int), polys["name"], strict=True)],
        "label_en": [f"{r} {n}" for r, n in zip(polys["rank"].astype(int), polys["name_en"], strict=True)],
        "pop_total": polys["pop_total"].to_numpy(), "top_n_share": polys["top_n_share"].to_numpy(),
    }, geometry=pts.to_numpy(), crs=counties.crs)
    return out.sort_values("rank").reset_index(drop=True)

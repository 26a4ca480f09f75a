"""Contiguous potential regions: candidates, spatial weights, hot spots, delineation and names.

The plan (2024-2029) asks for new urbanization in clusters of counties with low urbanization
and large populations (皖北, 冀中南, 鲁西南, 豫东南, 湘西南, 粤西, 川东). This module:

1. selects **candidate** counties (default: urbanization below the national rate and at least
   300,000 residents; thresholds are :class:`RegionConfig` settings);
2. builds **contiguity weights** (Queen/Rook) from the polygons, vectorised over shared
   vertices (the same neighbours as ``libpysal.weights.Queen``, several times faster), returned
   as a ``libpysal.weights.W`` with islands attached to their nearest neighbour (KNN, k=1);
3. computes **hot spots** of the score with esda's Getis-Ord Gi* (permutations, fixed seed);
4. **delineates** regions: connected components of candidate counties (within each province by
   default), components above ``max_region_pop`` people or ``max_region_counties`` counties
   split with spopt (Ward or max-p) until every part is within both limits, regions under
   ``min_region_pop`` reported as too small;
5. **names** each region by province abbreviation plus the direction of its
   population-weighted centre from the province's population-weighted centre (皖北 /
   northern Anhui; cardinal directions cover ±30°); a region across provinces is named after the
   province holding most of its population, the others listed.

Presets of the seven regions the plan names are *conventional* prefecture groupings
(``data/region_presets.toml``); :func:`compare_to_presets` measures the population overlap.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from geourb._classify import seeded_numpy
from geourb._config import TomlConfig
from geourb._errors import (
    DataFileNotFoundError,
    EmptyResultError,
    InvalidValueError,
    SettingsError,
)
from geourb._log import logger
from geourb._names import PROVINCES
from geourb._validate import require_columns
from geourb.counties import CHINA_ALBERS
from geourb.indicators import national_urbanization_rate


@dataclass
class RegionConfig(TomlConfig):
    """Validated delineation settings (unknown keys refused; readable from TOML ``[regions]``).

    Attributes
    ----------
    max_rate
        Candidates have an urbanization rate below this: ``"national"`` (the layer's
        population-weighted rate, ~0.639 for China 2020) or a fraction.
    min_pop_total
        Candidates have at least this many residents. Default 300,000: about the median of
        China's county-level units outside urban districts (323,000 in 2020); a higher floor
        (500,000) drops most counties of the dense plains of Hebei, Henan and Anhui, where a
        county often has 300,000-500,000 people (大名, 魏县, 临漳), and keeps only the
        largest counties of the plan's regions.
    contiguity
        ``queen`` (a shared vertex) or ``rook`` (a shared edge: at least two shared vertices).
    islands
        ``knn``: attach counties without a contiguous neighbour to their nearest one;
        ``keep``: leave them alone (reported).
    split_by_province
        Cut contiguity across province borders before delineating (names stay within one
        province, like the plan's regions).
    min_region_pop, min_region_counties
        Smaller groups of candidates are reported as ``too_small`` and get no region.
    max_region_pop, max_region_counties
        Groups above this population or this number of counties are split, and their parts
        again until every part is within both (``0`` disables a limit). Defaults 25 million
        and 30 counties: the size of the plan's largest single-province regions (皖北 27 M,
        豫东南 22 M, 鲁西南 21 M in 20-30 counties); a 46-county group spanning a whole
        province (Hunan from 张家界 to 郴州) is not one region.
    maxp_floor_pop
        Population floor of each split part: exact with ``split_method="maxp"`` (spopt
        MaxPHeuristic, ~1-2 s per large component), a target with ``"ward"`` (spopt
        WardSpatial on the county centroids with ``ceil(pop / maxp_floor_pop)`` parts, at
        least ``n / max_region_counties``: compact, contiguous and ~50x faster; parts may fall
        under the floor). Default 12 million, about half the maximum.
    split_method
        ``ward`` (default, fast) or ``maxp``.
    split_along_prefectures
        With ``ward``, split along prefecture borders where possible (clusters of the
        prefecture pieces of a group): parts are unions of prefectures, like the regions of
        planning documents (皖北 = 宿州, 淮北, 亳州, 阜阳, 蚌埠, 淮南), not arbitrary cuts.
    hotspots, permutations, alpha, seed
        Getis-Ord Gi* of the score (when scores are given), its permutations, significance
        level and the random seed (also used for max-p).
    """

    _section: ClassVar[str] = "regions"

    max_rate: float | str = "national"
    min_pop_total: float = 300_000
    contiguity: str = "queen"
    islands: str = "knn"
    split_by_province: bool = True
    min_region_pop: float = 3_000_000
    min_region_counties: int = 3
    max_region_pop: float = 25_000_000
    max_region_counties: int = 30
    maxp_floor_pop: float = 12_000_000
    split_method: str = "ward"
    split_along_prefectures: bool = True
    hotspots: bool = True
    permutations: int = 99
    alpha: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.max_rate, str):
            if self.max_rate != "national":
                raise SettingsError(f"regions.max_rate must be 'national' or a fraction, got {self.max_rate!r}.")
        elif not 0 < float(self.max_rate) <= 1:
            raise SettingsError(f"regions.max_rate must be a fraction in (0, 1], got {self.max_rate!r}.")
        if self.contiguity not in ("queen", "rook"):
            raise SettingsError(f"regions.contiguity must be 'queen' or 'rook', got {self.contiguity!r}.")
        if self.islands not in ("knn", "keep"):
            raise SettingsError(f"regions.islands must be 'knn' or 'keep', got {self.islands!r}.")
        for name in ("min_pop_total", "min_region_pop", "max_region_pop", "maxp_floor_pop"):
            if float(getattr(self, name)) < 0:
                raise SettingsError(f"regions.{name} must be >= 0, got {getattr(self, name)!r}.")
        if self.split_method not in ("ward", "maxp"):
            raise SettingsError(f"regions.split_method must be 'ward' or 'maxp', got {self.split_method!r}.")
        if self.max_region_counties < 0:
            raise SettingsError(f"regions.max_region_counties must be >= 0, got {self.max_region_counties!r}.")
        if self.min_region_counties < 1 or self.permutations < 0 or not 0 < self.alpha < 1:
            raise SettingsError("regions.min_region_counties >= 1, permutations >= 0 and 0 < alpha < 1 required.")


# --------------------------------------------------------------------------------------------
# candidates


def candidate_counties(
    layer: pd.DataFrame,
    *,
    max_rate: float | str | None = "national",
    min_pop_total: float = 300_000,
) -> pd.Series:
    """Boolean Series (name ``candidate``): urbanization below ``max_rate`` and population >= ``min_pop_total``.

    Counties without census data are never candidates (logged).

    Parameters
    ----------
    layer
        County layer joined with the census: ``pop_total`` and ``urbanization_rate`` (and
        ``pop_urban`` for the national rate).
    max_rate
        Candidates have an urbanization rate strictly below this fraction; ``"national"`` or
        ``None``: the layer's own population-weighted rate.
    min_pop_total
        Candidates have at least this many residents.

    Returns
    -------
    pandas.Series
        Boolean ``candidate`` aligned to ``layer.index``.

    Raises
    ------
    EmptyResultError
        No county passes the thresholds (the message gives the thresholds and the ranges).
    """
    require_columns(layer, ["pop_total", "urbanization_rate"], source="county layer")
    if max_rate is None or max_rate == "national":
        max_rate = national_urbanization_rate(layer)
    rate = layer["urbanization_rate"].astype(float)
    pop = layer["pop_total"].astype(float)
    no_data = rate.isna() | pop.isna()
    if no_data.any():
        logger.info("candidates: %d counties without census data are not candidates (e.g. %s)",
                    int(no_data.sum()), list(layer.index[no_data][:5]))
    cand = (rate < float(max_rate)) & (pop >= float(min_pop_total)) & ~no_data
    if not cand.any():
        raise EmptyResultError(
            f"No county has urbanization below {float(max_rate):.3f} and at least {min_pop_total:,.0f} "
            f"residents (rates {rate.min():.3f}-{rate.max():.3f}, populations up to {pop.max():,.0f}). "
            "Raise max_rate or lower min_pop_total."
        )
    return cand.rename("candidate")


# --------------------------------------------------------------------------------------------
# spatial weights


def shared_vertex_counts(geoms: gpd.GeoSeries) -> sparse.csr_matrix:
    """n x n matrix of the number of distinct vertices each pair of polygons shares."""
    import shapely

    coords, part = shapely.get_coordinates(geoms.values, return_index=True)
    q = np.round(coords * 1e7).astype(np.int64)
    key = q[:, 0] * 4_000_000_000 + q[:, 1]
    pairs = np.unique(np.column_stack([key, part]), axis=0) if len(key) < 50_000 else None
    if pairs is None:
        order = np.lexsort((part, key))
        k, p = key[order], part[order]
        keep = np.ones(len(k), dtype=bool)
        keep[1:] = (k[1:] != k[:-1]) | (p[1:] != p[:-1])
        k, p = k[keep], p[keep]
    else:
        k, p = pairs[:, 0], pairs[:, 1]
    # keep vertices used by at least two polygons
    shared = np.zeros(len(k), dtype=bool)
    same_next = k[1:] == k[:-1]
    shared[1:] |= same_next
    shared[:-1] |= same_next
    k, p = k[shared], p[shared]
    _, vid = np.unique(k, return_inverse=True)
    m = sparse.csr_matrix((np.ones(len(vid)), (vid, p)), shape=(int(vid.max()) + 1 if len(vid) else 0, len(geoms)))
    a = (m.T @ m).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    return a


def contiguity_weights(
    layer: gpd.GeoDataFrame,
    *,
    kind: str = "queen",
    islands: str = "knn",
    split_by: pd.Series | None = None,
    adjacency: sparse.spmatrix | None = None,
) -> Any:
    """Contiguity weights of the polygons of ``layer`` as a ``libpysal.weights.W`` (ids = index).

    Parameters
    ----------
    layer
        Polygons (WGS84 from the county layer: shared borders share exact vertices).
    kind
        ``queen`` (at least one shared vertex) or ``rook`` (at least two: a shared edge).
    islands
        ``knn``: attach each unit without neighbours to its nearest unit by centroid (k=1),
        logged; ``keep``: leave them without neighbours (listed in ``w.islands``).
    split_by
        Optional labels aligned to ``layer`` (e.g. province codes): links between units with
        different labels are cut.
    adjacency
        Precomputed shared-vertex counts (:func:`shared_vertex_counts`) of ``layer``, to reuse.
    """
    import libpysal

    if kind not in ("queen", "rook"):
        raise InvalidValueError(f"kind must be 'queen' or 'rook', got {kind!r}.")
    if islands not in ("knn", "keep"):
        raise InvalidValueError(f"islands must be 'knn' or 'keep', got {islands!r}.")
    if len(layer) == 0:
        raise EmptyResultError("Cannot build spatial weights of an empty layer.")
    a = shared_vertex_counts(layer.geometry) if adjacency is None else adjacency.copy()
    if kind == "rook":
        a.data = (a.data >= 2).astype(float)
        a.eliminate_zeros()
    a.data[:] = 1.0
    if split_by is not None:
        lab = pd.factorize(pd.Series(split_by).reindex(layer.index).astype(str))[0]
        coo = a.tocoo()
        keep = lab[coo.row] == lab[coo.col]
        a = sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=a.shape)
    ids = [str(i) for i in layer.index]
    deg = np.asarray((a != 0).sum(axis=1)).ravel()
    lonely = np.flatnonzero(deg == 0)
    if len(lonely) and islands == "knn" and len(layer) > 1:
        from scipy.spatial import cKDTree

        pts = layer.geometry.to_crs(CHINA_ALBERS).representative_point()
        xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
        groups = lab if split_by is not None else np.zeros(len(layer), dtype=int)
        a = a.tolil()
        for i in lonely:
            same = np.flatnonzero((groups == groups[i]) & (np.arange(len(layer)) != i))
            if len(same) == 0:
                continue
            _, j = cKDTree(xy[same]).query(xy[i])
            j = int(same[j])
            a[i, j] = 1.0
            a[j, i] = 1.0
        a = a.tocsr()
        logger.info("spatial weights: %d island(s) attached to their nearest unit: %s", len(lonely),
                    [ids[i] for i in lonely[:10]])
    w = libpysal.weights.WSP(a.tocsr(), id_order=ids).to_W(silence_warnings=True)
    return w


# --------------------------------------------------------------------------------------------
# hot spots


def hotspots(values: pd.Series, w: Any, *, permutations: int = 99, alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Getis-Ord Gi* hot and cold spots of ``values`` (esda), aligned to ``values``.

    Units missing in ``values`` are left out of the statistic (NaN).

    Parameters
    ----------
    values
        One value per unit (e.g. the score), indexed like the ids of ``w``.
    w
        ``libpysal.weights.W`` whose ids are the string index of ``values``
        (:func:`contiguity_weights`).
    permutations
        Conditional permutations for the pseudo p-values (0: normal approximation).
    alpha
        Significance level of ``hot`` / ``cold``.
    seed
        Random seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``values``: ``gi_z`` (z of the statistic), ``gi_p`` (pseudo p-value of the
        permutations, or the normal p without permutations) and ``hotspot``: ``hot``,
        ``cold`` or ``ns`` at ``alpha`` (all ``ns`` / NaN with fewer than 3 values).
    """
    import warnings

    import esda
    import libpysal

    y = values.astype(float)
    ok = y.notna()
    out = pd.DataFrame({"gi_z": np.nan, "gi_p": np.nan, "hotspot": "ns"}, index=values.index)
    if ok.sum() < 3:
        return out
    ids = [str(i) for i in y.index[ok]]
    sub = libpysal.weights.w_subset(w, ids, silence_warnings=True) if ok.sum() < len(y) else w
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda warns about islands and star inference
        g = esda.G_Local(y[ok].to_numpy(), sub, star=True, permutations=permutations, seed=seed)
    z = g.Zs
    p = g.p_sim if permutations else g.p_norm
    out.loc[ok, "gi_z"] = z
    out.loc[ok, "gi_p"] = p
    sig = ok.copy()
    sig[ok] = np.asarray(p) < alpha
    out.loc[sig & (out["gi_z"] > 0), "hotspot"] = "hot"
    out.loc[sig & (out["gi_z"] < 0), "hotspot"] = "cold"
    return out


# --------------------------------------------------------------------------------------------
# names

_DIRS_ZH = ["东", "东北", "北", "西北", "西", "西南", "南", "东南"]
_DIRS_EN = {"东": "eastern", "东北": "northeastern", "北": "northern", "西北": "northwestern", "西": "western",
            "西南": "southwestern", "南": "southern", "东南": "southeastern", "中": "central",
            "中北": "central-northern", "中南": "central-southern"}


CARDINAL_HALF_WIDTH = 30.0
"""Half-width (degrees) of the sectors of 北/南/东/西: a region within ±30° of due north is 北;
the diagonal sectors (东北 ...) are the 30° between them."""


def _sector(angle: float) -> tuple[int, float, float]:
    """Sector (0 = 东, 1 = 东北, ... counter-clockwise) of an angle in degrees, its signed offset
    from the sector's centre (> 0: leans counter-clockwise) and the sector's half-width."""
    a = angle % 360
    for k in range(8):
        centre = 45.0 * k
        half = CARDINAL_HALF_WIDTH if k % 2 == 0 else 45.0 - CARDINAL_HALF_WIDTH
        off = (a - centre + 180) % 360 - 180
        if -half <= off < half or (k == 0 and off == half):
            return k, off, half
    return 0, 0.0, CARDINAL_HALF_WIDTH  # pragma: no cover - the sectors cover the circle


def direction_name(dx: float, dy: float, *, spread_x: float, spread_y: float) -> tuple[str, str]:
    """Chinese and English direction of an offset (dx east, dy north) from a province centre.

    The direction is the geographic bearing of the offset; its length is scaled by the
    province's spread (the population-weighted standard deviation of its counties' positions
    along each axis): under 0.35 of it the region is central (中); a mostly north/south
    offset under 0.7 gives 中北/中南 (冀中南). The cardinal directions
    (北/南/东/西) cover ±30° (:data:`CARDINAL_HALF_WIDTH`) and the diagonal ones the 30°
    between, so a region lying mostly due north is 北, as in Chinese usage (皖北, 豫东).

    Examples
    --------
    >>> direction_name(30, 100, spread_x=100, spread_y=100)  # 17° east of north
    ('北', 'northern')
    >>> direction_name(100, 80, spread_x=100, spread_y=100)  # 39° north of east
    ('东北', 'northeastern')
    """
    sx, sy = dx / max(spread_x, 1.0), dy / max(spread_y, 1.0)
    r = math.hypot(sx, sy)
    if r < 0.35:
        return "中", _DIRS_EN["中"]
    zh = _DIRS_ZH[_sector(math.degrees(math.atan2(dy, dx)))[0]]
    if r < 0.7 and zh in ("北", "南"):
        zh = "中" + zh
    return zh, _DIRS_EN[zh]


def _direction_candidates(dx: float, dy: float, *, spread_x: float, spread_y: float) -> tuple[list[str], float]:
    """Direction names of an offset, best first, and how far it is from its sector's centre.

    The first name is :func:`direction_name`'s; the second is the finer direction used to
    tell apart two regions of a province with the same name: the neighbouring sector on the
    side the offset leans to (东 leaning north: 东北); 中北/中南 offer the plain 北/南; 中
    offers 中北/中南 or its sector (中 leaning east: 东).
    The second value (the offset from the sector centre as a share of its half-width, x 22.5;
    for 中 the scaled distance from the centre) ranks which region keeps the plain name: the
    most typical one.
    """
    first, _ = direction_name(dx, dy, spread_x=spread_x, spread_y=spread_y)
    sx, sy = dx / max(spread_x, 1.0), dy / max(spread_y, 1.0)
    sector, off, half = _sector(math.degrees(math.atan2(dy, dx)))
    plain = _DIRS_ZH[sector]
    if first == "中":
        names = [first, "中" + plain if plain in ("北", "南") else plain]
    elif first in ("中北", "中南"):
        names = [first, plain]
    else:
        names = [first, _DIRS_ZH[(sector + (1 if off >= 0 else -1)) % 8]]
    return names, (math.hypot(sx, sy) / 0.35 * 22.5 if first == "中" else abs(off) / half * 22.5)


_KM_PER_DEG = 111.195


def _centroid_lonlat(layer: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat (WGS84) of the equal-area centroids of the polygons."""
    pts = layer.geometry.to_crs(CHINA_ALBERS).centroid.to_crs("EPSG:4326")
    return pts.x.to_numpy(), pts.y.to_numpy()


def _province_frames(layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """Population-weighted centre (lon/lat) and spread (km, east and north) of each province.

    The spread is the weighted standard deviation of the counties' centroids around the
    centre, in a local east/north frame (true north, not the Albers grid). Provinces without
    population (e.g. outside the census) fall back to area weights.
    """
    lon, lat = _centroid_lonlat(layer)
    pop = layer["pop_total"].astype(float).fillna(0).clip(lower=0) if "pop_total" in layer else None
    area = layer["area_km2"].astype(float).fillna(0) if "area_km2" in layer else pd.Series(1.0, index=layer.index)
    df = pd.DataFrame({"lon": lon, "lat": lat, "a": area.clip(lower=1e-6).to_numpy(),
                       "p": pop.to_numpy() if pop is not None else 0.0,
                       "prov": layer["adcode"].astype(str).str[:2].to_numpy()})
    rows = {}
    for prov, g in df.groupby("prov"):
        by_pop = g["p"].sum() > 0
        w = g["p"] if by_pop else g["a"]
        clon, clat = np.average(g["lon"], weights=w), np.average(g["lat"], weights=w)
        x = (g["lon"] - clon) * _KM_PER_DEG * math.cos(math.radians(clat))
        y = (g["lat"] - clat) * _KM_PER_DEG
        rows[prov] = {"clon": clon, "clat": clat, "sx": math.sqrt(np.average(x**2, weights=w)),
                      "sy": math.sqrt(np.average(y**2, weights=w)), "weights": "pop" if by_pop else "area"}
    return pd.DataFrame.from_dict(rows, orient="index")


def _province_label(code: str) -> tuple[str, str, str]:
    full, abbr, en = PROVINCES.get(code, (code, code, code))
    return full, abbr, en


# --------------------------------------------------------------------------------------------
# delineation


@dataclass
class Delineation:
    """Result of :func:`delineate_regions`.

    Attributes
    ----------
    counties
        Aligned to the layer: ``candidate``, ``component``, ``region_id`` (``R01`` ..., empty
        outside regions), ``region_name``, ``region_name_en``, ``status`` (``region``,
        ``too_small``, ``not_candidate``, ``no_data``) and the hot-spot columns when computed.
    regions
        One row per region (see :func:`region_summary`).
    config
        The settings used.
    """

    counties: pd.DataFrame
    regions: pd.DataFrame
    config: RegionConfig
    weights: Any = field(default=None, repr=False)


def _prefecture_pieces(sub: pd.DataFrame, dense: np.ndarray) -> np.ndarray:
    """Label of each county's prefecture piece: the connected counties of one prefecture."""
    pref = pd.factorize(sub["prefecture_adcode"].astype(str))[0]
    same = dense & (pref[:, None] == pref[None, :])
    return sparse.csgraph.connected_components(sparse.csr_matrix(same), directed=False)[1]


def split_component(sub: gpd.GeoDataFrame, adjacency: sparse.spmatrix, attr: pd.Series, *, floor: float,
                    method: str = "ward", seed: int = 0, min_parts: int = 2,
                    along_prefectures: bool = False) -> np.ndarray:
    """Split one connected group of counties into contiguous parts (labels 0..p-1).

    ``maxp``: spopt MaxPHeuristic on ``attr`` with population floor ``floor`` (seeded: spopt
    draws from numpy's global generator, whose state is restored afterwards). ``ward``: spopt
    WardSpatial on the Albers centroids with ``pop / floor`` parts (rounded up; at least
    ``min_parts`` and 2). With ``along_prefectures`` (``ward`` only) the units clustered are
    the group's prefecture pieces (the contiguous counties of one prefecture, at their
    population-weighted centre), so parts are unions of prefectures, as the regions of
    planning documents are; when there are fewer pieces than parts, counties are clustered.

    Parameters
    ----------
    sub
        The group's counties (polygons and ``pop_total``).
    adjacency
        Their n x n contiguity matrix (non-zero = neighbours), in the order of ``sub``.
    attr
        Attribute whose homogeneity max-p optimises (e.g. the score), aligned to ``sub``.
    floor
        Population floor of each part (``maxp``) or population per part (``ward``).
    method
        ``ward`` or ``maxp``.
    seed
        Seed of numpy's global generator during the solve.
    min_parts
        Least number of parts with ``ward`` (e.g. to respect a maximum number of counties).
    along_prefectures
        Cluster prefecture pieces instead of counties (``ward``; needs ``prefecture_adcode``).

    Returns
    -------
    numpy.ndarray
        One integer part label per county of ``sub``, in its order.
    """
    import warnings

    import libpysal
    from spopt.region import MaxPHeuristic, WardSpatial

    frame = sub.reset_index(drop=True)
    dense = sparse.csr_matrix(adjacency).toarray() > 0
    wi = libpysal.weights.W({i: [int(j) for j in np.flatnonzero(row)] for i, row in enumerate(dense)},
                            silence_warnings=True)
    with seeded_numpy(seed), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "maxp":
            frame["_attr"] = attr.to_numpy()
            model = MaxPHeuristic(frame, wi, ["_attr"], "pop_total", floor, top_n=2,
                                  max_iterations_construction=2, max_iterations_sa=1)
        else:
            c = frame.geometry.to_crs(CHINA_ALBERS).centroid
            frame["_x"], frame["_y"] = c.x.to_numpy() / 1e5, c.y.to_numpy() / 1e5
            k = max(2, min_parts, math.ceil(frame["pop_total"].sum() / max(floor, 1)))
            piece = (_prefecture_pieces(frame, dense) if along_prefectures and "prefecture_adcode" in frame
                     else None)
            if piece is not None and piece.max() + 1 > k:
                wt = frame["pop_total"].astype(float).clip(lower=1.0)
                agg = pd.DataFrame({"_x": frame["_x"] * wt, "_y": frame["_y"] * wt, "_w": wt}).groupby(piece).sum()
                pieces = pd.DataFrame({"_x": agg["_x"] / agg["_w"], "_y": agg["_y"] / agg["_w"]})
                coo = sparse.coo_matrix(dense)
                links: dict[int, set[int]] = {int(i): set() for i in pieces.index}
                for a, b in zip(piece[coo.row], piece[coo.col], strict=True):
                    if a != b:
                        links[int(a)].add(int(b))
                wp = libpysal.weights.W({i: sorted(v) for i, v in links.items()}, silence_warnings=True)
                model = WardSpatial(pieces, wp, ["_x", "_y"], n_clusters=k)
                model.solve()
                return np.asarray(model.labels_)[piece]
            model = WardSpatial(frame, wi, ["_x", "_y"], n_clusters=min(k, len(frame)))
        model.solve()
    return np.asarray(model.labels_)


def delineate_regions(
    layer: gpd.GeoDataFrame,
    scores: pd.Series | pd.DataFrame | None = None,
    *,
    config: RegionConfig | None = None,
    parks: pd.Series | None = None,
    **overrides: Any,
) -> Delineation:
    """Delineate contiguous potential regions from candidate counties and name them.

    Parameters
    ----------
    layer
        County layer joined with the census (``pop_total``, ``pop_urban``,
        ``urbanization_rate``, polygons, ``adcode``, ``area_km2``).
    scores
        Optional county scores (a Series, or the table of :class:`geourb.scoring.ScoreResult`
        with a ``score`` column): used for hot spots, for max-p homogeneity and the summaries.
    config
        :class:`RegionConfig`; keyword ``overrides`` replace its fields.
    parks
        Optional per-county park counts (adcode index) summed in the region summary.

    Raises
    ------
    EmptyResultError
        No candidate county, or no group of candidates reaches ``min_region_pop``.
    """
    cfg = RegionConfig.from_dict({**(config.as_dict() if config else {}), **overrides})
    require_columns(layer, ["adcode", "pop_total", "pop_urban", "urbanization_rate", "geometry"],
                    source="county layer")
    score = None
    if scores is not None:
        score = scores["score"] if isinstance(scores, pd.DataFrame) else scores
        score = score.reindex(layer.index).astype(float)
    max_rate = None if cfg.max_rate == "national" else float(cfg.max_rate)
    cand = candidate_counties(layer, max_rate=max_rate, min_pop_total=cfg.min_pop_total)
    out = pd.DataFrame(index=layer.index)
    out["candidate"] = cand
    out["status"] = np.where(cand, "too_small", "not_candidate")
    out.loc[layer["pop_total"].isna(), "status"] = "no_data"
    w_all = None
    sel = cand.to_numpy()
    sub = layer[sel]
    if cfg.hotspots and score is not None:
        full = shared_vertex_counts(layer.geometry)
        w_all = contiguity_weights(layer, kind=cfg.contiguity, islands=cfg.islands, adjacency=full)
        out = out.join(hotspots(score, w_all, permutations=cfg.permutations, alpha=cfg.alpha, seed=cfg.seed))
        idx = np.flatnonzero(sel)
        sub_adj = full.tocsr()[idx][:, idx]
    else:
        sub_adj = None
    split = sub["adcode"].astype(str).str[:2] if cfg.split_by_province else None
    # candidates only: their own contiguity (islands among candidates stay alone: a region must touch)
    w = contiguity_weights(sub, kind=cfg.contiguity, islands="keep", split_by=split, adjacency=sub_adj)
    n_comp, comp = sparse.csgraph.connected_components(w.sparse, directed=False)
    labels = pd.Series(comp, index=sub.index)
    out["component"] = pd.Series(labels, dtype="Int64").reindex(out.index)
    pop = sub["pop_total"].astype(float)
    comp_pop = pop.groupby(labels.to_numpy()).sum()
    attr = score.reindex(sub.index).fillna(0.0) if score is not None else sub["urbanization_rate"].astype(float)
    final = pd.Series(-1, index=sub.index)
    next_id = 0

    def too_big(m: pd.Index) -> bool:
        return bool((cfg.max_region_pop and pop[m].sum() > cfg.max_region_pop)
                    or (cfg.max_region_counties and len(m) > cfg.max_region_counties))

    for c in comp_pop.sort_values(ascending=False).index:
        # split components above the size limits, then their parts still above them (depth first)
        queue = [labels.index[labels.to_numpy() == c]]
        while queue:
            members = queue.pop(0)
            if too_big(members) and len(members) > 3:
                pos = sub.index.get_indexer(members)
                min_parts = math.ceil(len(members) / cfg.max_region_counties) if cfg.max_region_counties else 2
                lab = split_component(sub.loc[members], w.sparse[pos][:, pos], attr[members],
                                      floor=cfg.maxp_floor_pop, method=cfg.split_method, seed=cfg.seed,
                                      min_parts=min_parts, along_prefectures=cfg.split_along_prefectures)
                parts = [members[lab == sublab] for sublab in pd.unique(lab)]
                logger.info("regions: group of %d counties (%.1f M people) split by %s into %d",
                            len(members), pop[members].sum() / 1e6, cfg.split_method, len(parts))
                if len(parts) > 1:
                    queue[0:0] = parts
                    continue
            if too_big(members):
                logger.warning("regions: group of %d counties (%.1f M people, from %s) exceeds the size "
                               "limits but cannot be split further", len(members),
                               pop[members].sum() / 1e6, members[0])
            final[members] = next_id
            next_id += 1
    # keep groups that are large enough
    gpop = pop.groupby(final.to_numpy()).sum()
    gn = final.value_counts()
    keep = [g for g in gpop.index if gpop[g] >= cfg.min_region_pop and gn[g] >= cfg.min_region_counties]
    if not keep:
        raise EmptyResultError(
            f"{len(sub)} candidate counties form {n_comp} contiguous groups, but none reaches "
            f"{cfg.min_region_pop:,.0f} residents and {cfg.min_region_counties} counties "
            f"(largest: {gpop.max():,.0f}). Lower min_region_pop / min_region_counties."
        )
    kept = final[final.isin(keep)]
    # deterministic region ids: by population, descending, then by smallest adcode
    order = sorted(keep, key=lambda g: (-gpop[g], min(kept.index[kept.to_numpy() == g])))
    rid = {g: f"R{i + 1:02d}" for i, g in enumerate(order)}
    out["region_id"] = pd.Series(kept.map(rid), dtype="string").reindex(out.index)
    out.loc[out["region_id"].notna(), "status"] = "region"
    names = name_regions(layer, out["region_id"])
    out["region_name"] = out["region_id"].map(names["region_name"]).astype("string")
    out["region_name_en"] = out["region_id"].map(names["region_name_en"]).astype("string")
    summary = region_summary(layer, out["region_id"], scores=score, parks=parks).join(names, on="region_id")
    first = ["region_id", "region_name", "region_name_en", "provinces"]
    summary = summary[first + [c for c in summary.columns if c not in first]]
    return Delineation(counties=out, regions=summary, config=cfg, weights=w_all)


def name_regions(layer: gpd.GeoDataFrame, region_id: pd.Series) -> pd.DataFrame:
    """Names of each region: province abbreviation + direction (皖北 / northern Anhui).

    The province is the one holding most of the region's population; the direction is from
    that province's population-weighted centre (the mean position of its counties weighted
    by ``pop_total``; area-weighted without population) to the region's population-weighted
    centre, scaled by the province's population-weighted spread (:func:`direction_name`).
    Population, not area, is the reference because Chinese usage names parts of a province
    from where its people live: Sichuan's area centre lies on the western plateau, which
    would make the Chengdu plain "eastern". Other provinces are listed (``皖北 (+豫)`` / ``northern Anhui (with parts of
    Henan)``).

    Names are unique: when two regions get the same name, the one closest to the centre of
    its direction keeps it and the others take a finer or neighbouring direction not used by
    any region (川东 and 川东北, 湘中 and 湘中南); only when none is free a numeric suffix
    (`` 2``, `` 3``) is added, in region-id order.

    Parameters
    ----------
    layer
        County layer with ``adcode``, ``pop_total``, polygons and (for the weighting)
        ``area_km2``; every province of a region should be complete in ``layer``, since the
        province centres and spreads are computed from it.
    region_id
        Region id of each county (NA outside regions), aligned to ``layer``.

    Returns
    -------
    pandas.DataFrame
        ``region_name``, ``region_name_en`` and ``provinces`` indexed by region id.
    """
    frames = _province_frames(layer)
    rid = region_id.reindex(layer.index)
    inside = layer[rid.notna().to_numpy()]
    ids = rid[rid.notna()]
    lon, lat = _centroid_lonlat(inside)
    area = inside["area_km2"].astype(float) if "area_km2" in inside else pd.Series(1.0, index=inside.index)
    df = pd.DataFrame({"rid": ids.to_numpy(), "lon": lon, "lat": lat,
                       "w": area.clip(lower=1e-6).to_numpy(),
                       "pop": inside["pop_total"].fillna(0).to_numpy(),
                       "prov": inside["adcode"].astype(str).str[:2].to_numpy()}, index=inside.index)
    info = []
    for r, g in df.groupby("rid", sort=True):
        by_prov = g.groupby("prov")["pop"].sum().sort_values(ascending=False, kind="stable")
        main = str(by_prov.index[0])
        f = frames.loc[main]
        wt = g["pop"] if (g["pop"] > 0).any() else g["w"]
        dx = (np.average(g["lon"], weights=wt) - f["clon"]) * _KM_PER_DEG * math.cos(math.radians(f["clat"]))
        dy = (np.average(g["lat"], weights=wt) - f["clat"]) * _KM_PER_DEG
        dirs, atypical = _direction_candidates(dx, dy, spread_x=f["sx"], spread_y=f["sy"])
        others = [str(p) for p in by_prov.index[1:]]
        info.append({"rid": r, "main": main, "dirs": dirs, "atypical": atypical, "others": others,
                     "provinces": ",".join(_province_label(p)[0] for p in by_prov.index)})

    def label(main: str, zh: str, others: list[str]) -> tuple[str, str]:
        _, abbr, prov_en = _province_label(main)
        name, name_en = f"{abbr}{zh}", f"{_DIRS_EN[zh]} {prov_en}"
        if others:
            name += " (+" + ", ".join(_province_label(p)[1] for p in others) + ")"
            name_en += " (with parts of " + ", ".join(_province_label(p)[2] for p in others) + ")"
        return name, name_en

    # unique names: within a group of regions wanting the same name, one keeps it and the
    # others take their finer direction (the neighbouring sector they lean to: 川东 + 川东北)
    # when no other region has or wants it; the keeper is chosen so that as many as possible
    # get one (then the most typical, closest to the direction's centre). A numeric suffix is
    # the last resort.
    wanted = [label(i["main"], i["dirs"][0], i["others"])[0] for i in info]
    zh_of = {pos: i["dirs"][0] for pos, i in enumerate(info)}
    taken: set[str] = set()
    groups: dict[str, list[int]] = {}
    for pos, w in enumerate(wanted):
        groups.setdefault(w, []).append(pos)
    for w, members in groups.items():
        if len(members) == 1:
            taken.add(w)
            continue
        reserved = (set(wanted) - {w}) | taken
        best: tuple[int, int, dict[int, str]] | None = None
        for rank, keeper in enumerate(sorted(members, key=lambda k: (info[k]["atypical"], k))):
            used, pick, failed = set(reserved) | {w}, {keeper: info[keeper]["dirs"][0]}, 0
            for pos in members:
                if pos == keeper:
                    continue
                i = info[pos]
                alt = next((d for d in i["dirs"][1:] if label(i["main"], d, i["others"])[0] not in used), None)
                if alt is None:
                    failed += 1
                    alt = i["dirs"][0]
                else:
                    used.add(label(i["main"], alt, i["others"])[0])
                pick[pos] = alt
            if best is None or (failed, rank) < best[:2]:
                best = (failed, rank, pick)
        assert best is not None
        for pos, zh in best[2].items():
            zh_of[pos] = zh
            taken.add(label(info[pos]["main"], zh, info[pos]["others"])[0])
    rows = []
    for pos, i in enumerate(info):
        name, name_en = label(i["main"], zh_of[pos], i["others"])
        rows.append({"region_id": i["rid"], "region_name": name, "region_name_en": name_en,
                     "provinces": i["provinces"]})
    names = pd.DataFrame(rows).set_index("region_id")
    # last resort: numeric suffixes for names still repeated, in region-id order
    for col in ("region_name", "region_name_en"):
        seen: dict[str, int] = {}
        vals = []
        for v in names[col]:
            seen[v] = seen.get(v, 0) + 1
            vals.append(v if seen[v] == 1 else f"{v} {seen[v]}")
        names[col] = vals
    return names


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


# --------------------------------------------------------------------------------------------
# presets


def load_presets(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the conventional region presets: key, name, name_en, province, prefecture adcodes, note.

    Default: the built-in ``data/region_presets.toml`` (the seven regions of the 2024-2029 plan).
    """
    if path is None:
        text = resources.files("geourb").joinpath("data/region_presets.toml").read_text(encoding="utf-8")
        source = "geourb/data/region_presets.toml"
    else:
        p = Path(path)
        if not p.exists():
            raise DataFileNotFoundError(f"Preset file {p} does not exist.")
        text, source = p.read_text(encoding="utf-8"), str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{source} is not valid TOML: {exc}") from exc
    rows = []
    for key, v in data.get("presets", {}).items():
        if "prefectures" not in v:
            raise SettingsError(f"Preset {key!r} in {source} has no 'prefectures' list of adcodes.")
        rows.append({"key": key, "name": v.get("name", key), "name_en": v.get("name_en", key),
                     "province": v.get("province", ""), "prefectures": [str(a) for a in v["prefectures"]],
                     "note": v.get("note", "")})
    if not rows:
        raise EmptyResultError(f"{source} defines no [presets.<name>] tables.")
    return pd.DataFrame(rows).set_index("key")


def preset_counties(layer: pd.DataFrame, *, presets: pd.DataFrame | None = None) -> pd.Series:
    """Preset key of every county of ``layer`` (empty when in no preset).

    Parameters
    ----------
    layer
        County layer with ``prefecture_adcode``.
    presets
        Presets from :func:`load_presets` (default: the built-in ones).

    Returns
    -------
    pandas.Series
        ``preset`` (string dtype, NA outside every preset) aligned to ``layer.index``.
    """
    presets = load_presets() if presets is None else presets
    require_columns(layer, ["prefecture_adcode"], source="county layer")
    out = pd.Series(pd.NA, index=layer.index, dtype="string", name="preset")
    for key, row in presets.iterrows():
        hit = layer["prefecture_adcode"].astype(str).isin(row["prefectures"])
        out[hit.to_numpy()] = str(key)
    return out


def compare_to_presets(
    delineation: Delineation | pd.Series,
    layer: pd.DataFrame,
    *,
    presets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Population overlap of a delineation with each preset region.

    Parameters
    ----------
    delineation
        A :class:`Delineation`, or a Series of region ids aligned to ``layer`` (names empty).
    layer
        County layer with ``pop_total`` and ``prefecture_adcode``.
    presets
        Presets from :func:`load_presets` (default: the built-in seven regions).

    Returns
    -------
    pandas.DataFrame
        One row per preset: ``preset``, ``name``, ``name_en``, ``n_counties``, ``pop_preset``,
        ``pop_in_regions`` (preset residents inside any delineated region),
        ``share_preset_in_regions``, the ``best_region`` (the region holding most of the
        preset's population) with ``best_region_name``, ``share_best_region_in_preset`` (the
        best region's residents who live in the preset) and ``regions`` overlapping it.
    """
    rid = delineation.counties["region_id"] if isinstance(delineation, Delineation) else delineation
    names = (delineation.counties["region_name"] if isinstance(delineation, Delineation)
             else pd.Series(pd.NA, index=rid.index, dtype="string"))
    presets = load_presets() if presets is None else presets
    which = preset_counties(layer, presets=presets)
    pop = layer["pop_total"].astype(float).fillna(0)
    rid = rid.reindex(layer.index)
    rows = []
    for key, row in presets.iterrows():
        inp = (which == key).fillna(False).to_numpy(dtype=bool)
        pop_preset = float(pop[inp].sum())
        in_reg = inp & rid.notna().to_numpy()
        by_region = pop[in_reg].groupby(rid[in_reg].astype(str).to_numpy()).sum().sort_values(ascending=False)
        best = str(by_region.index[0]) if len(by_region) else ""
        best_pop = float(pop[(rid == best).fillna(False).to_numpy(dtype=bool)].sum()) if best else 0.0
        rows.append({
            "preset": key, "name": row["name"], "name_en": row["name_en"],
            "n_counties": int(inp.sum()), "pop_preset": pop_preset,
            "pop_in_regions": float(by_region.sum()),
            "share_preset_in_regions": float(by_region.sum()) / pop_preset if pop_preset else np.nan,
            "best_region": best,
            "best_region_name": str(names[(rid == best).fillna(False).to_numpy(dtype=bool)].iloc[0]) if best else "",
            "share_best_region_in_preset": float(by_region.iloc[0]) / best_pop if best_pop else np.nan,
            "regions": ",".join(by_region.index.astype(str)),
        })
    return pd.DataFrame(rows)


def region_polygons(layer: gpd.GeoDataFrame, delineation: Delineation) -> gpd.GeoDataFrame:
    """One dissolved polygon per region (from its counties) with its summary, for maps and QGIS.

    Parameters
    ----------
    layer
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
    rid = delineation.counties["region_id"].reindex(layer.index)
    sel = (rid.notna() & (rid.astype(str) != "")).to_numpy()
    parts = gpd.GeoDataFrame({"region_id": rid[sel].astype(str).to_numpy()},
                             geometry=layer.geometry[sel].to_numpy(), crs=layer.crs)
    merged = parts.dissolve(by="region_id", sort=True)
    summary = delineation.regions.rename(columns={"region_name": "name", "region_name_en": "name_en"})
    out = summary.set_index("region_id").join(merged, how="left").reset_index()
    return gpd.GeoDataFrame(out, geometry="geometry", crs=layer.crs).sort_values("region_id").reset_index(drop=True)

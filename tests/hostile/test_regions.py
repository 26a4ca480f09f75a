"""Hostile input to the regions and contiguity API: bad settings, bad layers, bad gazetteers.

Most cases use a SYNTHETIC grid of square "counties" (labelled as such; no real statistics),
so they run in well under a second each; each asserts the error class and that the message
names the offending key or value.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geourb._errors import (
    DataFileNotFoundError,
    EmptyResultError,
    InvalidValueError,
    MissingColumnError,
    SettingsError,
    UnknownNameError,
)
from geourb.contiguity import contiguity_graph, contiguity_matrix, island_counties
from geourb.regions import RegionConfig, delineate_regions, load_gazetteer, rank_regions


def synthetic_grid(n: int = 6, *, checker: bool = False) -> gpd.GeoDataFrame:
    """SYNTHETIC n x n grid of 0.1-degree squares in "安徽省", two prefectures (left/right half).

    Every unit has 400,000 people at 40% urbanization (a candidate with a large gap); with
    ``checker`` the white squares are urban (90%), so candidates only touch at corners.
    """
    rows = []
    for i in range(n):
        for j in range(n):
            rate = 0.9 if checker and (i + j) % 2 else 0.4
            pref = "340100" if i < n // 2 else "340200"
            rows.append({"adcode": f"34{i:02d}{j:02d}", "pop_total": 4e5, "pop_urban": 4e5 * rate,
                         "urbanization_rate": rate, "area_km2": 100.0, "province": "安徽省",
                         "prefecture": "甲市" if pref == "340100" else "乙市", "prefecture_adcode": pref,
                         "geometry": box(116 + 0.1 * i, 33 + 0.1 * j, 116.1 + 0.1 * i, 33.1 + 0.1 * j)})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("adcode", drop=False)


SMALL = {"min_region_pop": 1e6, "hotspots": False, "rank_draws": 0, "max_rate": 0.6, "gazetteer": "none"}


@pytest.mark.parametrize(("values", "keys"), [
    ({"method": "kmeans"}, ["method", "kmeans"]),
    ({"max_rate": "nationl"}, ["max_rate", "nationl"]),
    ({"target_rate": 0}, ["target_rate"]),
    ({"min_region_pop": 30e6, "max_region_pop": 25e6}, ["min_region_pop", "max_region_pop"]),
    ({"min_region_counties": 50, "max_region_counties": 40}, ["min_region_counties", "max_region_counties"]),
    ({"max_rate": 0.8, "target_rate": 0.7}, ["max_rate", "target_rate"]),
    ({"rank_weights": {"gap_peple": 1.0}}, ["rank_weights", "gap_peple", "gap_people"]),
    ({"rank_weights": {"gap_people": 0.0}}, ["rank_weights"]),
    ({"rank_perturbation": 1.5}, ["rank_perturbation"]),
    ({"top_n": 0}, ["top_n"]),
    ({"min_gap_density_km2": -1}, ["min_gap_density_km2"]),
    ({"contiguity": "bishop"}, ["contiguity", "bishop"]),
])
def test_bad_settings_name_their_keys(values, keys):
    with pytest.raises(SettingsError) as err:
        RegionConfig.from_dict(values)
    for k in keys:
        assert k in str(err.value), (k, str(err.value))


def test_unknown_setting_suggests():
    with pytest.raises(UnknownNameError, match="min_gap_density_km2"):
        RegionConfig.from_dict({"min_gap_density": 50})


def test_region_floor_above_every_province():
    grid = synthetic_grid()
    with pytest.raises(SettingsError, match=r"min_region_pop.*split_by_province"):
        delineate_regions(grid, **{**SMALL, "min_region_pop": 50e6, "max_region_pop": 0})
    with pytest.raises(SettingsError, match=r"min_region_pop.*population"):
        delineate_regions(grid, **{**SMALL, "min_region_pop": 50e6, "max_region_pop": 0,
                                   "split_by_province": False})


def test_zero_concentrated_regions_warns_and_keeps_scattered(caplog):
    grid = synthetic_grid(checker=True)
    with caplog.at_level("WARNING", logger="geourb"):
        d = delineate_regions(grid, contiguity="rook", **SMALL)
    assert "no concentrated region" in caplog.text and "min_region_pop" in caplog.text
    assert d.regions.empty and len(d.scattered) == 18
    assert set(d.counties["tier"]) == {"scattered", ""}


def test_synthetic_grid_gives_one_ranked_region():
    d = delineate_regions(synthetic_grid(), **SMALL)
    assert len(d.regions) == 1 and d.regions["rank"].tolist() == [1]
    assert (d.counties["tier"] == "concentrated").all() and d.scattered.empty


def test_missing_columns_and_bad_layers():
    grid = synthetic_grid()
    with pytest.raises(MissingColumnError, match="area_km2"):
        delineate_regions(grid.drop(columns="area_km2"), **SMALL)
    nodata = grid.assign(pop_total=np.nan, pop_urban=np.nan, urbanization_rate=np.nan)
    with pytest.raises((EmptyResultError, InvalidValueError)):
        delineate_regions(nodata, **{**SMALL, "max_rate": "national"})
    with pytest.raises(EmptyResultError, match="Raise max_rate"):
        delineate_regions(grid, **{**SMALL, "max_rate": 0.1})


def test_gistar_needs_scores():
    with pytest.raises(SettingsError, match="gistar"):
        delineate_regions(synthetic_grid(), method="gistar", **SMALL)


def test_contiguity_bad_arguments():
    grid = synthetic_grid(3)
    with pytest.raises(InvalidValueError, match="bishop"):
        contiguity_graph(grid, kind="bishop")
    with pytest.raises(InvalidValueError, match="drop"):
        contiguity_graph(grid, islands="drop")
    with pytest.raises(InvalidValueError, match="k must be >= 1"):
        contiguity_graph(grid, islands="knn", k=0)
    with pytest.raises(EmptyResultError, match="empty"):
        contiguity_graph(grid.iloc[:0])
    with pytest.raises(MissingColumnError, match="geometry"):
        island_counties(pd.DataFrame({"a": [1]}))


def test_contiguity_all_islands_and_single_polygon():
    # SYNTHETIC: four disjoint squares; knn links each to its nearest, keep leaves them alone
    far = gpd.GeoDataFrame(geometry=[box(i, 0, i + 0.5, 0.5) for i in range(4)], crs=4326,
                           index=["a", "b", "c", "d"])
    assert island_counties(far).all()
    assert len(contiguity_graph(far).isolates) == 4
    g = contiguity_graph(far, islands="knn")
    assert len(g.isolates) == 0 and "b" in g.neighbors["a"]
    one = far.iloc[:1]
    assert contiguity_matrix(one).nnz == 0 and len(contiguity_graph(one, islands="knn").isolates) == 1


def test_contiguity_with_holes_and_multipolygons():
    # SYNTHETIC: a ring around a hole filled by another unit; a two-part unit touching by an edge
    from shapely.geometry import MultiPolygon, Polygon

    outer = Polygon([(0, 0), (3, 0), (3, 3), (0, 3)], [[(1, 1), (2, 1), (2, 2), (1, 2)]])
    inner = box(1, 1, 2, 2)
    multi = MultiPolygon([box(3, 0, 4, 3), box(5, 5, 6, 6)])  # shares the edge x = 3
    gdf = gpd.GeoDataFrame(geometry=[outer, inner, multi], index=["o", "i", "m"], crs=4326)
    rook = contiguity_graph(gdf, kind="rook")
    assert set(rook.neighbors["o"]) == {"i", "m"} and list(rook.neighbors["i"]) == ["o"]
    # vertex contiguity needs shared vertices (one topology): a partial edge is only a queen contact
    part = gpd.GeoDataFrame(geometry=[outer, box(3, 0, 4, 1)], index=["o", "p"], crs=4326)
    assert "p" in contiguity_graph(part).neighbors["o"]
    assert "p" not in contiguity_graph(part, kind="rook").neighbors["o"]


def _gaz(tmp_path, text):
    p = tmp_path / "gaz.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_gazetteer_bad_files(tmp_path):
    grid = synthetic_grid()
    with pytest.raises(DataFileNotFoundError, match="nope.toml"):
        load_gazetteer(tmp_path / "nope.toml", counties=grid)
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_gazetteer(_gaz(tmp_path, "[entries.x\n"), counties=grid)
    with pytest.raises(SettingsError, match="'x' has no source"):
        load_gazetteer(_gaz(tmp_path, '[entries.x]\nname = "甲"\nprovince = "安徽省"\nprefectures = ["甲市"]\n'),
                       counties=grid)
    with pytest.raises(UnknownNameError, match="安微省.*Did you mean: 安徽省"):
        load_gazetteer(_gaz(tmp_path, '[entries.x]\nname = "甲"\nprovince = "安微省"\nprefectures = ["甲市"]\n'
                                      'source = "t"\n'), counties=grid)
    with pytest.raises(UnknownNameError, match="'丙市'.*Did you mean"):
        load_gazetteer(_gaz(tmp_path, '[entries.x]\nname = "甲"\nprovince = "安徽省"\nprefectures = ["丙市"]\n'
                                      'source = "t"\n'), counties=grid)
    with pytest.raises(SettingsError, match="non-empty list"):
        load_gazetteer(_gaz(tmp_path, '[entries.x]\nname = "甲"\nprovince = "安徽省"\nprefectures = "甲市"\n'
                                      'source = "t"\n'), counties=grid)
    with pytest.raises(EmptyResultError, match="no \\[entries"):
        load_gazetteer(_gaz(tmp_path, "# nothing\n"), counties=grid)


def test_gazetteer_names_a_synthetic_region(tmp_path):
    gaz = _gaz(tmp_path, '[entries.jia]\nname = "甲区"\nname_en = "Jia area"\nprovince = "安徽省"\n'
                         'prefectures = ["甲市", "乙市"]\nsource = "synthetic"\n')
    d = delineate_regions(synthetic_grid(), **{**SMALL, "gazetteer": str(gaz)})
    assert d.regions["region_name"].tolist() == ["甲区"] and d.regions["region_name_en"].tolist() == ["Jia area"]
    assert d.regions["name_source"].tolist() == ["gazetteer:jia"]


def test_rank_regions_bad_input():
    comp = pd.DataFrame({"gap_people": [1.0, 2.0]}, index=["R01", "R02"])
    with pytest.raises(InvalidValueError, match="positive weight"):
        rank_regions(comp, weights={"rural_density_km2": 1.0})
    empty = rank_regions(comp.iloc[:0], draws=5)
    assert empty.empty


def test_deprecated_shared_vertex_counts():
    from geourb.regions import shared_vertex_counts

    grid = synthetic_grid(2)
    with pytest.warns(DeprecationWarning, match="contiguity_matrix"):
        a = shared_vertex_counts(grid.geometry)
    assert (a != contiguity_matrix(grid)).nnz == 0 and a.nnz == 12

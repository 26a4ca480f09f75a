"""Delineation of potential regions on the real 2020 census, presets, weights, CLI determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geourb._errors import EmptyResultError, SettingsError, UnknownNameError
from geourb.regions import (
    RegionConfig,
    candidate_counties,
    compare_to_presets,
    contiguity_weights,
    delineate_regions,
    direction_name,
    load_presets,
    name_regions,
    preset_counties,
)


@pytest.fixture(scope="module")
def layer(counties, shared_file):
    from geourb.stats import join_statistics, read_census_2020

    shared_file("census/census_county_2020_v1.xlsx")
    joined, _ = join_statistics(counties, read_census_2020())
    return joined


@pytest.fixture(scope="module")
def delineation(layer):
    from geourb.indicators import county_indicators
    from geourb.scoring import score_counties

    scores = score_counties(county_indicators(layer), sensitivity_draws=0)
    return delineate_regions(layer, scores.table)


def test_candidates(layer):
    cand = candidate_counties(layer)
    assert cand["341221"]  # 临泉县, 皖北
    assert not cand["110101"] and not cand["810001"]  # urban Beijing; Hong Kong has no census data
    with pytest.raises(EmptyResultError, match="Raise max_rate or lower min_pop_total"):
        candidate_counties(layer, max_rate=0.05, min_pop_total=5_000_000)


def test_weights_match_libpysal_queen_on_anhui(layer):
    import libpysal

    anhui = layer[layer["adcode"].str.startswith("34")]
    ours = contiguity_weights(anhui, islands="keep")
    ref = libpysal.weights.Queen.from_dataframe(anhui, use_index=True, silence_warnings=True)
    assert (ours.sparse != ref.sparse).nnz == 0
    rook = contiguity_weights(anhui, kind="rook", islands="keep")
    assert rook.sparse.nnz <= ours.sparse.nnz


def test_islands_attached(layer):
    zj = layer[layer["adcode"].str.startswith("33")]
    w = contiguity_weights(zj, islands="knn")
    kept = contiguity_weights(zj, islands="keep").islands
    assert "330921" in kept  # 岱山县, an island county (嵊泗 330922 too, within Zhejiang alone)
    assert w.islands == [] and len(w.neighbors["330921"]) >= 1


def test_delineation_all_china(delineation, layer):
    c = delineation.counties
    assert c.index.equals(layer.index)
    rid = c.loc["341221", "region_id"]
    assert c.loc["341221", "status"] == "region" and str(c.loc["341221", "region_name"]).startswith("皖")
    reg = delineation.regions.set_index("region_id")
    assert "northern" in reg.loc[rid, "region_name_en"] or "Anhui" in reg.loc[rid, "region_name_en"]
    assert (reg["pop_total"] >= delineation.config.min_region_pop).all()
    assert (reg["urbanization_rate"] < 0.639).all()
    cmp = compare_to_presets(delineation, layer).set_index("preset")
    assert cmp.loc["wanbei", "share_preset_in_regions"] > 0.6
    assert cmp.loc["wanbei", "best_region"] == rid
    assert set(cmp.index) == set(load_presets().index) and len(cmp) == 7
    assert set(c["hotspot"].dropna()) <= {"hot", "cold", "ns"}
    # names are unique without numeric suffixes (two eastern Sichuan regions: 川东 + 川东北)
    assert reg["region_name"].is_unique and reg["region_name_en"].is_unique
    assert not reg["region_name"].str.contains(r" \d+$").any(), reg["region_name"].tolist()
    assert (c["region_name"].dropna() == c["region_id"].dropna().map(reg["region_name"])).all()
    which = preset_counties(layer, presets=load_presets())
    assert which["341221"] == "wanbei"
    with pytest.raises(TypeError):
        preset_counties(layer, load_presets())  # keyword-only


def test_region_sizes_and_presets(delineation, layer):
    cfg = delineation.config
    reg = delineation.regions
    # defaults: a whole-province blob (46 Hunan counties in one "湘中") is split
    assert cfg.max_region_pop == 25_000_000 and cfg.max_region_counties == 30
    assert (reg["pop_total"] <= cfg.max_region_pop).all() and (reg["n_counties"] <= cfg.max_region_counties).all()
    cmp = compare_to_presets(delineation, layer).set_index("preset")
    assert (cmp["share_preset_in_regions"] >= 0.5).sum() >= 5, cmp["share_preset_in_regions"].to_dict()
    # 冀中南: with the 300,000 floor the dense Hebei plain counties are candidates (18.8% at 500,000)
    assert cmp.loc["jizhongnan", "share_preset_in_regions"] > 0.5
    for adcode in ("130423", "130425", "130434"):  # 临漳 大名 魏县: 300,000-500,000 people each
        assert delineation.counties.loc[adcode, "status"] == "region", adcode
    # 湘西南 appears as its own region, holding 邵阳's counties
    names = delineation.counties.join(layer[["prefecture"]])
    assert set(names.loc[names["prefecture"] == "邵阳市", "region_name"].dropna()) == {"湘西南"}


def _names_of(delineation, layer, prefecture):
    c = delineation.counties.join(layer[["prefecture"]])
    return set(c.loc[c["prefecture"] == prefecture, "region_name"].dropna())


def test_region_names_follow_usage(delineation, layer):
    # real census: the direction is taken from the province's population-weighted centre
    for pref in ("宿州市", "淮北市", "亳州市", "阜阳市"):
        assert _names_of(delineation, layer, pref) == {"皖北"}, pref
    for pref in ("南充市", "达州市", "巴中市", "广安市"):
        assert _names_of(delineation, layer, pref) <= {"川东", "川东北"}, pref
    for pref in ("菏泽市", "济宁市"):
        assert _names_of(delineation, layer, pref) == {"鲁西南"}, pref
    for pref in ("周口市", "商丘市"):
        assert _names_of(delineation, layer, pref) <= {"豫东", "豫东南"}, pref
    assert _names_of(delineation, layer, "茂名市") == {"粤西"}
    assert all(n.startswith("粤西") for n in _names_of(delineation, layer, "湛江市"))
    # the Chengdu plain is not "eastern" Sichuan (it was 川东南 from the area centroid)
    for adcode in ("510181", "510182", "510129", "510183"):  # 都江堰 彭州 大邑 邛崃
        name = delineation.counties.loc[adcode, "region_name"]
        assert pd.notna(name) and "东" not in name, (adcode, name)


def test_direction_names():
    # cardinal sectors are +-30 degrees wide: mostly north is 北, not 东北/西北
    assert direction_name(30, 100, spread_x=100, spread_y=100) == ("北", "northern")
    assert direction_name(-55, 100, spread_x=100, spread_y=100) == ("北", "northern")  # 29 deg west
    assert direction_name(-62, 100, spread_x=100, spread_y=100) == ("西北", "northwestern")  # 32 deg
    assert direction_name(100, -55, spread_x=100, spread_y=100) == ("东", "eastern")
    # the bearing is geographic: a small spread east-west does not tilt it
    assert direction_name(-50, 100, spread_x=20, spread_y=200) == ("北", "northern")
    assert direction_name(0, 100, spread_x=100, spread_y=100) == ("北", "northern")
    assert direction_name(-100, -100, spread_x=100, spread_y=100) == ("西南", "southwestern")
    assert direction_name(5, 5, spread_x=100, spread_y=100) == ("中", "central")
    assert direction_name(0, -50, spread_x=100, spread_y=100) == ("中南", "central-southern")


def test_bad_config_and_empty(layer):
    with pytest.raises(UnknownNameError, match="Did you mean: min_pop_total"):
        RegionConfig.from_dict({"min_pop_totl": 1})
    with pytest.raises(SettingsError, match="max_rate"):
        RegionConfig(max_rate=1.5)
    with pytest.raises(EmptyResultError, match="none reaches"):
        delineate_regions(layer[layer["adcode"].str.startswith("34")], min_region_pop=1e9, hotspots=False)


def test_cli_deterministic(tmp_path, shared_file, layer):
    import geopandas as gpd

    from geourb.cli import main

    shared_file("census/census_county_2020_v1.xlsx")
    shared_file("parks/development_zones_2018.csv")
    cfg = tmp_path / "c.toml"
    # parks and network access scored from the CLI (built-in catalogue, approximate network)
    cfg.write_text('[input]\nparks = "development_zones_2018"\nnetwork = "approximate"\n'
                   '[scoring]\nindicators = ["pop_total", "gap_to_national", "park_count", "access_min"]\n'
                   'weights = "equal"\nsensitivity_draws = 50\n[regions]\nhotspots = true\n'
                   '[output]\nformat = "parquet"\n', encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert main(["regions", "--config", str(cfg), "--province", "皖", "--out-dir", str(d)]) == 0
    names = ("county_regions.csv", "potential_regions.csv", "region_presets.csv", "score_weights.csv")
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    # regions no longer writes score's county_scores.csv (different columns, same folder)
    assert not (a / "county_scores.csv").exists() and not (a / "regions.csv").exists()
    df = pd.read_csv(a / "county_regions.csv", dtype={"adcode": str})
    assert df["adcode"].is_monotonic_increasing and len(df) == 104
    assert np.isfinite(df["score"]).all()
    assert df["park_count"].sum() > 50 and df["access_min"].notna().all()
    assert df.set_index("adcode").loc["340102", "access_min"] < 1  # 合肥's seat district
    # integral columns are integers in the text, real fractions keep 6 decimals
    text = (a / "county_regions.csv").read_text(encoding="utf-8-sig").splitlines()
    header, row = text[0].split(","), dict(zip(text[0].split(","), text[1].split(","), strict=False))
    assert "pop_total" in header and "." not in row["pop_total"] and "." not in row["rank"]
    assert "." not in row["park_count"] and row["urbanization_rate"].count(".") == 1
    assert len(row["urbanization_rate"].split(".")[1]) == 6
    regions = pd.read_csv(a / "potential_regions.csv")
    assert regions["pop_total"].dtype.kind == "i" and regions["n_counties"].dtype.kind == "i"
    # one dissolved polygon per region for QGIS
    polys = gpd.read_parquet(a / "potential_regions.parquet")
    assert list(polys["region_id"]) == list(regions["region_id"])
    for col in ("region_id", "name", "name_en", "n_counties", "pop_total", "urbanization_rate"):
        assert col in polys, col
    r01 = polys.set_index("region_id").loc["R01"]
    members = df.loc[df["region_id"] == "R01", "adcode"]
    assert r01["n_counties"] == len(members)
    area = gpd.GeoSeries([r01.geometry], crs=4326).to_crs(6933).area.iloc[0]
    ref = layer.loc[members].to_crs(6933).area.sum()
    assert area == pytest.approx(ref, rel=1e-3)
    assert (a / "county_regions.parquet").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text('[scoring]\nindicators = ["pop_totl"]\n', encoding="utf-8")
    assert main(["score", "--config", str(bad), "--out-dir", str(a)]) == 2
    bad.write_text('[input]\nparkz = "development_zones_2018"\n', encoding="utf-8")
    assert main(["score", "--config", str(bad), "--out-dir", str(a)]) == 2
    bad.write_text('[input]\nnetwork = "aproximate"\n', encoding="utf-8")
    assert main(["score", "--config", str(bad), "--out-dir", str(a)]) == 2


def test_integral_columns():
    from geourb.cli.score import integral_columns

    df = pd.DataFrame({"n": [708829.0, np.nan, 3.0], "rate": [0.5, 1.0, np.nan], "empty": [np.nan] * 3,
                       "flag": [True, False, True]})
    got = integral_columns(df)
    assert str(got["n"].dtype) == "Int64" and got["n"].isna().tolist() == [False, True, False]
    assert got["n"].iloc[0] == 708829
    assert got["rate"].dtype == float and got["empty"].dtype == float and got["flag"].dtype == bool


def _grid_province(cells: dict[tuple[int, int], str | None]):
    """Synthetic 5 x 5 grid of 1-degree squares in "province 51" (Sichuan), one unit each."""
    import geopandas as gpd
    from shapely.geometry import box

    rows = []
    for i in range(5):
        for j in range(5):
            rows.append({"adcode": f"51{i}{j}00", "pop_total": 1e6, "area_km2": 1.0,
                         "geometry": box(100 + i, 28 + j, 101 + i, 29 + j), "rid": cells.get((i, j))})
    g = gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("adcode", drop=False)
    return g, pd.Series(g.pop("rid"), dtype="string")


def test_repeated_direction_gets_finer_name():
    # synthetic: R1 east (leaning south), R2 east leaning north: both "东" at 8 sectors
    layer, rid = _grid_province({(4, 2): "R1", (4, 1): "R1", (4, 3): "R2", (3, 2): "R2"})
    names = name_regions(layer, rid)
    assert names.loc["R1", "region_name"] == "川东" and names.loc["R2", "region_name"] == "川东北"
    assert names.loc["R2", "region_name_en"] == "northeastern Sichuan"
    # 川东北 already belongs to R3: R2 keeps 川东 and R1 takes its own finer name 川东南
    layer, rid = _grid_province({(4, 2): "R1", (4, 1): "R1", (4, 3): "R2", (3, 2): "R2",
                                 (4, 4): "R3", (3, 4): "R3"})
    names = name_regions(layer, rid)
    assert names["region_name"].tolist() == ["川东南", "川东", "川东北"]
    # last resort: two regions at the same place get a numeric suffix
    layer, rid = _grid_province({(4, 2): "R1", (4, 1): "R1", (4, 3): "R2", (3, 2): "R2",
                                 (4, 4): "R3", (3, 4): "R3", (4, 0): "R4", (3, 1): "R4"})
    names = name_regions(layer, rid)
    assert names["region_name"].is_unique and names["region_name"].str.endswith(" 2").sum() == 1

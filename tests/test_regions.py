"""Delineation of potential regions on the real 2020 census, presets, weights, CLI determinism."""

from __future__ import annotations

from pathlib import Path

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
    rank_regions,
    region_components,
    region_labels,
)

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "score_default.toml"


@pytest.fixture(scope="module")
def layer(counties, shared_file):
    from geourb.stats import join_statistics, read_census_2020

    shared_file("census/census_county_2020_v1.xlsx")
    joined, _ = join_statistics(counties, read_census_2020())
    return joined


@pytest.fixture(scope="module")
def scored(layer):
    """The default pipeline of `geourb regions --config configs/score_default.toml` (AHP scoring)."""
    from geourb.indicators import county_indicators
    from geourb.scoring import ScoringConfig, score_counties
    from geourb.stats import national_urbanization_rate

    national = national_urbanization_rate(layer)
    ind = county_indicators(layer, national_rate=national, target_rate=0.70)
    scoring = ScoringConfig.from_toml(DEFAULT_CONFIG)
    return score_counties(ind, config=scoring).table, national


@pytest.fixture(scope="module")
def delineation(layer, scored):
    table, national = scored
    cfg = RegionConfig.from_toml(DEFAULT_CONFIG)
    return delineate_regions(layer, table, config=cfg, max_rate=national)


def test_candidates(layer):
    cand = candidate_counties(layer)
    assert cand["341221"]  # 临泉县, 皖北
    assert not cand["110101"] and not cand["810001"]  # urban Beijing; Hong Kong has no census data
    with pytest.raises(EmptyResultError, match="Raise max_rate or lower min_pop_total"):
        candidate_counties(layer, max_rate=0.05, min_pop_total=5_000_000)


def test_contiguity_matches_libpysal_on_anhui(layer):
    from libpysal.graph import Graph

    from geourb.contiguity import contiguity_graph

    anhui = layer[layer["adcode"].str.startswith("34")]
    for rook in (False, True):
        ours = contiguity_graph(anhui, kind="rook" if rook else "queen")
        ref = Graph.build_contiguity(anhui, rook=rook)
        assert ours.equals(ref), rook
    w = contiguity_weights(anhui, islands="keep")
    assert w.n == len(anhui) and w.islands == []


def test_rook_is_a_shared_edge(layer):
    from geourb.contiguity import contiguity_graph

    # real counties meeting at a single point: queen but not rook neighbours
    corner = [("130623", "130726"),  # 涞水县 / 蔚县 (Hebei)
              ("510104", "510106"),  # 锦江区 / 金牛区 (Chengdu)
              ("371721", "411425")]  # 曹县 (Shandong) / 虞城县 (Henan)
    ids = sorted({a for pair in corner for a in pair} | {"130681", "510107"})
    sub = layer.loc[ids]
    queen = contiguity_graph(sub, kind="queen")
    rook = contiguity_graph(sub, kind="rook")
    for a, b in corner:
        assert b in queen.neighbors[a] and b not in rook.neighbors[a], (a, b)
    # ... while real shared borders are rook neighbours: 涿州 / 涞水, 武侯 / 锦江
    assert "130681" in rook.neighbors["130623"] and "510107" in rook.neighbors["510104"]
    # nationally the two differ by exactly those corner contacts: rook is strictly smaller
    from geourb.contiguity import contiguity_matrix

    q, r = contiguity_matrix(layer, kind="queen"), contiguity_matrix(layer, kind="rook")
    assert r.nnz < q.nnz and (r - r.multiply(q)).nnz == 0


def test_islands_attached(layer):
    from geourb.contiguity import attached_islands, contiguity_graph, island_counties

    zj = layer[layer["adcode"].str.startswith("33")]
    g = contiguity_graph(zj, islands="knn")
    kept = contiguity_graph(zj, islands="keep")
    assert "330921" in kept.isolates  # 岱山县, an island county (嵊泗 330922 too, within Zhejiang alone)
    assert len(g.isolates) == 0 and len(g.neighbors["330921"]) >= 1
    assert "330921" in attached_islands(g) and len(attached_islands(kept)) == 0
    isl = island_counties(layer)
    assert isl["330921"] and isl["210224"] and not isl["341221"]  # 岱山, 长海 are islands; 临泉 is not
    g3 = contiguity_graph(zj, islands="knn", k=3)
    assert len(g3.neighbors["330921"]) >= 3


def test_delineation_all_china(delineation, layer):
    c = delineation.counties
    assert c.index.equals(layer.index)
    rid = c.loc["341221", "region_id"]
    assert c.loc["341221", "status"] == "region" and str(c.loc["341221", "region_name"]).startswith("皖")
    reg = delineation.regions.set_index("region_id")
    assert "northern" in reg.loc[rid, "region_name_en"] or "Anhui" in reg.loc[rid, "region_name_en"]
    assert (reg["pop_total"] >= delineation.config.min_region_pop).all()
    assert delineation.config.min_region_pop == 5_000_000
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
    # defaults: a whole-province blob is split
    assert cfg.max_region_pop == 25_000_000 and cfg.max_region_counties == 40
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
    for pref in ("宿州市", "淮北市", "亳州市", "阜阳市", "蚌埠市"):
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
        assert pd.isna(name) or "东" not in name, (adcode, name)


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


def test_bad_config_and_empty(layer, caplog):
    with pytest.raises(UnknownNameError, match="Did you mean: min_pop_total"):
        RegionConfig.from_dict({"min_pop_totl": 1})
    with pytest.raises(SettingsError, match="max_rate"):
        RegionConfig(max_rate=1.5)
    # contradictory keys: both named
    with pytest.raises(SettingsError, match="min_region_pop.*max_region_pop"):
        RegionConfig(min_region_pop=30e6, max_region_pop=25e6)
    anhui = layer[layer["adcode"].str.startswith("34")]
    with pytest.raises(SettingsError, match="min_region_pop.*split_by_province"):
        delineate_regions(anhui, min_region_pop=1e9, max_region_pop=0, hotspots=False)
    # no concentrated region: a clear warning, and the scattered tier is still returned
    with caplog.at_level("WARNING", logger="geourb"):
        d = delineate_regions(anhui, min_region_pop=40e6, max_region_pop=0, hotspots=False, rank_draws=0)
    assert "no concentrated region" in caplog.text and "scattered tier" in caplog.text
    assert d.regions.empty and "rank" in d.regions and d.counties["region_id"].isna().all()
    assert len(d.scattered) == int(d.counties["candidate"].sum()) > 20
    assert set(d.counties["tier"].dropna()) == {"scattered", ""}
    with pytest.raises(EmptyResultError, match="Raise max_rate"):
        delineate_regions(anhui, max_rate=0.05, hotspots=False)


def test_two_tiers_contract(delineation, layer):
    c, reg = delineation.counties, delineation.regions
    assert set(c["tier"].unique()) == {"concentrated", "scattered", ""}
    conc = (c["tier"] == "concentrated").to_numpy()
    assert (conc == c["region_id"].notna().to_numpy()).all()
    assert (c.loc[conc, "candidate"]).all()  # concentrated counties are candidates
    scat = c.index[(c["tier"] == "scattered").to_numpy()]
    assert set(scat) == set(c.index[c["candidate"].to_numpy() & ~conc])
    assert list(delineation.scattered.index) != [] and set(delineation.scattered.index) == set(scat)
    assert delineation.scattered["gap_people"].is_monotonic_decreasing
    # regions: ranks 1..n, tier, components, Monte Carlo share
    assert sorted(reg["rank"]) == list(range(1, len(reg) + 1)) and (reg["tier"] == "concentrated").all()
    for col in ("gap_people", "rural_density_km2", "potential", "top_n_share", "name_source"):
        assert col in reg, col
    assert reg["top_n_share"].between(0, 1).all()
    assert (c.loc[conc, "region_rank"].to_numpy() == c.loc[conc, "region_id"].map(
        reg.set_index("region_id")["rank"]).to_numpy()).all()
    # regions hold >= 5 M people, the concentrated counties a dense gap
    assert (reg["pop_total"] >= 5e6).all() and (reg["n_counties"] <= 40).all()
    assert (c.loc[conc, "gap_density_km2"] >= 50).all()


def test_plan_targets_with_default_config(delineation, layer):
    """The issue's acceptance figures, computed from the seven presets."""
    pop = layer["pop_total"].fillna(0)
    conc = (delineation.counties["tier"] == "concentrated").to_numpy()
    share = pop[conc].sum() / pop.sum()
    assert share <= 0.25, share
    cmp = compare_to_presets(delineation, layer).set_index("preset")
    assert len(cmp) == 7
    assert (cmp["share_preset_in_top_n"] >= 0.5).all(), cmp["share_preset_in_top_n"].round(3).to_dict()
    assert cmp.loc["jizhongnan", "share_preset_in_top_n"] >= 0.5  # 冀中南 kept
    # the ranking is not a foregone conclusion: some regions fall out of the top 15
    assert len(delineation.regions) > delineation.config.top_n


def test_ranking_formula(delineation, layer):
    reg = delineation.regions.set_index("region_id")
    comp = region_components(layer, delineation.counties["region_id"], target_rate=0.70)
    # people to urbanize, by hand for one region
    r = reg.index[0]
    members = delineation.counties.index[(delineation.counties["region_id"] == r).fillna(False).to_numpy()]
    sub = layer.loc[members]
    expect = (sub["pop_total"] * (0.70 - sub["urbanization_rate"]).clip(lower=0)).sum()
    assert comp.loc[r, "gap_people"] == pytest.approx(expect)
    assert reg.loc[r, "gap_people"] == pytest.approx(expect)
    # potential = weighted mean of percentile ranks (no parks: gap 0.6, rural density 0.3)
    pct_gap = comp["gap_people"].rank(pct=True)
    pct_rd = comp["rural_density_km2"].rank(pct=True)
    pot = (0.6 * pct_gap + 0.3 * pct_rd) / 0.9
    assert np.allclose(reg["potential"].reindex(pot.index), pot)
    assert reg["potential"].idxmax() == reg["rank"].idxmin()
    ranked = rank_regions(comp, draws=50, seed=1, top_n=15)
    again = rank_regions(comp, draws=50, seed=1, top_n=15)
    pd.testing.assert_frame_equal(ranked, again)
    # a weight on rural density only changes the order
    other = rank_regions(comp, weights={"rural_density_km2": 1.0}, draws=0)
    assert not (other["rank"] == ranked["rank"]).all()


def test_fixed_seed_identical(layer, scored):
    table, national = scored
    anhui = layer[layer["adcode"].str.startswith(("34", "41"))]
    runs = [delineate_regions(anhui, table, max_rate=national, seed=3, rank_draws=30) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0].counties, runs[1].counties)
    pd.testing.assert_frame_equal(runs[0].regions, runs[1].regions)
    pd.testing.assert_frame_equal(runs[0].scattered, runs[1].scattered)
    assert runs[0].regions.to_csv().encode() == runs[1].regions.to_csv().encode()


def test_gazetteer_names_and_checks(delineation, layer, tmp_path):
    from geourb.regions import load_gazetteer

    gaz = load_gazetteer(counties=layer)
    assert gaz.loc["wanbei", "prefectures"] == ["宿州市", "淮北市", "亳州市", "阜阳市", "蚌埠市", "淮南市"]
    assert gaz.loc["yuexi", "prefectures"] == ["湛江市", "茂名市", "阳江市"]
    assert (gaz["source"].str.len() > 0).all() and len(gaz) >= 20
    reg = delineation.regions.set_index("region_id")
    src = reg["name_source"]
    assert src.str.startswith("gazetteer:").sum() >= 7 and (src == "bearing").any()
    # 湛江 is in 粤西, not its own 粤西南
    assert _names_of(delineation, layer, "湛江市") == {"粤西"}
    bad = tmp_path / "g.toml"
    bad.write_text('[entries.x]\nname = "皖北"\nprovince = "安徽省"\nprefectures = ["宿州市", "亳州"]\n'
                   'source = "test"\n', encoding="utf-8")
    with pytest.raises(UnknownNameError, match="亳州.*Did you mean: 亳州市"):
        load_gazetteer(bad, counties=layer)
    bad.write_text('[entries.x]\nname = "x"\nprovince = "安徽省"\nprefectures = ["徐州市"]\nsource = "t"\n',
                   encoding="utf-8")
    with pytest.raises(UnknownNameError, match="徐州市 is in 江苏省"):
        load_gazetteer(bad, counties=layer)


def test_region_labels(delineation, layer):
    labels = region_labels(layer, delineation, top_n=15)
    assert list(labels["rank"]) == list(range(1, 16))
    first = labels.iloc[0]
    assert first["label"] == f"1 {first['name']}"
    polys = __import__("geourb.regions", fromlist=["region_polygons"]).region_polygons(layer, delineation)
    inside = polys.set_index("region_id").loc[labels["region_id"]].geometry
    assert all(g.contains(p) for g, p in zip(inside, labels.geometry, strict=True))


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
    from geourb._io import integral_columns

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

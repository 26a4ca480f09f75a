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


def test_direction_names():
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
    from geourb.cli import main

    shared_file("census/census_county_2020_v1.xlsx")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[scoring]\nsensitivity_draws = 50\n[regions]\nhotspots = true\n[output]\nformat = "parquet"\n',
                   encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert main(["regions", "--config", str(cfg), "--province", "皖", "--out-dir", str(d)]) == 0
    for name in ("county_scores.csv", "regions.csv", "region_presets.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    df = pd.read_csv(a / "county_scores.csv", dtype={"adcode": str})
    assert df["adcode"].is_monotonic_increasing and len(df) == 104
    assert np.isfinite(df["score"]).all()
    assert (a / "regions.parquet").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text('[scoring]\nindicators = ["pop_totl"]\n', encoding="utf-8")
    assert main(["score", "--config", str(bad), "--out-dir", str(a)]) == 2

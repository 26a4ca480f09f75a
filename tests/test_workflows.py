"""The potential-regions pipeline (geourb.workflows) on the real 2020 census: 宁夏 (22 counties) and all China.

The joined-layer cache lives in a temporary folder of this session: the first test builds it, the
others read it, and one test checks that a cached run gives the same tables as an uncached one.
"""

from __future__ import annotations

import hashlib
import time

import geopandas as gpd
import pandas as pd
import pytest

# 宁夏 has 7.2 M people in sparse counties: the default method and floors leave no concentrated region
NINGXIA = {"regions": {"method": "threshold", "min_region_pop": 1_000_000}}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory, shared_data):
    return tmp_path_factory.mktemp("pipeline_cache")


@pytest.fixture(scope="module")
def china(cache_dir):
    from geourb.workflows import potential_regions

    return potential_regions(None, cache=cache_dir)


@pytest.fixture(scope="module")
def ningxia(cache_dir, china):  # after china: reads the cache it wrote
    from geourb.workflows import potential_regions

    return potential_regions(NINGXIA, province="宁夏", cache=cache_dir)


def _digests(files: dict) -> dict:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items()}


def test_ningxia_scores_match_the_steps_run_by_hand(ningxia):
    from geourb.counties import load_counties
    from geourb.indicators import county_indicators
    from geourb.scoring import score_counties
    from geourb.stats import join_statistics, read_census_2020

    assert ningxia.joined.from_cache
    assert len(ningxia.table) == 22 and set(ningxia.table["province"]) == {"宁夏回族自治区"}
    # the same steps by hand: national rate of all China, the province's indicators, default scoring
    full, _ = join_statistics(load_counties(), read_census_2020())
    national = full["pop_urban"].sum() / full["pop_total"].sum()
    assert ningxia.national_rate == pytest.approx(national)
    layer = full[full["province"] == "宁夏回族自治区"].sort_index()
    expected = score_counties(county_indicators(layer, national_rate=national)).table
    pd.testing.assert_series_equal(ningxia.table["score"], expected["score"], check_names=False)
    assert ningxia.table.sort_values("rank")["name"].iloc[0] == layer.loc[expected["score"].idxmax(), "name"]


def test_ningxia_regions_stay_in_the_province(ningxia):
    d = ningxia.delineation
    assert d is not None and len(d.regions) >= 1
    members = ningxia.table[ningxia.table["region_id"].notna()]
    assert set(members["region_id"]) == set(d.regions["region_id"])
    assert members["adcode"].str[:2].eq("64").all()
    assert int(d.regions["n_counties"].sum()) == len(members)
    assert ningxia.region_layer is not None and len(ningxia.region_layer) == len(d.regions)


def test_ningxia_outputs_byte_identical_and_formatted(ningxia, tmp_path):
    from geourb.workflows import write_outputs

    first = write_outputs(ningxia, tmp_path / "a", prefix="nx_")
    time.sleep(1.1)  # a GeoPackage timestamp would differ by now
    second = write_outputs(ningxia, tmp_path / "b", prefix="nx_", format="parquet")
    third = write_outputs(ningxia, tmp_path / "c", prefix="nx_")
    assert _digests(first) == _digests(third)
    assert {p.name for p in first.values()} >= {"nx_county_regions.csv", "nx_county_regions.gpkg",
                                                 "nx_potential_regions.csv", "nx_potential_regions.gpkg",
                                                 "nx_region_presets.csv", "nx_score_weights.csv"}
    assert second["county_regions_layer"].suffix == ".parquet"
    header = first["county_regions"].read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["adcode", "name", "prefecture", "province"]
    table = pd.read_csv(first["county_regions"], dtype={"adcode": str})
    assert table["adcode"].is_monotonic_increasing and len(table) == 22
    assert pd.api.types.is_integer_dtype(table["rank"])  # written 1, not 1.000000
    assert table["score"].astype(str).str.fullmatch(r"0\.\d{6}").all()  # %.6f
    layer = gpd.read_file(first["county_regions_layer"])
    assert len(layer) == 22 and layer.crs.to_epsg() == 4326


def test_china_regions(china, tmp_path):
    d = china.delineation
    assert len(china.table) == 2875 and china.table.index.is_unique
    assert 0.638 < china.national_rate < 0.639
    assert china.table["score"].notna().sum() > 2800
    members = china.table[china.table["region_id"].notna()]
    assert set(members["region_id"]) == set(d.regions["region_id"])
    assert len(china.presets) == 7  # the plan's seven named regions
    files = write_outputs_twice(china, tmp_path)
    regions = pd.read_csv(files["potential_regions"])
    assert regions["region_id"].is_monotonic_increasing and len(regions) == len(d.regions)


def write_outputs_twice(result, tmp_path):
    from geourb.workflows import write_outputs

    a = write_outputs(result, tmp_path / "a")
    time.sleep(1.1)
    b = write_outputs(result, tmp_path / "b")
    assert _digests(a) == _digests(b)
    return a


def test_cache_gives_the_same_result(china, cache_dir):
    from geourb.workflows import joined_counties, load_config

    inputs = load_config(None).input
    cached = joined_counties(inputs, cache=cache_dir)
    built = joined_counties(inputs, cache=False)
    assert cached.from_cache and not built.from_cache
    cols = [c for c in built.layer.columns if c != "geometry"]
    pd.testing.assert_frame_equal(cached.layer[cols], built.layer[cols], check_index_type=False)
    assert cached.layer.geometry.geom_equals_exact(built.layer.geometry, tolerance=0).all()
    assert cached.join_report.summary() == built.join_report.summary()


def test_cache_key_changes_with_options(cache_dir):
    from geourb.workflows import InputConfig, cache_key

    assert cache_key(InputConfig()) == cache_key(InputConfig(target_rate=0.6))  # not an input of the join
    assert cache_key(InputConfig()) != cache_key(InputConfig(network="approximate"))


def test_scores_only_and_tiers(cache_dir, tmp_path):
    from geourb.workflows import potential_regions, write_outputs

    result = potential_regions(NINGXIA, province="宁夏", delineate=False, tiers=True, cache=cache_dir)
    assert result.delineation is None and result.tiers is not None
    assert set(result.tiers["adcode"].str[:2]) == {"64"}
    files = write_outputs(result, tmp_path)
    assert {"county_scores", "settlement_tiers", "settlement_tiers_layer"} <= set(files)
    assert "potential_regions" not in files


def test_further_delineation_tables_are_written(ningxia, tmp_path):
    """A delineation that carries more tables (e.g. the scattered tier) gets them written, in their order."""
    import dataclasses

    from geourb.workflows import write_outputs

    @dataclasses.dataclass
    class WithScattered:  # the regions package's Delineation gains a scattered-county table
        counties: pd.DataFrame
        regions: pd.DataFrame
        config: object
        weights: object = None
        scattered: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    d = ningxia.delineation
    # synthetic: three counties outside every region, in a chosen (non-adcode) order
    outside = ningxia.table[ningxia.table["region_id"].isna()].head(3)
    scattered = outside[["adcode", "name"]].iloc[::-1].reset_index(drop=True)
    result = dataclasses.replace(ningxia, delineation=WithScattered(d.counties, d.regions.assign(tier="concentrated"),
                                                                    d.config, scattered=scattered))
    files = write_outputs(result, tmp_path)
    written = pd.read_csv(files["regions_scattered"], dtype={"adcode": str})
    assert files["regions_scattered"].name == "scattered_counties.csv"
    assert written["adcode"].tolist() == scattered["adcode"].tolist()
    assert pd.read_csv(files["potential_regions"])["tier"].eq("concentrated").all()  # new columns flow through

"""Indicators on the real 2020 census joined to the county layer."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from geourb._errors import InvalidValueError, UnknownNameError
from geourb.indicators import INDICATORS, county_indicators, get_indicator, prefecture_seats


@pytest.fixture(scope="module")
def layer(counties, shared_file):
    from geourb.stats import join_statistics, read_census_2020

    shared_file("census/census_county_2020_v1.xlsx")
    joined, _ = join_statistics(counties, read_census_2020())
    return joined


def test_indicators_real_census(layer):
    ind = county_indicators(layer)
    assert ind.index.equals(layer.index)
    assert ind.attrs["national_rate"] == pytest.approx(0.639, abs=0.005)
    row = ind.loc["341221"]  # 临泉县, 皖北: large, rural
    assert row["pop_total"] > 1_500_000 and row["urbanization_rate"] < 0.5
    assert row["gap_to_national"] > 0.1 and row["gap_to_target"] > row["gap_to_national"]
    assert row["density_per_km2"] == pytest.approx(row["pop_total"] / layer.loc["341221", "area_km2"])
    est = ind["access_min_straightline_est"]
    assert est.loc["340102"] == 0  # a prefecture seat itself (合肥 瑶海区)
    assert 10 < est.loc["341221"] < 120
    assert np.isnan(ind.loc["810001", "pop_total"])  # Hong Kong: outside the census, kept as NaN


def test_optional_parks_and_network_access(layer):
    parks = pd.Series({"341221": 2, "341202": 1}, name="park_count")
    access = pd.Series(30.0, index=layer.index)
    ind = county_indicators(layer, parks=parks, access_min=access, national_rate=0.65)
    assert ind.loc["341221", "park_count"] == 2 and ind.loc["110101", "park_count"] == 0
    assert "access_min" in ind and "access_min_straightline_est" not in ind
    with pytest.raises(InvalidValueError, match="negative"):
        county_indicators(layer, access_min=-access)
    with pytest.raises(InvalidValueError, match="fraction"):
        county_indicators(layer, national_rate=63.9)


def test_registry_and_seats(layer):
    assert get_indicator("urbanization_rate").direction == "cost"
    assert "ESTIMATE" in INDICATORS["access_min_straightline_est"].description
    with pytest.raises(UnknownNameError, match="Did you mean: pop_rural"):
        get_indicator("pop_rurl")
    seats = prefecture_seats(layer)
    assert seats.loc["441900", "seat_adcode"] == "441900"  # 东莞: its own unit
    assert seats.loc["341200", "seat_adcode"] == "341202"  # 阜阳: first district 颍州区


def test_parks_aggregates_become_registry_indicators(layer):
    # synthetic rows shaped like geourb.parks.aggregate_by_county (values made up)
    agg = pd.DataFrame({"n_parks": [3, 1], "n_national": [1, 0], "n_provincial": [2, 1],
                        "approved_ha": [1250.0, 300.0], "approved_mu": [18750.0, 4500.0],
                        "approved_ha_per_10k_residents": [8.0, np.nan],
                        "top_industries": ["装备制造:2", "食品:1"]}, index=["341221", "341202"])
    ind = county_indicators(layer, parks=agg)
    for name in ("park_count", "park_n_national", "park_area_km2", "park_ha_per_10k"):
        assert name in INDICATORS and name in ind, name
    assert ind.loc["341221", "park_count"] == 3 and ind.loc["341221", "park_area_km2"] == 12.5
    assert ind.loc["110101", "park_count"] == 0 and ind.loc["110101", "park_area_km2"] == 0  # no row
    assert np.isnan(ind.loc["341202", "park_ha_per_10k"])  # NaN inside a row stays NaN
    assert ind.loc["341221", "park_n_provincial"] == 2  # unmapped numeric columns keep a prefix
    assert "park_top_industries" not in ind and "park_n_parks" not in ind
    from geourb.scoring import ScoringConfig, score_counties

    anhui = ind[ind.index.str.startswith("34")]
    cfg = ScoringConfig(indicators=["pop_total", "gap_to_national", "park_count", "park_area_km2"],
                        sensitivity_draws=0)
    res = score_counties(anhui, config=cfg)
    assert res.table["score"].notna().all() and "contrib_park_count" in res.table
    assert res.table.loc["341221", "norm_park_count"] == 1.0  # the only county with 3 parks


def test_units_without_seat_are_logged(layer, caplog):
    part = layer[layer["prefecture_adcode"].isin(["341200", "340100"])].copy()
    part.loc[part["prefecture_adcode"] == "341200", ["seat_lon", "seat_lat"]] = np.nan
    with caplog.at_level(logging.INFO, logger="geourb"):
        seats = prefecture_seats(part)
    assert "341200" not in seats.index and "340100" in seats.index
    assert "without seat coordinates" in caplog.text and "341200" in caplog.text
    est = county_indicators(part)["access_min_straightline_est"]
    assert est[part["prefecture_adcode"] == "341200"].isna().all()


def test_network_access_matches_brute_force(counties):
    import numpy as np

    from geourb.indicators import network_access_min, prefecture_seats
    from geourb.roads import approximate_network

    hubei = counties[counties["province"] == "湖北省"]
    net = approximate_network(hubei)  # approximate county-seat network
    got = network_access_min(net, hubei)
    assert got.name == "access_min" and got.attrs["approximate"] and got.notna().all()
    seats = prefecture_seats(hubei)
    assert (got.loc[seats["seat_adcode"]] < 1).all()  # a prefecture seat reaches itself
    # brute force: from each county, the time to every seat node, minimum
    t_nodes, _ = net.nearest_nodes(seats["seat_lon"].to_numpy(), seats["seat_lat"].to_numpy())
    for adcode in ["421281", "420625", "422827"]:
        node, snap = net.nearest_nodes(np.array([hubei.loc[adcode, "seat_lon"]]),
                                       np.array([hubei.loc[adcode, "seat_lat"]]))
        times = net.travel_times(node)
        assert got[adcode] == pytest.approx(times[t_nodes].min() / 60 + snap[0] / (5 / 3.6) / 60, rel=1e-6)


def test_island_counties_flagged(layer, caplog):
    # real layer: 南沙区's straight line to 西沙区 crosses ~900 km of sea (1,224 min "estimate")
    with caplog.at_level(logging.INFO, logger="geourb"):
        ind = county_indicators(layer)
    island = ind["access_island"]
    assert island.dtype == bool
    assert {"460302", "460301", "210224", "440523"} <= set(ind.index[island])  # 南沙 西沙 长海 南澳
    assert island.sum() < 10 and not island["341221"] and not island["110101"]
    assert ind.loc["460302", "access_min_straightline_est"] > 600  # ~900 km over the sea
    assert "460302" in caplog.text and "island" in caplog.text
    assert "island" in INDICATORS["access_min_straightline_est"].description
    # not an indicator: scoring ignores the boolean flag
    from geourb.scoring import _numeric_columns

    assert "access_island" not in _numeric_columns(ind)


def test_straightline_estimate_uses_the_approximate_network_assumptions():
    from geourb import indicators, roads

    assert indicators.CIRCUITY == roads.APPROX_CIRCUITY
    assert indicators.STRAIGHTLINE_SPEED_KMH == roads.APPROX_SPEED_KMH


def test_network_access_is_time_to_the_target_on_a_one_way_network():
    """Synthetic one-way ring A -> B -> C -> A (60 s per edge), target at A.

    Going *to* A takes 2 min from B (B -> C -> A) and 1 min from C; the forward times *from* A
    are the opposite (1 min to B, 2 min to C), so a missing reversal gives wrong values here.
    """
    from geourb.indicators import network_access_min
    from geourb.network import Network

    lon = np.array([117.00, 117.10, 117.05])
    lat = np.array([31.00, 31.00, 31.10])
    net = Network.from_edges([0, 1, 2], [1, 2, 0], [60.0, 60.0, 60.0], node_lon=lon, node_lat=lat,
                             name="synthetic one-way ring")
    forward = net.travel_times(np.array([0])) / 60
    assert forward[1] == pytest.approx(1.0) and forward[2] == pytest.approx(2.0)  # A -> B, A -> C
    seats = pd.DataFrame({"seat_lon": lon, "seat_lat": lat}, index=["A", "B", "C"])
    got = network_access_min(net, seats, targets=seats.loc[["A"]])
    assert got["A"] == pytest.approx(0.0, abs=1e-9)
    assert got["B"] == pytest.approx(2.0)  # B -> C -> A, not A -> B
    assert got["C"] == pytest.approx(1.0)  # C -> A, not A -> B -> C

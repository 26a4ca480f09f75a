"""Indicators on the real 2020 census joined to the county layer."""

from __future__ import annotations

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

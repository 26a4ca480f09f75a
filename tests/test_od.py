"""OD travel-time matrices and commuting indicators."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from geourb._errors import InvalidValueError, MissingDependencyError, UnknownNameError
from geourb.od import commuting_indicators, od_long, od_matrix
from geourb.roads import approximate_network


@pytest.fixture(scope="module")
def hubei(counties):
    return counties[counties["province_adcode"] == "420000"]


@pytest.fixture(scope="module")
def net(hubei):
    return approximate_network(hubei)


def test_od_matches_network_times(net, hubei):
    od = od_matrix(net, hubei)
    assert od.shape == (len(hubei), len(hubei))
    assert list(od.index) == list(hubei.index) and od.attrs["approximate"]
    assert (np.diag(od.to_numpy()) == 0).all()
    # seats are the nodes of this network: no access time, and the rows equal Dijkstra
    node = net.nearest_nodes(hubei.loc["420102", "seat_lon"], hubei.loc["420102", "seat_lat"])[0]
    cols, _ = net.nearest_nodes(hubei["seat_lon"], hubei["seat_lat"])
    np.testing.assert_allclose(od.loc["420102"].to_numpy(), net.travel_times(node)[cols] / 60)
    # two-way straight-line edges: symmetric
    np.testing.assert_allclose(od.to_numpy(), od.to_numpy().T, rtol=1e-9)


def test_cutoff_and_destinations(net, hubei):
    full = od_matrix(net, hubei)
    dest = hubei.loc[["420102", "420106", "422801"]]
    cut = od_matrix(net, hubei, dest, minutes=90, batch_size=7)
    assert cut.shape == (len(hubei), 3)
    ref = full[dest.index]
    within = ref <= 90
    np.testing.assert_allclose(cut[within].stack(), ref[within].stack())
    assert np.isinf(cut[~within].to_numpy()[~within.to_numpy()]).all()
    with pytest.raises(InvalidValueError):
        od_matrix(net, hubei, minutes=0)


def test_commuting_indicators_synthetic():
    # synthetic 3 x 3 matrix: off-diagonal pairs 30, 90, 50, inf, 40, 70
    od = pd.DataFrame([[0, 30, 90], [50, 0, np.inf], [40, 70, 0]], index=list("abc"),
                      columns=list("abc"), dtype=float)
    ind = commuting_indicators(od, core="a", threshold_min=60)
    assert ind["n_pairs"] == 6
    assert ind["share_within"] == pytest.approx(3 / 6)
    assert ind["mean_time_min"] == pytest.approx((30 + 90 + 50 + 40 + 70) / 5)
    assert ind["mean_time_to_core_min"] == pytest.approx(45)
    assert ind["share_within_to_core"] == 1
    with pytest.raises(UnknownNameError):
        commuting_indicators(od, core="z")


def test_real_commuting_hubei(net, hubei):
    od = od_matrix(net, hubei, minutes=240)
    ind = commuting_indicators(od, core="420102")
    assert 0 < ind["share_within"] < 0.5  # Hubei is far wider than one hour
    assert 30 < ind["mean_time_to_core_min"] < 240


def test_parallel_dask_equals_serial(net, hubei):
    distributed = pytest.importorskip("distributed")
    sub = hubei.iloc[:20]
    serial = od_matrix(net, sub)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        par = od_matrix(net, sub, parallel=True, batch_size=6, client=client)
    np.testing.assert_allclose(par.to_numpy(), serial.to_numpy())


def test_parallel_without_dask(net, hubei, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match="geourb\\[parallel\\]"):
        od_matrix(net, hubei.iloc[:3], parallel="dask")


def test_parallel_processes_equal_serial(net, hubei):
    serial = od_matrix(net, hubei, minutes=120)
    par = od_matrix(net, hubei, minutes=120, parallel=True, batch_size=9, workers=2)
    np.testing.assert_array_equal(par.to_numpy(), serial.to_numpy())
    with pytest.raises(InvalidValueError, match="parallel must be"):
        od_matrix(net, hubei.iloc[:3], parallel="threads")


def test_cutoff_min_alias_warns(net, hubei):
    with pytest.warns(DeprecationWarning, match="minutes="):
        old = od_matrix(net, hubei.iloc[:5], cutoff_min=90)
    np.testing.assert_array_equal(old.to_numpy(),
                                  od_matrix(net, hubei.iloc[:5], minutes=90).to_numpy())
    with pytest.raises(InvalidValueError, match="not both"), pytest.warns(DeprecationWarning):
        od_matrix(net, hubei.iloc[:5], minutes=60, cutoff_min=90)


def test_od_long_names():
    # synthetic 2 x 3 matrix with an unreached pair
    od = pd.DataFrame([[0.0, 10.0, np.inf], [11.0, 0.0, 5.0]], index=["a", "b"],
                      columns=["a", "b", "c"])
    od.attrs["approximate"] = True
    long = od_long(od, names=pd.Series({"a": "甲", "b": "乙"}), key="adcode")
    assert list(long.columns) == ["origin_adcode", "origin_name", "destination_adcode",
                                  "destination_name", "time_min", "approximate"]
    assert len(long) == 6 and long["approximate"].all()
    row = long[(long["origin_adcode"] == "b") & (long["destination_adcode"] == "a")].iloc[0]
    assert row["origin_name"] == "乙" and row["destination_name"] == "甲" and row["time_min"] == 11
    assert np.isinf(long["time_min"].iloc[2]) and long["destination_name"].iloc[2] == ""
    assert list(od_long(od).columns)[:2] == ["origin_id", "destination_id"]


def test_cli_od_files(tmp_path, capsys, hubei):
    from geourb.cli import main

    out = tmp_path / "wuhan.csv"
    assert main(["--no-progress", "od", "--prefecture", "武汉", "--core", "武汉",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    wuhan = hubei[hubei["prefecture_adcode"] == "420100"]
    matrix = pd.read_csv(out, dtype={"adcode": str}, index_col="adcode", encoding="utf-8-sig")
    assert list(matrix.index) == list(wuhan.index) and list(matrix.columns) == list(wuhan.index)
    assert (np.diag(matrix.to_numpy()) == 0).all()
    names = pd.read_csv(tmp_path / "wuhan_names.csv", dtype={"adcode": str}, encoding="utf-8-sig")
    assert names.set_index("adcode").loc["420102", "name"] == "江岸区"
    ind = pd.read_csv(tmp_path / "wuhan_indicators.csv", encoding="utf-8-sig")
    ind = ind.set_index("indicator")["value"]
    assert ind["approximate"] == "True" and ind["core_adcode"] == "420102"
    assert float(ind["mean_time_to_core_min"]) > 0 and "80 km/h" in ind["network"]
    for path in (out, tmp_path / "wuhan_names.csv", tmp_path / "wuhan_indicators.csv"):
        assert f"wrote {path}" in printed
    assert "APPROXIMATE" in printed
    # long format: one row per pair, with names
    long_path = tmp_path / "wuhan_long.csv"
    assert main(["--no-progress", "od", "--prefecture", "武汉", "--format", "long",
                 "--approx-kmh", "60", "--circuity", "1.3", "--out", str(long_path)]) == 0
    long = pd.read_csv(long_path, dtype={"origin_adcode": str, "destination_adcode": str},
                       encoding="utf-8-sig")
    assert len(long) == len(wuhan) ** 2 and long["approximate"].all()
    pair = long[(long["origin_adcode"] == "420102") & (long["destination_adcode"] == "420115")]
    assert pair["origin_name"].iloc[0] == "江岸区" and pair["destination_name"].iloc[0] == "江夏区"
    # slower approximate roads: 60 / 80 x 1.3 / 1.25 times the default matrix's time
    fast = matrix.loc["420102", "420115"]
    assert pair["time_min"].iloc[0] == pytest.approx(fast * 80 / 60 * 1.3 / 1.25, abs=0.02)


def test_isochrones_many_one_set_per_origin(net, hubei):
    from geourb.isochrones import isochrones
    from geourb.od import isochrones_many

    seats = hubei.iloc[:3]
    kw = {"bands_min": (30, 60), "cell_m": 2000, "access_speed_kmh": 30,
          "max_access_m": 10_000, "max_snap_m": 30_000}
    serial = isochrones_many(net, seats, **kw)
    assert serial["origin"].tolist() == [seats.index[0]] * 2 + [seats.index[1]] * 2 + [
        seats.index[2]] * 2
    assert serial.crs.to_epsg() == 4326 and (serial["area_km2"] > 0).all()
    first = isochrones(net, (seats["seat_lon"].iloc[0], seats["seat_lat"].iloc[0]), **kw)
    np.testing.assert_allclose(serial["area_km2"].iloc[:2], first["area_km2"])
    par = isochrones_many(net, seats, parallel=True, workers=2, **kw)
    np.testing.assert_allclose(par["area_km2"], serial["area_km2"])
    assert par.geometry.geom_equals_exact(serial.geometry, tolerance=1e-9).all()

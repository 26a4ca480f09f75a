"""OD travel-time matrices and commuting indicators."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from geourb._errors import InvalidValueError, MissingDependencyError, UnknownNameError
from geourb.od import commuting_indicators, od_matrix
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
    cut = od_matrix(net, hubei, dest, cutoff_min=90, batch_size=7)
    assert cut.shape == (len(hubei), 3)
    ref = full[dest.index]
    within = ref <= 90
    np.testing.assert_allclose(cut[within].stack(), ref[within].stack())
    assert np.isinf(cut[~within].to_numpy()[~within.to_numpy()]).all()
    with pytest.raises(InvalidValueError):
        od_matrix(net, hubei, cutoff_min=0)


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
    od = od_matrix(net, hubei, cutoff_min=240)
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
        od_matrix(net, hubei.iloc[:3], parallel=True)

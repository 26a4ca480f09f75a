"""Settlement tiers from the real 2020 census 城区人口."""

from __future__ import annotations

import pandas as pd
import pytest

from geourb._errors import InvalidValueError


@pytest.fixture(scope="module")
def tiers(shared_file):
    from geourb.settlement import settlement_tiers

    shared_file("census/census_county_2020_v1.xlsx")
    return settlement_tiers()


def test_real_tiers(tiers):
    layer, report = tiers
    t = layer.set_index("adcode")
    for code in ("440300", "440100", "510100"):  # 深圳, 广州, 成都
        assert t.loc[code, "tier"] == "points_based" and t.loc[code, "megacity"]
    assert t.loc["110100", "kind"] == "municipality" and t.loc["110100", "source"] == "census_province_row"
    assert t.loc["110100", "pop_cityzone"] > 15_000_000
    assert t.loc["441900", "kind"] == "no_district_city" and t.loc["441900", "tier"] == "points_based"
    assert t.loc["341600", "tier"] == "no_limits"  # 亳州: a small city
    assert t.loc["130100", "tier"] == "fully_relaxed"  # 石家庄 3-5 M
    assert t.loc["419001", "kind"] == "province_administered"
    assert t.loc["522600", "source"] == "sum_of_county_units"  # 黔东南: an autonomous prefecture
    assert set(report["adcode"]) >= {"810000", "820000", "710000"}
    assert int(t["megacity"].sum()) == 7  # 上海 北京 深圳 重庆 广州 成都 天津


def test_every_census_unit_has_a_tier(tiers):
    layer, report = tiers
    assert report["reason"].str.contains("tier no_limits from its total population").sum() == 18
    t = layer.set_index("adcode")
    # only Taiwan, Hong Kong and Macao (outside the census) have no tier
    assert sorted(t.index[t["tier"].isna()]) == ["710000", "810000", "820000"]
    assert (t.loc[["710000", "810000"], "kind"] == "outside_census").all()
    # no city-zone figure reported, but fewer than 3 million residents: no_limits, said so
    for code in ("152900", "632600", "429021", "460300", "469023"):  # 阿拉善 果洛 神农架 三沙 澄迈
        row = t.loc[code]
        assert row["tier"] == "no_limits" and row["source"] == "no_cityzone_figure", code
        assert pd.isna(row["pop_cityzone"]) and row["pop_total"] < 3_000_000
        assert "no city-zone population" in row["note"]
    # 地区 and 盟 are prefecture areas, 州 autonomous prefectures
    assert t.loc["152900", "kind"] == "prefecture_area"  # 阿拉善盟
    assert t.loc["542500", "kind"] == "prefecture_area"  # 阿里地区
    assert t.loc["522600", "kind"] == "autonomous_prefecture"  # 黔东南州
    assert t.loc["632600", "kind"] == "autonomous_prefecture"
    assert "autonomous" not in set(t["kind"])
    assert t.loc["340100", "pop_total"] > 9_000_000  # 合肥's prefecture row


CENSUS = "census/census_county_2020_v1.xlsx"


def test_supplied_figures_override(shared_file):
    from geourb.settlement import settlement_tiers

    shared_file(CENSUS)  # skips (fails in CI) without ../shared/data instead of erroring
    layer, _ = settlement_tiers(supplied={"341600": 3_500_000})
    row = layer.set_index("adcode").loc["341600"]
    assert row["source"] == "supplied" and row["tier"] == "fully_relaxed"
    with pytest.raises(InvalidValueError, match="not in the prefecture layer"):
        settlement_tiers(supplied={"349900": 1.0})


def test_cli_score_uses_configured_census(shared_file, tmp_path, monkeypatch):
    import geourb.stats
    from geourb.cli import main

    path = str(shared_file(CENSUS))
    calls = []
    real = geourb.stats.read_census_2020

    def spy(p=None, **kw):
        calls.append((None if p is None else str(p), kw.get("level", "county")))
        return real(p, **kw)

    monkeypatch.setattr(geourb.stats, "read_census_2020", spy)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[input]\ncensus = "{path}"\n[scoring]\nsensitivity_draws = 0\n'
                   '[output]\nformat = "parquet"\n', encoding="utf-8")
    assert main(["score", "--config", str(cfg), "--province", "皖", "--out-dir", str(tmp_path)]) == 0
    assert {lvl for _, lvl in calls} == {"county", "prefecture", "province"}
    assert all(p == path for p, _ in calls), calls  # never the default file
    tiers = pd.read_csv(tmp_path / "settlement_tiers.csv", dtype={"adcode": str})
    assert tiers["adcode"].str.startswith("34").all() and len(tiers) == 16
    assert tiers.set_index("adcode").loc["341600", "tier"] == "no_limits"
    # the tiers as a map layer too (prefecture polygons, the configured format)
    import geopandas as gpd

    layer = gpd.read_parquet(tmp_path / "settlement_tiers.parquet")
    assert len(layer) == 16 and layer.crs.to_epsg() == 4326
    assert layer.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert layer.set_index("adcode").loc["341600", "tier"] == "no_limits"
    # integral columns are written as integers
    text = (tmp_path / "county_scores.csv").read_text(encoding="utf-8-sig").splitlines()
    row = dict(zip(text[0].split(","), text[1].split(","), strict=False))
    assert row["rank"].isdigit() and row["pop_total"].isdigit()

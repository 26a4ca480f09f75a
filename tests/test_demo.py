"""The main job (`geourb demo`) end to end on real data, into temporary folders."""

from __future__ import annotations

import pandas as pd
import pytest

from geourb.cli import main


@pytest.mark.slow
def test_demo_writes_every_output(tmp_path, shared_data, capsys):
    out_dir, maps_dir, page = tmp_path / "processed", tmp_path / "maps", tmp_path / "reports" / "regions.html"
    assert main(["--no-progress", "demo", "--out-dir", str(out_dir), "--maps-dir", str(maps_dir),
                 "--report", str(page), "--metro-cores", "武汉,南京"]) == 0
    text = capsys.readouterr().out
    assert "national urbanization 63.8" in text
    # the same files as `geourb regions` (one pipeline: geourb.workflows), plus reports and the metro circle
    for name in ["county_regions.csv", "county_regions.gpkg", "potential_regions.csv", "potential_regions.gpkg",
                 "region_presets.csv", "scattered_counties.csv", "score_weights.csv", "settlement_tiers.csv",
                 "settlement_tiers.gpkg",
                 "census_join_report.csv", "parks_validation_report.csv", "parks_by_county.csv",
                 "counties_census2020.parquet", "metro_counties.gpkg"]:
        assert (out_dir / name).stat().st_size > 0, name
    scores = pd.read_csv(out_dir / "county_regions.csv", dtype={"adcode": str})
    assert len(scores) == 2875 and scores.sort_values("rank")["adcode"].iloc[0] == "341221"  # 临泉县
    assert scores["access_min"].notna().all()  # the approximate network's minutes, not the estimate
    parks = pd.read_csv(out_dir / "parks_by_county.csv", dtype={"adcode": str}).set_index("adcode")
    assert parks.loc["341221", "n_parks"] >= 1 and parks["n_parks"].sum() > 2000
    assert "development zones" in text and "1-hour circle" in text
    for name in ["potential_regions.html", "metro_1h.html"]:
        html = (maps_dir / name).read_text(encoding="utf-8")
        assert "leaflet" in html.lower() and '<script src="http' not in html
    # the regions map shows both tiers: ranked outlines and hatched scattered counties
    regions_map = (maps_dir / "potential_regions.html").read_text(encoding="utf-8")
    assert "geourb-hatch" in regions_map and "geourb-rank" in regions_map
    assert "concentrated regions (top: 1 " in text and "scattered counties" in text
    # the report from the same run: the regions' ranks, the scattered list, the two metro circles asked for
    regions = pd.read_csv(out_dir / "potential_regions.csv").sort_values("rank")
    report = page.read_text(encoding="utf-8")
    first = report.index('<details class="factsheet">')
    assert report[first:].startswith(f'<details class="factsheet"><summary>1. {regions["region_name"].iloc[0]} ')
    scattered = pd.read_csv(out_dir / "scattered_counties.csv")
    assert f"{len(scattered)} 个县" in report
    circles = report[report.index("7 都市圈"):]
    assert "武汉" in circles and "南京" in circles and "成都" not in circles

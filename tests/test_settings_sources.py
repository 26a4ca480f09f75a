"""Settings object, data-source registry, atomic writes and the CLI."""

from __future__ import annotations

import pytest

from geourb import ChecksumError, OfflineError, SettingsError, UnknownNameError, settings
from geourb._io import atomic_path, write_text
from geourb.cli import main
from geourb.settings import Settings
from geourb.sources import fetch, get_source, list_sources


def test_settings_refuse_unknown_keys_and_bad_values(tmp_path):
    s = Settings()
    with pytest.raises(UnknownNameError, match="Unknown setting 'cache_dri'.*cache_dir"):
        s.cache_dri = "x"
    with pytest.raises(SettingsError, match="true or false"):
        s.offline = "yes"
    cfg = tmp_path / "g.toml"
    cfg.write_text('[settings]\ncache_dir = "cache"\nprogress = false\n', encoding="utf-8")
    loaded = Settings.from_toml(cfg)
    assert loaded.cache_dir == tmp_path / "cache" and loaded.progress is False
    cfg.write_text('[settings]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(UnknownNameError, match="colour"):
        Settings.from_toml(cfg)


def test_context_restores():
    before = settings.progress
    with settings.context(progress=not before):
        assert settings.progress is (not before)
    assert settings.progress is before


def test_registry_and_mirror(shared_data):
    assert {"census_2020", "development_zones_2018", "rail_stations"} <= set(list_sources()["name"])
    path = fetch("census_2020")  # from the mirror ../shared/data, checksum verified
    assert path.name == "census_county_2020_v1.xlsx" and path.is_relative_to(shared_data)
    with pytest.raises(UnknownNameError, match="census_2021.*Did you mean"):
        get_source("census_2021")


def test_offline_error_says_what_to_do(tmp_path):
    with settings.context(mirror_dirs=[tmp_path], data_dir=tmp_path, offline=True), \
            pytest.raises(OfflineError, match="Download https://.*census_county_2020_v1.xlsx"):
        fetch("census_2020")


def test_checksum_mismatch(tmp_path):
    (tmp_path / "census").mkdir()
    (tmp_path / "census" / "census_county_2020_v1.xlsx").write_bytes(b"not the census")
    with settings.context(mirror_dirs=[tmp_path]), pytest.raises(ChecksumError, match="sha256"):
        fetch("census_2020")


def test_atomic_write_leaves_old_file_on_crash(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "old")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise Boom
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_cli_counties_and_errors(tmp_path, capsys):
    out = tmp_path / "fy.gpkg"
    assert main(["--no-progress", "counties", "--prefecture", "阜阳市", "--census", "--out", str(out)]) == 0
    import geopandas as gpd

    layer = gpd.read_file(out)
    assert len(layer) == 8 and layer["pop_total"].notna().all()
    assert main(["counties", "--province", "Atlantis"]) == 2
    assert "Unknown province 'Atlantis'" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ".geojson", ".shp"])
def test_write_layer_round_trips(tmp_path, suffix):
    import geopandas as gpd
    from shapely import Point

    from geourb._io import write_layer

    # synthetic two-point layer with Chinese names
    gdf = gpd.GeoDataFrame({"name": ["合肥", "阜阳"]}, geometry=[Point(117.2, 31.8), Point(115.8, 32.9)],
                           crs="EPSG:4326")
    path = write_layer(gdf, tmp_path / f"out{suffix}")
    back = gpd.read_parquet(path) if suffix == ".parquet" else gpd.read_file(path)
    assert back["name"].tolist() == ["合肥", "阜阳"] and back.crs.to_epsg() == 4326
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_cli_joins_a_user_table_with_a_mapping(tmp_path, capsys):
    # synthetic GBK table with two real adcodes (a 12-digit one) and one unknown code
    table = tmp_path / "stats.csv"
    table.write_bytes("代码,常住人口\n341221000000,100\n341222,200\n341299,5\n".encode("gbk"))
    out = tmp_path / "fy.csv"
    assert main(["counties", "--prefecture", "阜阳市", "--table", str(table), "--map", "adcode=代码",
                 "pop_total=常住人口", "--out", str(out)]) == 0
    import pandas as pd

    got = pd.read_csv(out, dtype={"adcode": str}).set_index("adcode")
    assert got.loc["341221", "pop_total"] == 100 and got.loc["341222", "pop_total"] == 200
    text = capsys.readouterr().out
    assert "unmatched_table_rows: 1" in text and "unmatched_layer_units: 6" in text
    assert main(["counties", "--table", str(table), "--map", "代码"]) == 2


def test_csv_has_bom_for_excel_and_reads_back(tmp_path):
    import pandas as pd

    from geourb import read_table
    from geourb._io import write_table

    path = write_table(pd.DataFrame({"name": ["临泉县"], "pop": [1.5]}), tmp_path / "t.csv", float_format="%.3f")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"1.500" in raw
    assert read_table(path).columns.tolist() == ["name", "pop"]
    assert pd.read_csv(path).columns.tolist() == ["name", "pop"]

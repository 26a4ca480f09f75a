"""Hostile inputs for the pipeline: configs, the score/regions CLI, readers, writers and the CLI error contract.

Each case asserts the error class (API) or a clean exit 2 with one line and no traceback (CLI), and
that the message names the offending file, key or value. Files are synthetic (written here).
Config and output-folder errors must come before any data loads, so these cases are fast.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geourb._errors import (
    DataFileNotFoundError,
    FileFormatError,
    GeourbError,
    InvalidValueError,
    NetworkGraphError,
    OutputPathError,
    SettingsError,
    UnknownNameError,
)


def _config(tmp_path: Path, text: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _regions(cli_fails, tmp_path: Path, text: str, *contains: str, command: str = "regions"):
    cfg = _config(tmp_path, text)
    return cli_fails(command, "--config", cfg, "--out-dir", tmp_path / "out", contains=[str(cfg), *contains])


# ------------------------------------------------------------------------------------- configs


def test_bool_as_string_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[regions]\nhotspots = "false"\n', "regions.hotspots", "of type str", "true or false",
             "without quotes")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_int_as_string_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[regions]\nmax_region_counties = "30"\n', "max_region_counties", "'30'",
             "an integer")


def test_sensitivity_draws_as_string_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[scoring]\nsensitivity_draws = "200"\n', "scoring.sensitivity_draws",
             "of type str", "integer", command="score")


def test_seed_text_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[regions]\nseed = "abc"\n', "seed", "'abc'", "an integer")


def test_float_field_refuses_bool(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, "[regions]\nmin_pop_total = true\n", "min_pop_total", "of type bool", "a number")


def test_list_of_mixed_weights_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[scoring]\nweights = [1, "x"]\n', "weights", "of type list")


def test_table_as_value_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, "regions = 5\n", "[regions]", "table")


def test_unknown_table_suggests(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, "[regoins]\nseed = 1\n", "unknown table [regoins]", "did you mean: regions")


def test_unknown_input_key_suggests(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[input]\ncensuss = "x.xlsx"\n', "censuss", "did you mean: census")


def test_output_format_choice(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[output]\nformat = "shp"\n', "output.format", "'shp'", "'gpkg'", "'parquet'")


@pytest.mark.parametrize("prefix", ["../../x_", "sub/x_", "a\\\\b", ".hidden"])
def test_prefix_outside_out_dir_refused(cli_fails, tmp_path, prefix):
    _regions(cli_fails, tmp_path, f'[output]\nprefix = "{prefix}"\n', "prefix", "separators")
    assert not list(tmp_path.parent.glob("x_*"))


def test_target_rate_out_of_range(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, "[input]\ntarget_rate = 7\n", "target_rate", "7")


def test_network_value_unknown(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[input]\nnetwork = "aproximate"\n', "network", "did you mean: approximate")


def test_missing_census_file_named_before_loading(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, '[input]\ncensus = "no_such_census.xlsx"\n', "[input] census",
             "no_such_census.xlsx", "does not exist")


def test_invalid_toml(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, "[regions\nseed = 1\n", "not valid toml")


def test_config_missing(cli_fails, tmp_path):
    cli_fails("regions", "--config", tmp_path / "nope.toml", "--out-dir", tmp_path,
              contains=["nope.toml", "does not exist"])


def test_config_is_a_folder(cli_fails, tmp_path):
    cli_fails("score", "--config", tmp_path, "--out-dir", tmp_path / "o", contains=[str(tmp_path), "folder"])


def test_api_config_checks_before_data(raises_named):
    from geourb.workflows import load_config

    with raises_named(SettingsError, "regions.hotspots", "'false'", "of type str", "true or false"):
        load_config({"regions": {"hotspots": "false"}})
    with raises_named(UnknownNameError, "unknown table [output2]"):
        load_config({"output2": {}})
    assert load_config({"input": {"target_rate": 1}}).input.target_rate == 1  # an int is a float


def test_unknown_province_before_loading(cli_fails, tmp_path):
    cfg = _config(tmp_path, "[regions]\nseed = 1\n")
    cli_fails("regions", "--config", cfg, "--province", "火星", "--out-dir", tmp_path / "o", contains=["火星"])


# ------------------------------------------------------------------------------------- outputs


def test_out_dir_parent_is_a_file(cli_fails, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    cfg = _config(tmp_path, "")
    cli_fails("regions", "--config", cfg, "--out-dir", blocker / "out", contains=[str(blocker), "is a file"])


def test_out_dir_not_writable(cli_fails, tmp_path):
    cfg = _config(tmp_path, "")
    cli_fails("regions", "--config", cfg, "--out-dir", "/proc/geourb_out", contains=["/proc/geourb_out"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_out_dir(cli_fails, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        cli_fails("regions", "--config", _config(tmp_path, ""), "--out-dir", ro, contains=[str(ro), "not writable"])
    finally:
        ro.chmod(0o755)


def test_read_only_out_dir_simulated(cli_fails, tmp_path, monkeypatch):
    """As root a chmod-ed folder stays writable: simulate the refusal the OS gives other users."""
    import errno
    import tempfile

    from geourb import _io

    ro = tmp_path / "ro"
    ro.mkdir()

    def refuse(*args, dir=None, **kwargs):
        if Path(dir) == ro:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return tempfile.mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(_io.tempfile, "mkstemp", refuse)
    cli_fails("regions", "--config", _config(tmp_path, ""), "--out-dir", ro,
              contains=[str(ro), "not writable", "permission denied"])


def test_write_onto_a_folder(raises_named, tmp_path):
    from geourb._io import write_table

    (tmp_path / "t.csv").mkdir()
    with raises_named(OutputPathError, "t.csv", "folder"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")


def test_stale_temp_of_dead_writer_removed(tmp_path):
    from geourb._io import write_table

    dead = 2**22 + 12345  # above the default pid_max: no such process
    stale = tmp_path / f".t.csv.geourb-{dead}-abc.csv"
    stale.write_bytes(b"x" * 1000)
    live = tmp_path / f".t.csv.geourb-{os.getppid()}-def.csv"  # a running writer's file is kept
    live.write_bytes(b"y")
    other = tmp_path / f".u.csv.geourb-{dead}-abc.csv"  # another target's temp is not ours to clean
    other.write_bytes(b"z")
    write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    assert not stale.exists() and live.exists() and other.exists()
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig") == "a\n1\n"


def _layer(values: list[int]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"adcode": [f"34010{i}" for i in range(len(values))], "v": values},
                            geometry=[shapely.box(i, 30, i + 1, 31) for i in range(len(values))], crs=4326)


def test_shapefile_crash_never_pairs_old_shp_with_new_dbf(tmp_path, monkeypatch):
    from geourb import _io

    path = tmp_path / "x.shp"
    _io.write_layer(_layer([1, 2]), path)
    real_replace = os.replace
    calls = []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # a kill between two renames
        return real_replace(src, dst)

    monkeypatch.setattr(_io.os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        _io.write_layer(_layer([7, 8, 9]), path)
    monkeypatch.setattr(_io.os, "replace", real_replace)
    # the old .shp went first: nothing reads a mixed set
    assert not path.exists()
    with pytest.raises(Exception):  # noqa: B017 - any read error, never the wrong attributes
        gpd.read_file(path)
    _io.write_layer(_layer([7, 8, 9]), path)  # the next write completes the set
    assert gpd.read_file(path)["v"].tolist() == [7, 8, 9]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ".geojson", ".shp"])
def test_layer_rewrite_byte_identical(tmp_path, suffix):
    import time

    from geourb._io import write_layer

    digests = []
    for i in range(2):
        path = write_layer(_layer([1, 2, 3]), tmp_path / str(i) / f"x{suffix}")
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
        time.sleep(1.1)  # GeoPackage timestamps have second resolution
    assert digests[0] == digests[1]


def test_deterministic_csv_format(tmp_path):
    from geourb._io import FLOAT_FORMAT, write_table

    df = pd.DataFrame({"adcode": ["2", "1"], "pop": [708829.0, np.nan], "rate": [0.5, 1 / 3]})
    path = write_table(df, tmp_path / "t.csv", float_format=FLOAT_FORMAT, integral=True, sort_by="adcode")
    assert path.read_text(encoding="utf-8-sig") == "adcode,pop,rate\n1,,0.333333\n2,708829,0.500000\n"


# ------------------------------------------------------------------------------------- readers


def test_empty_csv(raises_named, tmp_path):
    from geourb._io import read_table

    (tmp_path / "e.csv").write_bytes(b"")
    with raises_named(FileFormatError, "e.csv", "empty"):
        read_table(tmp_path / "e.csv")
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf\n")
    with raises_named(FileFormatError, "bom.csv", "empty"):
        read_table(tmp_path / "bom.csv")


def test_directory_named_csv(raises_named, tmp_path):
    from geourb._io import read_table

    (tmp_path / "x.csv").mkdir()
    with raises_named(FileFormatError, "x.csv", "folder"):
        read_table(tmp_path / "x.csv")


def test_missing_sheet_lists_sheets(raises_named, tmp_path):
    from geourb._io import read_table

    path = tmp_path / "t.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="人口", index=False)
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="面积", index=False)
    with raises_named(UnknownNameError, "t.xlsx", "不存在", "人口, 面积"):
        read_table(path, sheet="不存在")
    with raises_named(UnknownNameError, "sheet number 5"):
        read_table(path, sheet=5)
    assert read_table(path, sheet="面积")["a"].tolist() == [1]


def test_garbage_xlsx(raises_named, tmp_path):
    from geourb._io import read_table

    (tmp_path / "g.xlsx").write_bytes(b"not a zip at all")
    with raises_named(FileFormatError, "g.xlsx", "spreadsheet"):
        read_table(tmp_path / "g.xlsx")


def test_garbage_parquet_table(raises_named, tmp_path):
    from geourb._io import read_table

    (tmp_path / "g.parquet").write_bytes(b"PAR1garbage")
    with raises_named(FileFormatError, "g.parquet", "parquet"):
        read_table(tmp_path / "g.parquet")


@pytest.mark.parametrize("content", [b'{"type": "FeatureCollection", "features": [{"type": "Fea', b"\x00\x01garbage",
                                     b""])
def test_truncated_geojson(raises_named, tmp_path, content):
    from geourb._io import read_layer

    path = tmp_path / "t.geojson"
    path.write_bytes(content)
    with raises_named(FileFormatError, "t.geojson"):
        read_layer(path)


def test_truncated_geojson_cli(cli_fails, tmp_path):
    path = tmp_path / "t.geojson"
    path.write_bytes(b'{"type": "FeatureCollection", "features": [')
    cli_fails("map", "layer", path, "--out", tmp_path / "m.html", contains=["t.geojson"])


def test_missing_gpkg_layer_lists_layers(raises_named, tmp_path):
    from geourb._io import read_layer, write_layer

    path = write_layer(_layer([1]), tmp_path / "x.gpkg", layer="counties")
    with raises_named(UnknownNameError, "x.gpkg", "'regions'", "counties"):
        read_layer(path, layer="regions")


def test_plain_parquet_is_not_a_layer(raises_named, tmp_path):
    from geourb._io import read_layer

    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "p.parquet")
    with raises_named(FileFormatError, "p.parquet", "no geometry"):
        read_layer(tmp_path / "p.parquet")


def test_garbage_npz(raises_named, tmp_path):
    from geourb.network import Network

    (tmp_path / "n.npz").write_bytes(b"garbage, not a zip")
    with raises_named(NetworkGraphError, "n.npz", "network build"):
        Network.load(tmp_path / "n.npz")


def test_garbage_npz_cli(cli_fails, tmp_path):
    (tmp_path / "n.npz").write_bytes(b"garbage")
    cli_fails("isochrone", "--network", tmp_path / "n.npz", "--lon", "117", "--lat", "31", "--out",
              tmp_path / "i.gpkg", contains=["n.npz"])


def test_numbers_print_plainly(raises_named):
    from geourb._validate import to_numeric

    with raises_named(InvalidValueError, "-5000"):
        to_numeric(pd.DataFrame({"x": np.array([-5000.0, 1.0])}), "x", source="t.csv")


# ------------------------------------------------------------------------------------- the CLI contract


def test_internal_error_one_line(monkeypatch, cli_fails, run_cli):
    from geourb.cli import data

    def boom(args):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(data, "_data_list", boom)
    cli_fails("data", "list", contains=["internal error", "ZeroDivisionError", "--debug"])
    from geourb.cli import main

    with pytest.raises(ZeroDivisionError):
        main(["--debug", "data", "list"])


def test_keyboard_interrupt_exit_130(monkeypatch, run_cli):
    from geourb.cli import data

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "_data_list", interrupted)
    result = run_cli("data", "list")
    assert result.code == 130 and "Traceback" not in result.err


def test_geourb_error_debug_reraises(tmp_path):
    from geourb.cli import main

    with pytest.raises(GeourbError):
        main(["--debug", "regions", "--config", str(tmp_path / "nope.toml")])
    with pytest.raises(DataFileNotFoundError):
        main(["--debug", "score", "--config", str(tmp_path / "nope.toml")])


# ------------------------------------------------------------------------------------- other commands' files


def test_counties_empty_table(cli_fails, tmp_path):
    (tmp_path / "t.csv").write_bytes(b"")
    cli_fails("counties", "--province", "宁夏", "--table", tmp_path / "t.csv", "--map", "adcode=代码",
              contains=["t.csv", "empty"])


def test_counties_table_is_a_folder(cli_fails, tmp_path):
    (tmp_path / "x.csv").mkdir()
    cli_fails("counties", "--province", "宁夏", "--table", tmp_path / "x.csv", "--map", "adcode=代码",
              contains=["x.csv", "folder"])


def test_counties_missing_sheet(cli_fails, tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"代码": [640104], "人口": [1]}).to_excel(path, sheet_name="2020", index=False)
    cli_fails("counties", "--province", "宁夏", "--table", path, "--sheet", "不存在", "--map", "adcode=代码",
              contains=["t.xlsx", "不存在", "sheet", "2020"])


def test_counties_out_parent_is_a_file(cli_fails, tmp_path):
    (tmp_path / "f").write_text("x")
    cli_fails("counties", "--province", "宁夏", "--out", tmp_path / "f" / "x.gpkg", contains=[str(tmp_path / "f")])


def test_od_out_not_writable_before_work(cli_fails, tmp_path):
    cli_fails("od", "--province", "宁夏", "--out", "/proc/geourb/od.csv", contains=["/proc/geourb"])


def test_metro_garbage_network(cli_fails, tmp_path):
    (tmp_path / "n.npz").write_bytes(b"PK\x03\x04 truncated")
    cli_fails("metro", "--core", "银川", "--network", tmp_path / "n.npz", "--out", tmp_path / "m.gpkg",
              contains=["n.npz"])


def test_two_different_target_rates_refused(cli_fails, tmp_path):
    _regions(cli_fails, tmp_path, "[input]\ntarget_rate = 0.7\n[regions]\ntarget_rate = 0.65\n",
             "[input] target_rate = 0.7", "[regions] target_rate = 0.65", "once")


def test_input_target_rate_reaches_regions():
    from geourb.workflows import load_config

    assert load_config({"input": {"target_rate": 0.65}}).regions.target_rate == 0.65

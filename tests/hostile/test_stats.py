"""Hostile input to the statistics readers and joins (#11, #13).

Every table here is SYNTHETIC (written by the test, a few rows) unless it says otherwise; the
county layer is the real one. Each case asserts the GeourbError subclass and that the message
names the file, row, key or value at fault.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geourb import (
    DataFileNotFoundError,
    DuplicateKeyError,
    GeourbError,
    InvalidValueError,
    MissingColumnError,
    UnknownNameError,
)
from geourb.stats import change, join_statistics, load_crosswalk, read_statistics

MAP = {"adcode": "代码", "name": "名称", "pop_total": "常住人口"}


def _csv(tmp_path, text: str, name: str = "t.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def anhui(counties):
    return counties[counties["province"] == "安徽省"]


def test_header_not_found_lists_first_rows(tmp_path):
    path = _csv(tmp_path, "安徽统计年鉴\nfoo,bar\n1,2\n", "noheader.csv")
    with pytest.raises(MissingColumnError) as err:
        read_statistics(path, mapping=MAP)
    msg = str(err.value)
    assert "noheader.csv" in msg and "First rows seen: row 1: ['安徽统计年鉴']" in msg and "header_row=" in msg


def test_title_rows_point_to_header_detection(tmp_path):
    # the header is there, but the mapping names a column it does not have
    path = _csv(tmp_path, "表1 人口\n单位：人\n代码,名称,人口数\n340102,瑶海区,1\n", "title.csv")
    with pytest.raises(MissingColumnError, match=r"header detection.*'常住人口'|'常住人口'.*header detection"):
        read_statistics(path, mapping=MAP)


def test_missing_column_hint_reads_key_to_your_column(tmp_path):
    path = _csv(tmp_path, "id,名称,常住人口\n340102,a,1\n", "hint.csv")
    with pytest.raises(MissingColumnError, match=r"mapping=\{'adcode': '<your column>'\}"):
        read_statistics(path, mapping=MAP)


@pytest.mark.parametrize("row", [0, 99, True, "3"])
def test_header_row_out_of_range(tmp_path, row):
    path = _csv(tmp_path, "代码,名称,常住人口\n340102,a,1\n", "hr.csv")
    with pytest.raises(InvalidValueError, match="header_row must be a row number from 1 to 2 of .*hr.csv"):
        read_statistics(path, mapping=MAP, header_row=row)


def test_header_row_pointing_at_a_title(tmp_path):
    path = _csv(tmp_path, "标题\n代码,名称,常住人口\n340102,a,1\n", "hr2.csv")
    with pytest.raises(MissingColumnError, match=r"hr2.csv: row 1 \(header_row\) has no column"):
        read_statistics(path, mapping=MAP, header_row=1)
    assert len(read_statistics(path, mapping=MAP, header_row=2)) == 1


def test_unparseable_unit_in_title(tmp_path):
    path = _csv(tmp_path, "表\n单位：万头\n代码,名称,常住人口\n340102,a,1\n", "unit.csv")
    with pytest.raises(InvalidValueError, match="unit.csv: cannot parse the unit '万头'"):
        read_statistics(path, mapping=MAP)


def test_unparseable_unit_argument(tmp_path):
    path = _csv(tmp_path, "代码,名称,常住人口\n340102,a,1\n", "unit2.csv")
    with pytest.raises(InvalidValueError, match="cannot parse the unit '万斤'"):
        read_statistics(path, mapping=MAP, units="万斤")
    with pytest.raises(UnknownNameError, match="units= names \\['pop_urban'\\]"):
        read_statistics(path, mapping=MAP, units={"pop_urban": "万人"})


@pytest.mark.parametrize(("key", "hint"), [("population", "pop_total"), ("pop_urbn", "pop_urban"),
                                           ("pop_totl", "pop_total"), ("adcod", "adcode")])
def test_misspelled_mapping_keys(tmp_path, key, hint):
    path = _csv(tmp_path, "代码,名称,常住人口\n340102,a,1\n", "keys.csv")
    with pytest.raises(UnknownNameError, match=f"Unknown mapping key '{key}' for .*keys.csv. Did you mean {hint}?"):
        read_statistics(path, mapping={"adcode": "代码", key: "常住人口"})


@pytest.mark.parametrize(("value", "what"), [("inf", "non-finite"), ("1e300", "over 50,000,000"),
                                             ("60000000", "over 50,000,000"), ("-5", "negative")])
def test_absurd_counts_name_the_row(tmp_path, value, what):
    path = _csv(tmp_path, f"代码,名称,常住人口\n340102,瑶海区,100\n340103,庐阳区,{value}\n", "abs.csv")
    with pytest.raises(InvalidValueError, match=f"abs.csv.*{what}.*row 3 \\(庐阳区\\)"):
        read_statistics(path, mapping=MAP)


def test_urban_over_total(tmp_path):
    path = _csv(tmp_path, "代码,名称,常住人口,城镇\n340102,瑶海区,100,300\n", "urb.csv")
    with pytest.raises(InvalidValueError, match="urb.csv: urban population exceeds .*row 2 \\(瑶海区\\)"):
        read_statistics(path, mapping={**MAP, "pop_urban": "城镇"})


def test_non_numeric_names_row_and_value(tmp_path):
    path = _csv(tmp_path, "代码,名称,常住人口\n340102,瑶海区,many\n", "text.csv")
    with pytest.raises(InvalidValueError, match="text.csv, column '常住人口' must be numeric.*row 2: 'many'"):
        read_statistics(path, mapping=MAP)


def test_empty_file_and_folder_and_missing(tmp_path):
    with pytest.raises(InvalidValueError, match="empty.csv is empty"):
        read_statistics(_csv(tmp_path, "", "empty.csv"), mapping=MAP)
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(DataFileNotFoundError, match="dir.csv is a folder"):
        read_statistics(tmp_path / "dir.csv", mapping=MAP)
    with pytest.raises(DataFileNotFoundError, match="nope.csv does not exist"):
        read_statistics(tmp_path / "nope.csv", mapping=MAP)


def test_missing_sheet_lists_sheets(tmp_path):
    path = tmp_path / "book.xlsx"
    pd.DataFrame({"代码": [340102], "名称": ["a"], "常住人口": [1]}).to_excel(path, sheet_name="人口", index=False)
    with pytest.raises(UnknownNameError, match=r"book.xlsx has no sheet '不存在'; its sheets are \['人口'\]"):
        read_statistics(path, mapping=MAP, sheet="不存在")


def test_mapping_without_code_or_name(tmp_path):
    path = _csv(tmp_path, "代码,名称,常住人口\n340102,a,1\n", "m.csv")
    with pytest.raises(MissingColumnError, match="m.csv has neither 'adcode' nor 'name'"):
        read_statistics(path, mapping={"pop_total": "常住人口"})
    with pytest.raises(InvalidValueError, match="needs mapping="):
        read_statistics(path, mapping=["代码"])  # type: ignore[arg-type]


def test_bad_code(tmp_path):
    path = _csv(tmp_path, "代码,名称,常住人口\n34A102,a,1\n", "code.csv")
    with pytest.raises(InvalidValueError, match="code.csv, column '代码'.*'34A102'"):
        read_statistics(path, mapping=MAP)


@pytest.mark.parametrize("vintage", [1990, 2030, "2010", 2010.0])
def test_vintage_outside_range(anhui, tmp_path, vintage):
    table = read_statistics(_csv(tmp_path, "代码,名称,常住人口\n340102,瑶海区,1\n", "v.csv"), mapping=MAP)
    with pytest.raises(InvalidValueError, match=f"vintage={vintage!r} is outside the crosswalk's range 2009-2025"):
        join_statistics(anhui, table, vintage=vintage)


def test_names_matching_nothing_get_suggestions(anhui, tmp_path):
    path = _csv(tmp_path, "名称,常住人口\n瑶海区,10\n庐阳区,20\n临全县,30\n", "names.csv")
    table = read_statistics(path, mapping={"name": "名称", "pop_total": "常住人口"})
    with pytest.raises(UnknownNameError, match="names.csv: 1 name.*row 4 '临全县': Did you mean: .*临泉县"):
        join_statistics(anhui, table)


def test_duplicate_names_in_scope(counties, tmp_path):
    path = _csv(tmp_path, "名称,常住人口\n朝阳区,10\n", "dup.csv")
    table = read_statistics(path, mapping={"name": "名称", "pop_total": "常住人口"})
    with pytest.raises(DuplicateKeyError, match=r"dup.csv: the name '朝阳区' \(row 2\) fits 2 units.*北京市.*长春市"):
        join_statistics(counties, table)
    layer, report = join_statistics(counties, table, province="北京")
    assert layer.loc["110105", "pop_total"] == 10 and report.summary()["matched_by_name"] == 1


def test_table_mixing_vintages(counties, tmp_path):
    # codes of 2009 (崇文区, 居巢区) next to the code that replaced 居巢区 in 2011 (county-level 巢湖市)
    path = _csv(tmp_path, "代码,名称,常住人口\n110103,崇文区,1\n110104,宣武区,1\n341402,居巢区,5\n"
                          "340181,巢湖市,5\n", "mixed.csv")
    table = read_statistics(path, mapping=MAP)
    with pytest.raises(InvalidValueError, match=r"mixed.csv mixes code vintages: row 4 341402 居巢区 .*row 5 340181"):
        join_statistics(counties, table)


def test_duplicate_codes(anhui, tmp_path):
    path = _csv(tmp_path, "代码,名称,常住人口\n340102,a,1\n340102,b,2\n", "dupcode.csv")
    with pytest.raises(DuplicateKeyError, match="'340102'"):
        join_statistics(anhui, read_statistics(path, mapping=MAP))


def test_bad_join_options(anhui, tmp_path):
    table = read_statistics(_csv(tmp_path, "代码,名称,常住人口\n340102,a,1\n", "o.csv"), mapping=MAP)
    with pytest.raises(InvalidValueError, match="functional_zones must be 'allocate' or 'report', not 'drop'"):
        join_statistics(anhui, table, functional_zones="drop")  # type: ignore[arg-type]
    with pytest.raises(MissingColumnError, match="no column\\(s\\) \\['pop_urban'\\]"):
        join_statistics(anhui, table, columns=["pop_urban"])


def test_crosswalk_with_unknown_relation(tmp_path):
    path = _csv(tmp_path, "old_adcode,new_adcode,relation\n340102,340103,swap\n", "cw.csv")
    with pytest.raises(InvalidValueError, match="cw.csv: relation must be recode, merge or split; found \\['swap'\\]"):
        load_crosswalk(path)


def test_change_refuses_bad_input(anhui):
    a = anhui[["adcode", "name", "geometry"]].assign(pop_total=1.0, pop_urban=0.5)
    with pytest.raises(MissingColumnError, match="the old layer has no column\\(s\\) \\['pop_urban'\\]"):
        change(a.drop(columns="pop_urban"), a)
    with pytest.raises(InvalidValueError, match="years must be \\(old, new\\) with old < new, not \\(2020, 2010\\)"):
        change(a, a, years=(2020, 2010))


def test_every_row_lands_in_the_report(anhui, tmp_path):
    # synthetic yearbook layout: title, unit, totals, a county, a zone, an unknown coded row, a footnote
    text = ("安徽省人口\n单位：万人\n代码,名称,常住人口\n,全省,100\n340100,合肥市,50\n340102,瑶海区,10\n"
            ",合肥经济技术开发区,2\n349999,不存在县,1\n注：合计含开发区\n")
    table = read_statistics(_csv(tmp_path, text, "all.csv"), mapping=MAP)
    assert [s["reason"] for s in table.attrs["skipped_rows"]] == ["footnote"]
    layer, report = join_statistics(anhui, table)
    frame = report.to_frame()
    assert set(frame["outcome"]) == {"total_row_set_aside", "functional_zone_allocated", "unmatched_table_row",
                                     "unmatched_layer_unit", "table_row_outside_layer"} - {"table_row_outside_layer"}
    assert layer.loc["340102", "pop_total"] == 100_000 + 20_000  # the zone is placed in the seat district
    assert np.isclose(report.placed_share(), 12 / 13)


def test_errors_are_geourb_errors():
    assert issubclass(UnknownNameError, GeourbError) and issubclass(InvalidValueError, ValueError)

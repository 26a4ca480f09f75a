"""Property-based tests (hypothesis) for normalize_adcode and the statistics table readers.

The tables are SYNTHETIC: random codes, names and counts written in random encodings (UTF-8,
UTF-8 with BOM, GB18030), with random title rows above the header, thousand separators and
万人 units; reading them back must give the same numbers.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geourb import normalize_adcode
from geourb.stats import read_statistics

codes6 = st.integers(min_value=110000, max_value=829999).map(str)
names = st.text(alphabet="临泉太和县区市蒙城利辛颍上阜南界首", min_size=2, max_size=6)
counts = st.integers(min_value=0, max_value=5_000_000)


@given(code=codes6, suffix=st.sampled_from(["", "000", "000000"]), pad=st.sampled_from(["", " ", "\t"]),
       as_number=st.booleans())
def test_normalize_adcode_forms(code, suffix, pad, as_number):
    raw = int(code + suffix) if as_number else f"{pad}{code}{suffix}{pad}"
    assert normalize_adcode([raw]).tolist() == [code]
    assert normalize_adcode([float(code)]).tolist() == [code]


@given(st.lists(st.one_of(codes6, st.none()), max_size=20))
def test_normalize_adcode_keeps_missing_and_length(values):
    out = normalize_adcode(values)
    assert len(out) == len(values)
    assert out.isna().tolist() == [v is None for v in values]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(codes6, names, counts, counts), min_size=1, max_size=8,
                     unique_by=lambda r: r[0]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       titles=st.integers(min_value=0, max_value=3),
       thousands=st.booleans(),
       wan=st.booleans())
def test_table_reader_roundtrip(tmp_path_factory, rows, encoding, titles, thousands, wan):
    lines = [f"表{i} 分县人口" for i in range(titles)]
    if wan:
        lines.append("单位：万人")
    lines.append("代码,名称,常住人口,城镇人口")
    for code, name, total, urban in rows:
        urban = min(urban, total)
        if wan:
            t, u = f"{total / 1e4:.4f}", f"{urban / 1e4:.4f}"
        else:
            t, u = (f'"{total:,}"', f'"{urban:,}"') if thousands else (str(total), str(urban))
        lines.append(f"{code},{name},{t},{u}")
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    path.write_bytes("\n".join(lines).encode(encoding))
    df = read_statistics(path, mapping={"adcode": "代码", "name": "名称", "pop_total": "常住人口",
                                        "pop_urban": "城镇人口"})
    assert df["adcode"].tolist() == [r[0] for r in rows]
    assert df["name"].tolist() == [r[1] for r in rows]
    assert df["pop_total"].tolist() == [float(r[2]) for r in rows]
    assert df["pop_urban"].tolist() == [float(min(r[3], r[2])) for r in rows]
    assert df.attrs["header_row"] == titles + wan + 1
    assert pd.api.types.is_float_dtype(df["pop_total"])

